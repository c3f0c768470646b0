using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure.Storage.Blobs;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Testing;

namespace CustomerInsightsSynapse.Bench;

/// <summary>
/// The <c>cdm</c> scenario (reading a generated manifest of N entities x M attributes vs parsing the same JSON files
/// with <see cref="JsonDocument"/>) and the <c>sql</c> scenario (generating its deployment script vs building the
/// same batches without the ScriptDom parse, parse variants on the same batches, and first calls in a fresh process).
/// </summary>
internal sealed class ManifestBench(string scenario, ManifestSettings settings, string repositoryRoot)
{
    private readonly List<Series> _series = [];

    /// <summary>How the entities' attribute names were generated, as the group names say it.</summary>
    private string Shape => settings.SharedAttributes ? "shared" : "distinct";

    public async Task<int> RunAsync()
    {
        var work = settings.WorkFolder is null ? Directory.CreateTempSubdirectory("cisynapse-bench-").FullName : Directory.CreateDirectory(settings.WorkFolder).FullName;
        try
        {
            var folder = Path.Combine(work, "cdm");
            Console.WriteLine($"Writing {settings.Entities} entities x {settings.Attributes} {Shape} attributes to {folder}.");
            var documents = ManifestFolder.Write(folder, settings.Entities, settings.Attributes, settings.SharedAttributes);
            var checks = scenario != "cdm" ? await RunSqlAsync(folder)
                : settings.LatencyMilliseconds is { } latency ? await RunCdmBlobAsync(work, folder, documents, latency)
                : await RunCdmAsync(work, folder, documents);
            Console.WriteLine(ResultTable.Render(_series, checks));
            var file = settings.OutputFile ?? Path.Combine(repositoryRoot, "bench", "results", $"{scenario}-{DateTime.UtcNow:yyyyMMddTHHmmssZ}.json");
            ResultFile.Write(file, scenario, settings, _series, checks);
            Console.WriteLine($"JSON: {file}");
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private async Task<List<Check>> RunCdmAsync(string work, string folder, IReadOnlyList<string> documents)
    {
        var bytes = documents.Sum(d => new FileInfo(d).Length);
        var group = $"cdm read {settings.Entities} x {settings.Attributes} {Shape}";
        var reader = new Series(group, "CdmFolderReader (manifest)", "JsonDocument.Parse", bytes);
        var json = new Series(group, "JsonDocument.Parse", null, bytes);
        _series.Add(json);
        _series.Add(reader);

        var read = await MeasureReaderAndParseAsync(reader, json, folder, DocumentsFile(work, documents));
        var attributes = Describe(reader, read, documents.Count);
        return
        [
            new Check($"the reader returns all {settings.Entities} x {settings.Attributes}", $"{read.Entities} entities, {attributes} attributes", read.Entities == settings.Entities && attributes == settings.Entities * settings.Attributes),
            new Check("issue 22: CdmFolderReader within 2x of JsonDocument.Parse of the same files", (reader.Median / json.Median).ToString("0.00x", CultureInfo.InvariantCulture), reader.Median <= 2 * json.Median),
        ];
    }

    /// <summary>
    /// Each method in a child process of its own (<see cref="CdmMethodChild"/>), so that neither runs with the
    /// collector as the other's runs left it: a warm-up run in each, then each repetition times one run of each after
    /// a full GC, the parse first in odd repetitions and the reader first in even ones. Each side's garbage
    /// collections and CPU time within its timed runs are put on its series as figures, to tell a spread or a ratio
    /// apart from what the collector or the other cores did. Returns what the reader read.
    /// </summary>
    private async Task<ReadCounts> MeasureReaderAndParseAsync(Series reader, Series json, string source, string documentsFile)
    {
        Console.WriteLine("Warm-up, each method in a process of its own.");
        await using var parseChild = await CdmMethodChild.StartAsync("parse", source, documentsFile);
        await using var readerChild = await CdmMethodChild.StartAsync("reader", source, documentsFile);
        var (readerRuns, jsonRuns) = (new RunCosts(reader), new RunCosts(json));
        var sides = new[] { (parseChild, jsonRuns), (readerChild, readerRuns) };
        for (var r = 0; r < settings.Repetitions; r++)
        {
            Console.WriteLine($"Repetition {r + 1} of {settings.Repetitions}.");
            foreach (var (child, runs) in r % 2 == 0 ? sides : sides.AsEnumerable().Reverse())
            {
                runs.Add(await child.RunAsync());
            }
        }

        jsonRuns.Describe(parseChild.WarmedUp);
        readerRuns.Describe(readerChild.WarmedUp);
        return readerRuns.Last.Read;
    }

    /// <summary>Writes the documents (paths or blob names) one a line to a file in the work folder, for the children.</summary>
    private static string DocumentsFile(string work, IEnumerable<string> documents)
    {
        var file = Path.Combine(work, "documents.txt");
        File.WriteAllLines(file, documents);
        return file;
    }

    /// <summary>Puts what the reader returned on its series; returns the attributes read.</summary>
    private static int Describe(Series reader, ReadCounts read, int documents)
    {
        reader.Figures["entities"] = read.Entities;
        reader.Figures["attributes"] = read.Attributes;
        reader.Figures["documents"] = documents;
        return read.Attributes;
    }

    /// <summary>
    /// The same folder uploaded to a container (through the storage proxy, which adds the latency to every request) and
    /// read from its URL, against downloading every JSON document with as many reads at once as the reader takes
    /// (<see cref="CdmMethodChild.BlobReadsAtOnce"/>) and parsing each.
    /// </summary>
    private async Task<List<Check>> RunCdmBlobAsync(string work, string folder, IReadOnlyList<string> documents, int latency)
    {
        var options = BlobClientFactory.DefaultOptions();
        var service = new BlobServiceClient(AzuriteAccount.ConnectionString(), options);
        var container = service.GetBlobContainerClient("cdm-bench-" + Guid.NewGuid().ToString("n")[..12]);
        await container.CreateAsync();
        try
        {
            Console.WriteLine($"Uploading the folder to {container.Uri}.");
            var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToList();
            await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (file, token) =>
                await container.GetBlobClient(Path.GetRelativePath(folder, file).Replace('\\', '/')).UploadAsync(file, token));
            var source = container.Uri.AbsoluteUri.TrimEnd('/');
            var names = documents.Select(d => Path.GetRelativePath(folder, d).Replace('\\', '/')).ToList();

            var bytes = documents.Sum(d => new FileInfo(d).Length);
            var group = $"cdm read {settings.Entities} x {settings.Attributes} {Shape}, blob at {latency} ms";
            var reader = new Series(group, "CdmFolderReader (blob manifest)", "download + JsonDocument.Parse", bytes);
            var json = new Series(group, "download + JsonDocument.Parse", null, bytes);
            _series.Add(json);
            _series.Add(reader);

            var read = await MeasureReaderAndParseAsync(reader, json, source, DocumentsFile(work, names));
            var attributes = Describe(reader, read, documents.Count);
            return
            [
                new Check($"the blob reader returns all {settings.Entities} x {settings.Attributes}", $"{read.Entities} entities, {attributes} attributes", read.Entities == settings.Entities && attributes == settings.Entities * settings.Attributes),
                new Check($"issue 22: CdmFolderReader on a blob source at {latency} ms (figure; vs downloading and parsing the same documents, {CdmMethodChild.BlobReadsAtOnce} at once)", (reader.Median / json.Median).ToString("0.00x", CultureInfo.InvariantCulture), reader.Median <= 2 * json.Median),
            ];
        }
        finally
        {
            await container.DeleteIfExistsAsync();
        }
    }

    /// <summary>What <see cref="ServerlessSqlGenerator.Generate"/> did before the conversion checks were parsed when first read: all of them parsed too.</summary>
    internal const string GenerateWithChecks = "Generate + parse every conversion check (before session 12)";

    internal static int GenerateAndParseChecks(SqlScriptRequest request)
    {
        var script = ServerlessSqlGenerator.Generate(request);
        SqlScriptValidator.Validate(script.ConversionChecks.Select(c => c.UnparsedBatch).ToList());
        return script.Batches.Count;
    }

    private async Task<List<Check>> RunSqlAsync(string folder)
    {
        var request = await ManifestFolder.ReadRequestAsync(folder);
        var probe = ServerlessSqlGenerator.Generate(request);
        var batches = probe.Batches;
        var chars = batches.Sum(b => (long)b.Text.Length);
        var checkChars = probe.ConversionChecks.Sum(c => (long)c.Query.Length);

        var group = $"sql generate {settings.Entities} x {settings.Attributes}";
        var build = new Series(group, "build only (no parse)", null, 0);
        var generate = new Series(group, "Generate (build + ScriptDom parse)", build.Method, 0);
        var withChecks = new Series(group, GenerateWithChecks, generate.Method, 0);
        _series.Add(build);
        _series.Add(generate);
        _series.Add(withChecks);
        var (generateGc, withChecksGc) = (new GcCosts(generate), new GcCosts(withChecks));

        var parseGroup = "sql parse variants (same batches)";
        var current = new Series(parseGroup, "SqlScriptValidator.Validate", null, 0);
        var variants = ParseVariants.All.Select(v => (v, series: new Series(parseGroup, v.Name, current.Method, 0))).ToList();
        _series.Add(current);
        _series.AddRange(variants.Select(v => v.series));

        var coldGroup = "sql first call in a fresh process";
        var coldBuild = new Series(coldGroup, "build only (no parse)", null, 0);
        var coldGenerate = new Series(coldGroup, "Generate (build + ScriptDom parse)", coldBuild.Method, 0);
        var coldWithChecks = new Series(coldGroup, GenerateWithChecks, coldGenerate.Method, 0);
        _series.Add(coldBuild);
        _series.Add(coldGenerate);
        _series.Add(coldWithChecks);

        // On 2 shared cores the parallel parse looked slower than a sequential one on a cold start; these keep watching it.
        var coldParseGroup = "sql parse, first call in a fresh process";
        var coldValidate = new Series(coldParseGroup, "SqlScriptValidator.Validate", null, 0);
        var coldSequential = new Series(coldParseGroup, "sequential, one parser", coldValidate.Method, 0);
        _series.Add(coldValidate);
        _series.Add(coldSequential);

        var parses = variants.Select(v => (Series: v.series, Run: v.v.Run)).Prepend((current, SqlScriptValidator.Validate)).ToList();
        Console.WriteLine("Warm-up.");
        ServerlessSqlGenerator.BuildUnvalidated(request);
        SqlScriptValidator.Validate(batches);
        foreach (var (variant, _) in variants)
        {
            variant.Run(batches);
        }

        for (var r = 0; r < settings.Repetitions; r++)
        {
            Console.WriteLine($"Repetition {r + 1} of {settings.Repetitions}.");
            await Timing.MeasureAsync(build, () => ServerlessSqlGenerator.BuildUnvalidated(request));
            await generateGc.MeasureAsync(() => ServerlessSqlGenerator.Generate(request));
            await withChecksGc.MeasureAsync(() => GenerateAndParseChecks(request));
            // The parse variants in an order rotated each repetition, so that none always runs right after the runs above.
            for (var i = 0; i < parses.Count; i++)
            {
                var (series, run) = parses[(i + r) % parses.Count];
                await Timing.MeasureAsync(series, () => run(batches));
            }

            coldBuild.Seconds.Add(await FirstCallChild.RunAsync(folder, "build"));
            coldGenerate.Seconds.Add(await FirstCallChild.RunAsync(folder, "generate"));
            coldWithChecks.Seconds.Add(await FirstCallChild.RunAsync(folder, "generate-with-checks"));
            coldValidate.Seconds.Add(await FirstCallChild.RunAsync(folder, "parse:" + coldValidate.Method));
            coldSequential.Seconds.Add(await FirstCallChild.RunAsync(folder, "parse:" + coldSequential.Method));
        }

        var share = (generate.Median - build.Median) / generate.Median;
        generate.Figures["parseShare%"] = Math.Round(share * 100, 1);
        generate.Figures["batches"] = batches.Count;
        generate.Figures["MiB of SQL"] = Math.Round(chars / (1024.0 * 1024.0), 2);
        generate.Figures["parse MiB/s"] = Math.Round(chars / (1024.0 * 1024.0) / (generate.Median - build.Median), 1);
        generateGc.Describe();
        withChecks.Figures["checks"] = probe.ConversionChecks.Count;
        withChecks.Figures["MiB of checks"] = Math.Round(checkChars / (1024.0 * 1024.0), 2);
        withChecks.Figures["checks parse MiB/s"] = Math.Round(checkChars / (1024.0 * 1024.0) / (withChecks.Median - generate.Median), 1);
        withChecksGc.Describe();
        return
        [
            new Check($"issue 9: SQL for {settings.Entities} x {settings.Attributes} well under a second (< 0.5 s, warm median)", generate.Median.ToString("0.000 s", CultureInfo.InvariantCulture), generate.Median < 0.5),
            new Check("first Generate in a fresh process (includes JIT of ScriptDom)", coldGenerate.Median.ToString("0.000 s", CultureInfo.InvariantCulture), coldGenerate.Median < 1),
        ];
    }
}

/// <summary>A series timed with <see cref="Timing"/> in this process, with the collector's gen2 collections and pause per run as figures.</summary>
internal sealed class GcCosts(Series series)
{
    private readonly List<(int Gen2, double PauseSeconds)> _runs = [];

