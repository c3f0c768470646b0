using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Sql;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CustomerInsightsSynapse.Core.Tests.Sql;

/// <summary>
/// 10,000 random identifiers, each used at once as database, entity and attribute name: every batch parses
/// and ScriptDom reads back exactly the original names. The seed is fixed (override with CISYNAPSE_PROPERTY_SEED).
/// </summary>
public sealed class IdentifierPropertyTests
{
    private const int Count = 10_000;

    [Fact]
    public void RandomIdentifiersRoundTripThroughScriptDom()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("CISYNAPSE_PROPERTY_SEED"), out var s) ? s : 20261129;
        var names = new RandomIdentifiers(seed);
        var lake = DataLakeContainer.ForAccount("contosolake", "customerinsights");
        var lengths = new HashSet<int>();
        var withSurrogates = 0;

        for (var i = 0; i < Count; i++)
        {
            var name = names.Next();
            var other = names.Next();
            if (string.Equals(name, other, StringComparison.OrdinalIgnoreCase) || IsSystemDatabase(name))
            {
                continue;
            }

            lengths.Add(name.Length);
            withSurrogates += name.Any(char.IsSurrogate) ? 1 : 0;
            var entity = new CdmEntity(
                name,
                [new CdmAttribute(name, "string", MaxLength: 100), new CdmAttribute(other, "int64")],
                [new CdmPartition("https://contosolake.blob.core.windows.net/source/e/part.csv", PartitionFormat.Csv, new CsvFormat(HasHeader: true))]);
            var request = new SqlScriptRequest(name, QueryAccessMode.WorkspaceIdentity, lake, [new LandedEntity(entity, "db/entity/1")]);

            var script = ServerlessSqlGenerator.Generate(request);

            var seen = ReadBack(script.Text, $"seed {seed}, identifier #{i}");
            Assert.True(seen.DatabaseNames.All(n => n == name) && seen.DatabaseNames.Count == 2, Describe("database name (CREATE DATABASE, USE)", name, seen.DatabaseNames, seed, i));
            Assert.True(seen.DbIdArguments.SequenceEqual([name]), Describe("DB_ID argument", name, seen.DbIdArguments, seed, i));
            Assert.True(seen.ViewNames.SequenceEqual([("dbo", name)]), Describe("view name", name, seen.ViewNames.Select(v => v.Schema + "." + v.Name).ToList(), seed, i));
            Assert.True(seen.Columns.SequenceEqual([name, other]), Describe("WITH columns", name + " | " + other, seen.Columns, seed, i));
        }

        Assert.Contains(128, lengths);
        Assert.Contains(1, lengths);
        Assert.True(withSurrogates > Count / 10, $"only {withSurrogates} identifiers had surrogate pairs");
    }

    private static bool IsSystemDatabase(string name) =>
        name.Equals("master", StringComparison.OrdinalIgnoreCase) || name.Equals("tempdb", StringComparison.OrdinalIgnoreCase)
        || name.Equals("model", StringComparison.OrdinalIgnoreCase) || name.Equals("msdb", StringComparison.OrdinalIgnoreCase);

    private static string Describe(string what, string expected, IEnumerable<string> actual, int seed, int index) =>
        $"{what} did not read back (seed {seed}, #{index}): expected '{expected}', got [{string.Join(" | ", actual.Select(a => "'" + a + "'"))}]";

    private static NameCollector ReadBack(string text, string context)
    {
        var fragment = SqlScriptValidator.Parse(text, out var errors);
        Assert.True(errors.Count == 0, $"{context}: {string.Join("; ", errors.Select(e => e.Message))}\n{text}");
        var collector = new NameCollector();
        fragment.Accept(collector);
        return collector;
    }

    private sealed class NameCollector : TSqlFragmentVisitor
    {
        public List<string> DatabaseNames { get; } = [];

        public List<string> DbIdArguments { get; } = [];

        public List<(string Schema, string Name)> ViewNames { get; } = [];

        public List<string> Columns { get; } = [];

        public override void ExplicitVisit(CreateDatabaseStatement node)
        {
            DatabaseNames.Add(node.DatabaseName.Value);
            base.ExplicitVisit(node);
        }

        public override void ExplicitVisit(UseStatement node)
        {
            DatabaseNames.Add(node.DatabaseName.Value);
            base.ExplicitVisit(node);
        }

        public override void ExplicitVisit(FunctionCall node)
        {
            if (node.FunctionName.Value.Equals("DB_ID", StringComparison.OrdinalIgnoreCase))
            {
                DbIdArguments.AddRange(node.Parameters.OfType<StringLiteral>().Select(l => l.Value));
            }

            base.ExplicitVisit(node);
        }

        public override void ExplicitVisit(CreateOrAlterViewStatement node)
        {
            ViewNames.Add((node.SchemaObjectName.SchemaIdentifier.Value, node.SchemaObjectName.BaseIdentifier.Value));
            base.ExplicitVisit(node);
        }

        public override void ExplicitVisit(OpenRowsetColumnDefinition node)
        {
            Columns.Add(node.ColumnIdentifier.Value);
            base.ExplicitVisit(node);
        }
    }
}
