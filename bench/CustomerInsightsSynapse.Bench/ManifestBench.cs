using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure.Storage;
using Azure.Storage.Blobs;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
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
                : settings.LatencyMilliseconds is { } latency ? await RunCdmBlobAsync(folder, documents, latency)
                : await RunCdmAsync(folder, documents);
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

    private async Task<List<Check>> RunCdmAsync(string folder, IReadOnlyList<string> documents)
    {
        var bytes = documents.Sum(d => new FileInfo(d).Length);
        var group = $"cdm read {settings.Entities} x {settings.Attributes} {Shape}";
        var reader = new Series(group, "CdmFolderReader (manifest)", "JsonDocument.Parse", bytes);
        var json = new Series(group, "JsonDocument.Parse", null, bytes);
        _series.Add(json);
        _series.Add(reader);

        CdmFolder? read = null;
        async Task ReadAsync() => read = await new CdmFolderReader().ReadAsync(folder, OperationContext.None);
        Task ParseAsync()
        {
            // Reads and parses each document (what any reader must do at least); the CDM reader also stats
            // each partition file and builds the entity model.
            foreach (var document in documents)
            {
                using var parsed = JsonDocument.Parse(File.ReadAllBytes(document));
            }

            return Task.CompletedTask;
        }

        await MeasureReaderAndParseAsync(reader, ReadAsync, json, ParseAsync);
        var readFolder = read!;
        var attributes = Describe(reader, readFolder, documents.Count);
        return
        [
            new Check($"the reader returns all {settings.Entities} x {settings.Attributes}", $"{readFolder.Entities.Count} entities, {attributes} attributes", readFolder.Entities.Count == settings.Entities && attributes == settings.Entities * settings.Attributes),
            new Check("issue 22: CdmFolderReader within 2x of JsonDocument.Parse of the same files", (reader.Median / json.Median).ToString("0.00x", CultureInfo.InvariantCulture), reader.Median <= 2 * json.Median),
        ];
    }

    /// <summary>
    /// A warm-up of both, then each repetition times the parse, then the reader. Each side's garbage collections and
    /// process CPU time within its timed runs are put on its series as figures, to tell a spread or a ratio apart from
    /// what the collector or the other cores did.
    /// </summary>
    private async Task MeasureReaderAndParseAsync(Series reader, Func<Task> readAsync, Series json, Func<Task> parseAsync)
    {
        Console.WriteLine("Warm-up.");
        await readAsync();
        await parseAsync();
        var (readerCosts, jsonCosts) = (new RunCosts(), new RunCosts());
        for (var r = 0; r < settings.Repetitions; r++)
        {
            Console.WriteLine($"Repetition {r + 1} of {settings.Repetitions}.");
            await Timing.MeasureAsync(json, () => jsonCosts.MeasureAsync(parseAsync));
            await Timing.MeasureAsync(reader, () => readerCosts.MeasureAsync(readAsync));
        }

        jsonCosts.Describe(json);
        readerCosts.Describe(reader);
    }

    /// <summary>Puts what the reader returned on its series; returns the attributes read.</summary>
    private static int Describe(Series reader, CdmFolder read, int documents)
    {
        var attributes = read.Entities.Sum(e => e.Attributes.Count);
        reader.Figures["entities"] = read.Entities.Count;
        reader.Figures["attributes"] = attributes;
        reader.Figures["documents"] = documents;
        return attributes;
    }

    /// <summary>
    /// The same folder uploaded to a container (through the storage proxy, which adds the latency to every request) and
    /// read from its URL, against downloading every JSON document with as many reads at once as the reader takes
    /// (<see cref="BlobReadsAtOnce"/>) and parsing each.
    /// </summary>
    private async Task<List<Check>> RunCdmBlobAsync(string folder, IReadOnlyList<string> documents, int latency)
    {
        var options = BlobClientFactory.DefaultOptions();
        var service = new BlobServiceClient(AzuriteAccount.ConnectionString(), options);
        var factory = new BlobClientFactory(new StorageSharedKeyCredential(AzuriteAccount.AccountName, AzuriteAccount.AccountKey), options);
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

            CdmFolder? read = null;
            async Task ReadAsync() => read = await new CdmFolderReader(factory).ReadAsync(source, OperationContext.None);
            Task ParseAsync() => Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = BlobReadsAtOnce }, async (name, token) =>
            {
                var content = await container.GetBlobClient(name).DownloadContentAsync(token);
                using var parsed = JsonDocument.Parse(content.Value.Content.ToMemory());
            });

            await MeasureReaderAndParseAsync(reader, ReadAsync, json, ParseAsync);
            var readFolder = read!;
            var attributes = Describe(reader, readFolder, documents.Count);
            return
            [
                new Check($"the blob reader returns all {settings.Entities} x {settings.Attributes}", $"{readFolder.Entities.Count} entities, {attributes} attributes", readFolder.Entities.Count == settings.Entities && attributes == settings.Entities * settings.Attributes),
                new Check($"issue 22: CdmFolderReader on a blob source at {latency} ms (figure; vs downloading and parsing the same documents, {BlobReadsAtOnce} at once)", (reader.Median / json.Median).ToString("0.00x", CultureInfo.InvariantCulture), reader.Median <= 2 * json.Median),
            ];
        }
        finally
        {
            await container.DeleteIfExistsAsync();
        }
    }

    /// <summary>The reads at once of the baseline for blob sources: the reader's own read-ahead of entity documents.</summary>
    private const int BlobReadsAtOnce = 16;

    private async Task<List<Check>> RunSqlAsync(string folder)
    {
        var request = await ManifestFolder.ReadRequestAsync(folder);
        var probe = ServerlessSqlGenerator.Generate(request);
        var batches = probe.Batches;
        var chars = batches.Sum(b => (long)b.Text.Length);

        var group = $"sql generate {settings.Entities} x {settings.Attributes}";
        var build = new Series(group, "build only (no parse)", null, 0);
        var generate = new Series(group, "Generate (build + ScriptDom parse)", build.Method, 0);
        _series.Add(build);
        _series.Add(generate);

        var parseGroup = "sql parse variants (same batches)";
        var current = new Series(parseGroup, "SqlScriptValidator.Validate", null, 0);
        var variants = ParseVariants.All.Select(v => (v, series: new Series(parseGroup, v.Name, current.Method, 0))).ToList();
        _series.Add(current);
        _series.AddRange(variants.Select(v => v.series));

        var coldGroup = "sql first call in a fresh process";
        var coldBuild = new Series(coldGroup, "build only (no parse)", null, 0);
        var coldGenerate = new Series(coldGroup, "Generate (build + ScriptDom parse)", coldBuild.Method, 0);
        _series.Add(coldBuild);
        _series.Add(coldGenerate);

        // On 2 shared cores the parallel parse looked slower than a sequential one on a cold start; these keep watching it.
        var coldParseGroup = "sql parse, first call in a fresh process";
        var coldValidate = new Series(coldParseGroup, "SqlScriptValidator.Validate", null, 0);
        var coldSequential = new Series(coldParseGroup, "sequential, one parser", coldValidate.Method, 0);
        _series.Add(coldValidate);
        _series.Add(coldSequential);

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
            await Timing.MeasureAsync(generate, () => ServerlessSqlGenerator.Generate(request));
            await Timing.MeasureAsync(current, () => SqlScriptValidator.Validate(batches));
            foreach (var (variant, series) in variants)
            {
                await Timing.MeasureAsync(series, () => variant.Run(batches));
            }

            coldBuild.Seconds.Add(await FirstCallChild.RunAsync(folder, "build"));
            coldGenerate.Seconds.Add(await FirstCallChild.RunAsync(folder, "generate"));
            coldValidate.Seconds.Add(await FirstCallChild.RunAsync(folder, "parse:" + coldValidate.Method));
            coldSequential.Seconds.Add(await FirstCallChild.RunAsync(folder, "parse:" + coldSequential.Method));
        }

        var share = (generate.Median - build.Median) / generate.Median;
        generate.Figures["parseShare%"] = Math.Round(share * 100, 1);
        generate.Figures["batches"] = batches.Count;
        generate.Figures["MiB of SQL"] = Math.Round(chars / (1024.0 * 1024.0), 2);
        return
        [
            new Check($"issue 9: SQL for {settings.Entities} x {settings.Attributes} well under a second (< 0.5 s, warm median)", generate.Median.ToString("0.000 s", CultureInfo.InvariantCulture), generate.Median < 0.5),
            new Check("first Generate in a fresh process (includes JIT of ScriptDom)", coldGenerate.Median.ToString("0.000 s", CultureInfo.InvariantCulture), coldGenerate.Median < 1),
        ];
    }
}

