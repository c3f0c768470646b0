using System.Text;
using CustomerInsightsSynapse.Core.Sql;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CustomerInsightsSynapse.Bench;

/// <summary>
/// Other ways to parse the same generated batches with ScriptDom (T-SQL 16.0), timed against the product's
/// <see cref="SqlScriptValidator"/>. Each variant fails loudly when a batch does not parse, so none is cheaper by
/// skipping work.
/// </summary>
internal sealed record ParseVariants(string Name, Action<IReadOnlyList<SqlBatch>> Run)
{
    public static IReadOnlyList<ParseVariants> All { get; } =
    [
        new("sequential, one parser", batches =>
        {
            var parser = new TSql160Parser(initialQuotedIdentifiers: true);
            foreach (var batch in batches)
            {
                ParseOne(parser, batch.Text);
            }
        }),
        new("parallel, new parser per batch", batches =>
            Parallel.ForEach(batches, batch => ParseOne(new TSql160Parser(initialQuotedIdentifiers: true), batch.Text))),
        new("parallel, parser per thread, quoted identifiers off", batches =>
            Parallel.ForEach(batches, () => new TSql160Parser(initialQuotedIdentifiers: false), (batch, _, parser) => ParseOne(parser, batch.Text), _ => { })),
        new("parallel, parser per thread, at most ProcessorCount threads", batches =>
            Parallel.ForEach(batches, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, () => new TSql160Parser(initialQuotedIdentifiers: true), (batch, _, parser) => ParseOne(parser, batch.Text), _ => { })),
        new("parallel, ranges of batches per task", batches =>
        {
            var parts = Math.Max(1, Environment.ProcessorCount);
            Parallel.For(0, parts, part =>
            {
                var parser = new TSql160Parser(initialQuotedIdentifiers: true);
                for (var i = part; i < batches.Count; i += parts)
                {
                    ParseOne(parser, batches[i].Text);
                }
            });
        }),
        new("sequential first 128, then parallel (ProcessorCount)", batches =>
        {
            var head = Math.Min(128, batches.Count);
            var parser = new TSql160Parser(initialQuotedIdentifiers: true);
            for (var i = 0; i < head; i++)
            {
                ParseOne(parser, batches[i].Text);
            }

            Parallel.For(head, batches.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, () => new TSql160Parser(initialQuotedIdentifiers: true), (i, _, p) => ParseOne(p, batches[i].Text), _ => { });
        }),
        new("one GO-separated text, one parse", batches =>
        {
            var text = new StringBuilder(batches.Sum(b => b.Text.Length + 4));
            foreach (var batch in batches)
            {
                text.Append(batch.Text).Append("\nGO\n");
            }

            using var reader = new StringReader(text.ToString());
            var fragment = new TSql160Parser(initialQuotedIdentifiers: true).Parse(reader, out var errors);
            if (errors.Count > 0 || fragment is not TSqlScript script || script.Batches.Count != batches.Count)
            {
                throw new InvalidOperationException("The joined script did not parse as one batch per generated batch.");
            }
        }),
    ];

    private static TSql160Parser ParseOne(TSql160Parser parser, string text)
    {
        using var reader = new StringReader(text);
        var fragment = parser.Parse(reader, out var errors);
        if (errors.Count > 0 || fragment is not TSqlScript { Batches.Count: 1 })
        {
            throw new InvalidOperationException("A batch did not parse as exactly one batch.");
        }

        return parser;
    }
}
