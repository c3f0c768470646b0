using System.Text.Json;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using static CustomerInsightsSynapse.Core.Tests.Cdm.CdmTestSupport;

namespace CustomerInsightsSynapse.Core.Tests.Cdm;

/// <summary>
/// Attribute names are made into strings once per read (<see cref="CdmNameTable"/>): a name met again is the same
/// string, and every name reads exactly as <see cref="CdmJson.AsStringOrNull"/> reads it.
/// </summary>
public sealed class NameTableTests
{
    [Theory]
    [InlineData("\"id\"")]
    [InlineData("\"Customer Id \"")]
    [InlineData("\"n\\u0061me\"")]
    [InlineData("\"tab\\there\"")]
    [InlineData("\"Größe\"")]
    [InlineData("\"名前\"")]
    [InlineData("\"\"")]
    [InlineData("\"   \"")]
    [InlineData("42")]
    [InlineData("1.50")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("{ \"name\": \"x\" }")]
    [InlineData("[ \"x\" ]")]
    public void AValueReadsAsItsTextDoes(string json)
    {
        using var document = JsonDocument.Parse(json);
        var table = new CdmNameTable();

        Assert.Equal(CdmJson.AsStringOrNull(document.RootElement), table.AsStringOrNull(document.RootElement));
        Assert.Equal(CdmJson.AsStringOrNull(document.RootElement), table.AsStringOrNull(document.RootElement));
        Assert.Null(table.AsStringOrNull(default));
    }

    [Fact]
    public void ALongNameReadsAsItsTextDoes()
    {
        var name = new string('a', 200) + "z";
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(name));

        Assert.Equal(name, new CdmNameTable().AsStringOrNull(document.RootElement));
    }

    [Fact]
    public void AnAsciiNameMetAgainIsTheSameString()
    {
        using var first = JsonDocument.Parse("\"customerId\"");
        using var second = JsonDocument.Parse("[ \"customerId\", \"CustomerId\" ]");
        var table = new CdmNameTable();

        var made = table.AsStringOrNull(first.RootElement);
        Assert.Same(made, table.AsStringOrNull(second.RootElement[0]));
        Assert.Equal("CustomerId", table.AsStringOrNull(second.RootElement[1]));
        Assert.NotSame(made, new CdmNameTable().AsStringOrNull(second.RootElement[0]));
    }

    [Fact]
    public void ManyThreadsAtOnceGetEachNameAsWritten()
    {
        var names = Enumerable.Range(0, 5000).Select(i => $"attribute{i % 700}_{i % 3}").ToArray();
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(names));
        var table = new CdmNameTable();
        var read = new string?[names.Length];

        Parallel.For(0, names.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => read[i] = table.AsStringOrNull(document.RootElement[i]));

        Assert.Equal(names, read);
        Assert.Equal(names.Distinct().Count(), read.Distinct(ReferenceEqualityComparer.Instance).Count());
    }

    [Fact]
    public void AFullTableStillReadsEveryNameAsWrittenLookingAtABoundedNumberOfSlots()
    {
        const int slots = 64;
        var names = Enumerable.Range(0, 5000).Select(i => $"entity{i / 300:D4}_attribute{i % 300:D3}").ToArray();
        var table = new CdmNameTable(slots);

        var made = names.Select(n => Get(table, n)).ToList();
        var again = names.Select(n => Get(table, n)).ToList();

        Assert.Equal(names, made.Select(m => m.Text));
        Assert.Equal(names, again.Select(m => m.Text));
        Assert.All(made.Concat(again), m => Assert.InRange(m.Probes, 1, CdmNameTable.MaxProbes));

        // The first names found empty slots: they are kept, and met again they are the strings made first.
        Assert.Same(made[0].Text, again[0].Text);
        Assert.Equal(1, again[0].Probes);
        var kept = Enumerable.Range(0, names.Length).Count(i => ReferenceEquals(made[i].Text, again[i].Text));
        Assert.InRange(kept, 1, slots);
    }

    [Fact]
    public void ATableSizeMustBeAPowerOfTwoOfAtLeastTheProbes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CdmNameTable(100));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CdmNameTable(CdmNameTable.MaxProbes / 2));
    }

    [Fact]
    public void EntitiesOfOneReadShareTheStringsOfTheirAttributeNamesAndKeepTheirOwnSpelling()
    {
        using var temp = new TempFolder();
        temp.Write("default.manifest.cdm.json", """
            { "entities": [
              { "entityName": "A", "entityPath": "A.cdm.json/A" },
              { "entityName": "B", "entityPath": "B.cdm.json/B" },
              { "entityName": "C", "entityPath": "C.cdm.json/C" } ] }
            """);
        temp.Write("A.cdm.json", """{ "definitions": [ { "entityName": "A", "hasAttributes": [ { "name": "id", "dataFormat": "Guid" }, { "name": "Amount", "dataFormat": "Decimal" } ] } ] }""");
        temp.Write("B.cdm.json", """{ "definitions": [ { "entityName": "B", "hasAttributes": [ { "name": "id", "dataFormat": "Guid" }, { "name": "AMOUNT", "dataFormat": "Decimal" } ] } ] }""");
        temp.Write("C.cdm.json", """{ "definitions": [ { "entityName": "C", "hasAttributes": [ { "name": " id ", "dataFormat": "Guid" }, { "name": "\u0041mount", "dataFormat": "Decimal" } ] } ] }""");

        var folder = Read(temp.Path);

        var (a, b, c) = (Entity(folder, "A").Attributes, Entity(folder, "B").Attributes, Entity(folder, "C").Attributes);
        Assert.Equal(["id", "Amount"], a.Select(x => x.Name));
        Assert.Equal(["id", "AMOUNT"], b.Select(x => x.Name));
        Assert.Equal(["id", "Amount"], c.Select(x => x.Name));
        Assert.Same(a[0].Name, b[0].Name);
    }

    [Fact]
    public void DuplicateNamesAreFoundInEachDefinitionAloneWhateverWasReadBefore()
    {
        using var temp = new TempFolder();
        var declarations = string.Join(",", Enumerable.Range(0, 30).Select(i => $$"""{ "entityName": "E{{i}}", "entityPath": "E{{i}}.cdm.json/E{{i}}" }"""));
        temp.Write("default.manifest.cdm.json", $$"""{ "entities": [ {{declarations}} ] }""");
        for (var i = 0; i < 30; i++)
        {
            var second = i == 20 ? "ID" : "value";
            temp.Write($"E{i}.cdm.json", $$"""{ "definitions": [ { "entityName": "E{{i}}", "hasAttributes": [ { "name": "id", "dataFormat": "Guid" }, { "name": "{{second}}", "dataFormat": "String" } ] } ] }""");
        }

        var ex = ReadFails(temp.Path);
        Assert.Equal(ErrorIds.DuplicateAttribute, ex.ErrorId);
        Assert.Contains("entity 'E20'", ex.Message, StringComparison.Ordinal);

        temp.Write("E20.cdm.json", """{ "definitions": [ { "entityName": "E20", "hasAttributes": [ { "name": "id", "dataFormat": "Guid" }, { "name": "value", "dataFormat": "String" } ] } ] }""");
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Assert.All(Read(temp.Path).Entities, e => Assert.Equal(["id", "value"], e.Attributes.Select(x => x.Name)));
        }
    }

    private static (string Text, int Probes) Get(CdmNameTable table, string name)
    {
        var text = table.Get(System.Text.Encoding.ASCII.GetBytes(name), out var probes);
        return (text, probes);
    }
}