/// <summary>The garbage collections of each generation, their pause time, the bytes allocated and the process CPU time (every thread) of a method's runs.</summary>
internal sealed class RunCosts
{
    private readonly int[] _collections = new int[3];
    private readonly List<double> _cpuSeconds = [];
    private readonly List<double> _pauseSeconds = [];
    private long _allocated;

    public async Task MeasureAsync(Func<Task> run)
    {
        var before = Enumerable.Range(0, 3).Select(GC.CollectionCount).ToArray();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var paused = GC.GetTotalPauseDuration();
        await run();
        _cpuSeconds.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        _pauseSeconds.Add((GC.GetTotalPauseDuration() - paused).TotalSeconds);
        _allocated += GC.GetTotalAllocatedBytes(precise: true) - allocated;
        for (var generation = 0; generation < 3; generation++)
        {
            _collections[generation] += GC.CollectionCount(generation) - before[generation];
        }
    }

    /// <summary>
    /// Collections and MiB allocated per run (a gen1 collection is also counted as gen0, a gen2 as both), the median
    /// seconds the collector paused the process and the median CPU seconds.
    /// </summary>
    public void Describe(Series series)
    {
        for (var generation = 0; generation < 3; generation++)
        {
            series.Figures[$"gen{generation} GCs/run"] = Math.Round((double)_collections[generation] / _cpuSeconds.Count, 1);
        }

        series.Figures["MiB allocated/run"] = Math.Round(_allocated / 1048576.0 / _cpuSeconds.Count, 1);
        series.Figures["GC pause s (median)"] = Math.Round(Median(_pauseSeconds), 3);
        series.Figures["CPU s (median)"] = Math.Round(Median(_cpuSeconds), 3);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
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
