using System.Diagnostics;
using System.Globalization;
using Azure.Core;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Testing;

namespace CustomerInsightsSynapse.Bench;

/// <summary>
/// The lake scenario: landing from a local folder vs the plain SDK (same parallelism) vs one file and one block at
/// a time; server-side copy vs download-then-upload; a no-change rerun vs the first run; peak RSS of a child
/// process landing one partition of each size. Everything runs against one local Azurite.
/// </summary>
internal sealed class LakeBench(BenchSettings settings, string repositoryRoot)
{
    private const long MiB = 1024 * 1024;
    private readonly List<Series> _series = [];
    private readonly ByteCounter _counter = new();
    private BlobServiceClient _service = null!;
    private BlobClientFactory _factory = null!;
    private string _endpoint = null!;
    private int _containers;

    private LandingOptions Landing => new()
    {
        MaxParallelFiles = settings.MaxParallelFiles,
        MaxParallelBlocks = settings.MaxParallelBlocks,
        BlockSize = settings.BlockMiB * MiB,
    };

    private StorageTransferOptions Transfer(int concurrency) => new()
    {
        InitialTransferSize = settings.BlockMiB * MiB,
        MaximumTransferSize = settings.BlockMiB * MiB,
        MaximumConcurrency = concurrency,
    };

    public async Task<int> RunAsync()
    {
        var work = settings.WorkFolder is null ? Directory.CreateTempSubdirectory("cisynapse-bench-").FullName : Directory.CreateDirectory(settings.WorkFolder).FullName;
        try
        {
            Console.WriteLine($"Work folder {work}.");
            var azuriteConnectionString = AzuriteAccount.ConnectionString();
            var options = BlobClientFactory.DefaultOptions();
            options.AddPolicy(_counter, HttpPipelinePosition.PerRetry);
            _service = new BlobServiceClient(azuriteConnectionString, options);
            _endpoint = _service.Uri.AbsoluteUri.TrimEnd('/');
            _factory = new BlobClientFactory(new StorageSharedKeyCredential(AzuriteAccount.AccountName, AzuriteAccount.AccountKey), options);

            var small = CreateFiles(Path.Combine(work, "small"), "Small", settings.SmallFiles, (long)(settings.SmallFileMiB * MiB));
            var large = CreateFiles(Path.Combine(work, "large"), "Large", settings.LargeFiles, (long)(settings.LargeFileMiB * MiB));

            Console.WriteLine("Warm-up.");
            await LocalRoundAsync("warm-up", small, record: false);

            var latency = settings.LatencyMilliseconds is { } ms ? $"{ms} ms, " : string.Empty;
            foreach (var (name, entity) in new[] { ($"{latency}local {settings.SmallFiles} x {settings.SmallFileMiB} MiB", small), ($"{latency}local {settings.LargeFiles} x {settings.LargeFileMiB} MiB", large) })
            {
                for (var r = 0; r < settings.Repetitions; r++)
                {
                    Console.WriteLine($"{name}: repetition {r + 1} of {settings.Repetitions}.");
                    await LocalRoundAsync(name, entity, record: true);
                }
            }

            if (!settings.LocalOnly)
            {
                await CopyRoundsAsync(small, large);
                await RssAsync(work, azuriteConnectionString);
            }
        }
        finally
        {
            try
            {
                Directory.Delete(work, true);
            }
            catch (IOException)
            {
            }
        }

        var checks = Checks();
        Console.WriteLine();
        Console.WriteLine(ResultTable.Render(_series, checks));
        var file = settings.OutputFile ?? Path.Combine(repositoryRoot, "bench", "results", $"lake-{DateTime.UtcNow:yyyyMMddTHHmmssZ}.json");
        ResultFile.Write(file, "lake", settings, _series, checks);
        Console.WriteLine($"Results: {file}");
        return 0;
    }