    public async Task MeasureAsync(Action run)
    {
        var (gen2, pause) = (GC.CollectionCount(2), GC.GetTotalPauseDuration());
        await Timing.MeasureAsync(series, run);
        _runs.Add((GC.CollectionCount(2) - gen2, (GC.GetTotalPauseDuration() - pause).TotalSeconds));
    }

    public void Describe()
    {
        series.Figures["gen2 GCs/run"] = Math.Round(_runs.Average(r => r.Gen2), 1);
        series.Figures["GC pause s (median)"] = Math.Round(_runs.Select(r => r.PauseSeconds).Order().ElementAt(_runs.Count / 2), 3);
    }
}

/// <summary>A method's timed runs: their seconds go on its series, and <see cref="Describe"/> puts their other costs there.</summary>
internal sealed class RunCosts(Series series)
{
    private readonly List<TimedRun> _runs = [];

    public TimedRun Last => _runs[^1];

    public void Add(TimedRun run)
    {
        series.Seconds.Add(run.Seconds);
        _runs.Add(run);
    }

    /// <summary>
    /// Collections and MiB allocated per run (a gen1 collection is also counted as gen0, a gen2 as both), the median
    /// seconds the collector paused the process and the median CPU seconds; the warm-up's runs and its first run's seconds.
    /// </summary>
    public void Describe(WarmUp warmUp)
    {
        series.Figures["first run s"] = Math.Round(warmUp.FirstRunSeconds, 3);
        series.Figures["warm-up runs"] = warmUp.Runs;
        if (!warmUp.Settled)
        {
            Console.WriteLine($"{series.Method}: the JIT still compiled methods in the last of {warmUp.Runs} warm-up runs.");
        }
        for (var generation = 0; generation < 3; generation++)
        {
            series.Figures[$"gen{generation} GCs/run"] = Math.Round(_runs.Average(r => r.Collections[generation]), 1);
        }

        series.Figures["MiB allocated/run"] = Math.Round(_runs.Average(r => r.AllocatedBytes) / 1048576.0, 1);
        series.Figures["GC pause s (median)"] = Math.Round(Series.MedianOf(_runs.Select(r => r.PauseSeconds)), 3);
        series.Figures["CPU s (median)"] = Math.Round(Series.MedianOf(_runs.Select(r => r.CpuSeconds)), 3);
    }
}

/// <summary>Times one run of a method (after a full GC, so garbage left by another method is not charged to it).</summary>
internal static class Timing
{
    public static async Task MeasureAsync(Series series, Func<Task> run)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var watch = Stopwatch.StartNew();
        await run();
        series.Seconds.Add(watch.Elapsed.TotalSeconds);
    }

    public static Task MeasureAsync(Series series, Action run) => MeasureAsync(series, () =>
    {
        run();
        return Task.CompletedTask;
    });
}
