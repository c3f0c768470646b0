using System.Diagnostics;
using System.Globalization;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Bench;

/// <summary>
/// The first SQL generation in a fresh process (what a new PowerShell session pays, JIT included): the parent starts
/// this program again with <c>sql-child folder build|generate|generate-with-checks|parse:&lt;variant&gt;</c>; the child reads the folder
/// (not timed), times one call (for a parse variant: one parse of batches built before the clock starts) and prints
/// <c>seconds=…</c>.
/// </summary>
internal static class FirstCallChild
{
    private const string Marker = "seconds=";

    public static async Task<double> RunAsync(string folder, string mode) =>
        double.Parse(await BenchChild.RunAsync(["sql-child", folder, mode], Marker), CultureInfo.InvariantCulture);

    public static async Task<int> MainAsync(IReadOnlyList<string> args)
    {
        var request = await ManifestFolder.ReadRequestAsync(args[0]);
        if (args[1].StartsWith("parse:", StringComparison.Ordinal))
        {
            // A parse variant's first run, on batches built (unparsed) before the clock starts.
            var name = args[1]["parse:".Length..];
            var variant = name == "SqlScriptValidator.Validate" ? new ParseVariants(name, SqlScriptValidator.Validate) : ParseVariants.All.Single(v => v.Name == name);
            var batches = ServerlessSqlGenerator.BuildUnvalidated(request).Batches;
            var parseWatch = Stopwatch.StartNew();
            variant.Run(batches);
            Console.WriteLine(Marker + parseWatch.Elapsed.TotalSeconds.ToString("R", CultureInfo.InvariantCulture));
            return 0;
        }

        var watch = Stopwatch.StartNew();
        var count = args[1] switch
        {
            "generate" => ServerlessSqlGenerator.Generate(request).Batches.Count,
            "generate-with-checks" => ManifestBench.GenerateAndParseChecks(request),
            _ => ServerlessSqlGenerator.BuildUnvalidated(request).Batches.Count,
        };
        watch.Stop();
        Console.WriteLine($"batches={count}");
        Console.WriteLine(Marker + watch.Elapsed.TotalSeconds.ToString("R", CultureInfo.InvariantCulture));
        return 0;
    }
}