    private async Task LocalRoundAsync(string group, CdmEntity entity, bool record)
    {
        var bytes = entity.Partitions.Sum(p => new FileInfo(p.Location).Length);

        // The three methods run in turn inside each repetition, so that drift on a shared machine hits all alike.
        var lakeContainer = await NewContainerAsync();
        var target = new LakeTarget(BlobLocation.Parse($"{_endpoint}/{lakeContainer.Name}"), "BenchDb");
        var lander = new LakeLander(_factory, Landing);
        var first = await TimeAsync(() => lander.LandAsync(target, [entity], OperationContext.None));
        var rerun = await TimeAsync(() => lander.LandAsync(target, [entity], OperationContext.None));
        await lakeContainer.DeleteAsync();

        var sdkContainer = await NewContainerAsync();
        var sdk = await TimeAsync(() => Parallel.ForEachAsync(
            entity.Partitions,
            new ParallelOptions { MaxDegreeOfParallelism = settings.MaxParallelFiles },
            async (p, ct) => await sdkContainer.GetBlobClient("BenchDb/" + Path.GetFileName(p.Location)).UploadAsync(p.Location, new BlobUploadOptions { TransferOptions = Transfer(settings.MaxParallelBlocks) }, ct)));
        await sdkContainer.DeleteAsync();

        var sequentialContainer = await NewContainerAsync();
        var sequential = await TimeAsync(async () =>
        {
            foreach (var p in entity.Partitions)
            {
                await sequentialContainer.GetBlobClient("BenchDb/" + Path.GetFileName(p.Location)).UploadAsync(p.Location, new BlobUploadOptions { TransferOptions = Transfer(1) });
            }
        });
        await sequentialContainer.DeleteAsync();

        if (record)
        {
            Get(group, "lake (LakeLander)", "plain SDK parallel", bytes).Seconds.Add(first);
            Get(group, "plain SDK parallel", null, bytes).Seconds.Add(sdk);
            Get(group, "sequential SDK", "plain SDK parallel", bytes).Seconds.Add(sequential);
            Get("no-change rerun: " + group, "lake first run", null, bytes).Seconds.Add(first);
            Get("no-change rerun: " + group, "lake rerun (nothing changed)", "lake first run", 0).Seconds.Add(rerun);
        }
    }

    private async Task CopyRoundsAsync(CdmEntity small, CdmEntity large)
    {
        var source = await NewContainerAsync();
        var entities = new List<CdmEntity>();
        foreach (var local in new[] { small, large })
        {
            var partitions = new List<CdmPartition>();
            foreach (var p in local.Partitions)
            {
                var name = $"{local.Name}/{Path.GetFileName(p.Location)}";
                var info = (await source.GetBlobClient(name).UploadAsync(p.Location, new BlobUploadOptions { TransferOptions = Transfer(settings.MaxParallelBlocks) })).Value;
                partitions.Add(new CdmPartition($"{_endpoint}/{source.Name}/{name}", PartitionFormat.Csv, CsvFormat.Default, new FileInfo(p.Location).Length, info.LastModified, info.ETag.ToString()));
            }

            entities.Add(local with { Partitions = partitions });
        }

        var bytes = entities.Sum(e => e.TotalSize);
        var group = $"blob source ({settings.SmallFiles} x {settings.SmallFileMiB} MiB + {settings.LargeFiles} x {settings.LargeFileMiB} MiB)";
        var lakeSeries = Get(group, "lake server-side copy", "download then upload", bytes);
        var baseSeries = Get(group, "download then upload", null, bytes);
        for (var r = 0; r <= settings.Repetitions; r++)
        {
            Console.WriteLine(r == 0 ? "blob source: warm-up." : $"blob source: repetition {r} of {settings.Repetitions}.");
            var lakeContainer = await NewContainerAsync();
            var before = _counter.ReadFrom(source.Name);
            var target = new LakeTarget(BlobLocation.Parse($"{_endpoint}/{lakeContainer.Name}"), "BenchDb");
            var lake = await TimeAsync(() => new LakeLander(_factory, Landing).LandAsync(target, entities, OperationContext.None));
            var lakeRead = _counter.ReadFrom(source.Name) - before;
            await lakeContainer.DeleteAsync();

            var copyContainer = await NewContainerAsync();
            before = _counter.ReadFrom(source.Name);
            var baseline = await TimeAsync(() => Parallel.ForEachAsync(
                entities.SelectMany(e => e.Partitions),
                new ParallelOptions { MaxDegreeOfParallelism = settings.MaxParallelFiles },
                async (p, ct) =>
                {
                    var from = BlobLocation.Parse(p.Location);
                    var download = await source.GetBlobClient(from.Path).DownloadStreamingAsync(cancellationToken: ct);
                    await using var content = download.Value.Content;
                    await copyContainer.GetBlobClient("BenchDb/" + from.Path).UploadAsync(content, new BlobUploadOptions { TransferOptions = Transfer(settings.MaxParallelBlocks) }, ct);
                }));
            var baselineRead = _counter.ReadFrom(source.Name) - before;
            await copyContainer.DeleteAsync();
            if (r > 0)
            {
                lakeSeries.Seconds.Add(lake);
                baseSeries.Seconds.Add(baseline);
                lakeSeries.Figures["clientReadBytes"] = Math.Max(lakeSeries.Figures.GetValueOrDefault("clientReadBytes"), lakeRead);
                baseSeries.Figures["clientReadBytes"] = baselineRead;
            }
        }

        await source.DeleteAsync();
    }

    private async Task RssAsync(string work, string connectionString)
    {
        var idle = RssChild.Run(["rss-child", "--idle", "--connection", connectionString]);
        var group = "peak RSS, one partition (child process)";
        Get(group, "idle child (clients created, nothing landed)", null, 0).Figures["VmHWM_MB"] = idle / 1024.0;
        foreach (var size in settings.RssMiB)
        {
            var path = Path.Combine(work, $"rss-{size}.csv");
            await using (var f = new FileStream(path, FileMode.Create))
            {
                f.SetLength(size * MiB);
            }

            Console.WriteLine($"peak RSS: landing one {size} MiB partition in a child process.");
            var container = await NewContainerAsync();
            var clock = Stopwatch.StartNew();
            var kb = RssChild.Run(["rss-child", "--connection", connectionString, "--container", container.Name, "--file", path, "--parallel-blocks", settings.MaxParallelBlocks.ToString(CultureInfo.InvariantCulture), "--block-size", settings.BlockMiB.ToString(CultureInfo.InvariantCulture)]);
            var series = Get(group, $"land {size} MiB", null, size * MiB);
            series.Seconds.Add(clock.Elapsed.TotalSeconds);
            series.Figures["VmHWM_MB"] = kb / 1024.0;
            await container.DeleteAsync();
            File.Delete(path);
        }
    }

    private List<Check> Checks()
    {
        var checks = new List<Check>();
        var ci = CultureInfo.InvariantCulture;
        foreach (var group in _series.Select(s => s.Group).Distinct().Where(g => g.Contains("local ", StringComparison.Ordinal) && !g.StartsWith("no-change", StringComparison.Ordinal)))
        {
            var lake = Find(group, "lake (LakeLander)");
            var sdk = Find(group, "plain SDK parallel");
            var seq = Find(group, "sequential SDK");
            checks.Add(new Check($"{group}: throughput >= 0.9 x best plain SDK", (sdk.Median / lake.Median).ToString("0.00", ci), sdk.Median / lake.Median >= 0.9));
            checks.Add(new Check($"{group}: >= 3x sequential upload", (seq.Median / lake.Median).ToString("0.00", ci) + "x", seq.Median / lake.Median >= 3));
            var rerunGroup = "no-change rerun: " + group;
            var rerun = Find(rerunGroup, "lake rerun (nothing changed)").Median / Find(rerunGroup, "lake first run").Median;
            checks.Add(new Check($"{group}: no-change rerun < 5% of first run", rerun.ToString("P1", ci), rerun < 0.05));
        }

        if (_series.FirstOrDefault(s => s.Group.StartsWith("blob source", StringComparison.Ordinal))?.Group is { } copyGroup)
        {
            var copy = Find(copyGroup, "lake server-side copy");
            var download = Find(copyGroup, "download then upload");
            var read = copy.Figures.GetValueOrDefault("clientReadBytes");
            checks.Add(new Check("blob source: zero bytes read by the client", read.ToString("0", ci) + " bytes", read == 0));
            checks.Add(new Check("blob source: >= 3x download then upload", (download.Median / copy.Median).ToString("0.00", ci) + "x", download.Median / copy.Median >= 3));
        }

        var rss = _series.Where(s => s.Method.StartsWith("land ", StringComparison.Ordinal)).ToList();
        if (rss.Count >= 2)
        {
            var smallest = rss[0].Figures["VmHWM_MB"];
            var largest = rss[^1].Figures["VmHWM_MB"];
            checks.Add(new Check($"peak RSS landing {rss[^1].Method[5..]} < 300 MB", largest.ToString("0", ci) + " MB", largest < 300));
            checks.Add(new Check($"peak RSS {rss[^1].Method[5..]} within 20% of {rss[0].Method[5..]}", $"{largest:0} vs {smallest:0} MB ({(largest / smallest) - 1:+0%;-0%})", Math.Abs((largest / smallest) - 1) <= 0.2));
        }

        return checks;
    }

    private Series Find(string group, string method) => _series.Single(s => s.Group == group && s.Method == method);

    private Series Get(string group, string method, string? baseline, long bytes)
    {
        var s = _series.FirstOrDefault(x => x.Group == group && x.Method == method);
        if (s is null)
        {
            s = new Series(group, method, baseline, bytes);
            _series.Add(s);
        }

        return s;
    }

    private async Task<BlobContainerClient> NewContainerAsync()
    {
        var c = _service.GetBlobContainerClient($"bench-{Interlocked.Increment(ref _containers)}-{Guid.NewGuid().ToString("N")[..6]}");
        await c.CreateAsync();
        return c;
    }

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var clock = Stopwatch.StartNew();
        await action();
        return clock.Elapsed.TotalSeconds;
    }

    private static CdmEntity CreateFiles(string folder, string entity, int count, long size)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(8);
        var buffer = new byte[(int)Math.Min(size, MiB)];
        var partitions = new List<CdmPartition>();
        for (var i = 0; i < count; i++)
        {
            var path = Path.Combine(folder, $"part-{i:D4}.csv");
            using (var f = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                for (long written = 0; written < size; written += buffer.Length)
                {
                    random.NextBytes(buffer);
                    f.Write(buffer, 0, (int)Math.Min(buffer.Length, size - written));
                }
            }

            partitions.Add(new CdmPartition(path, PartitionFormat.Csv, CsvFormat.Default));
        }

        return new CdmEntity(entity, [new CdmAttribute("Value", "string")], partitions);
    }
}
