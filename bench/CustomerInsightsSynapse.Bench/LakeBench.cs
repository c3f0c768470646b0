using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Azure.Core;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.FileSystem;
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
    private readonly RequestCounter _requests = new();
    private readonly RequestTimeline _timeline = new();
    private readonly ConnectionCounter _connections = new();
    private readonly Dictionary<Series, ClientCost> _costs = [];
    private readonly Dictionary<Series, List<double>> _cpuSecondsPerRun = [];
    private BlobServiceClient _service = null!;
    private BlobClientFactory _factory = null!;
    private string _endpoint = null!;
    private int _containers;

    /// <summary>
    /// What the lander may send per landing beyond the plain SDK's requests for the same files: both move each file
    /// with <c>BlobClient.UploadAsync</c> and the same transfer options, so the lander's only extra requests are per
    /// landing, not per file: the lock blob and its lease (create, acquire, release), model.json (read, conditional
    /// write, read back), the listing of the entity's old snapshots. Lease renewals (one per renewal interval, by
    /// time) are counted apart.
    /// </summary>
    private const int LanderRequestsPerLanding = 16;

    /// <summary>Warm-up rounds in a row that the JIT must leave quiet before a group's timed repetitions.</summary>
    private const int QuietRoundsWanted = 2;

    /// <summary>The most full-size warm-up rounds of a group, settled or not.</summary>
    private const int MaxWarmUpRounds = 8;

    /// <summary>One-file warm-up rounds judged together (each alone is too short to tell a quiet JIT).</summary>
    private const int OneFileRoundsPerBatch = 10;

    /// <summary>The most batches of one-file warm-up rounds of a group, settled or not.</summary>
    private const int MaxOneFileBatches = 8;

    private LandingOptions Landing => new()
    {
        MaxParallelFiles = settings.MaxParallelFiles,
        MaxParallelBlocks = settings.MaxParallelBlocks,
        BlockSize = settings.BlockMiB * MiB,
        SingleCopyLimit = settings.SingleCopyMiB is { } copyMiB ? copyMiB * MiB : new LandingOptions().SingleCopyLimit,
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
            options.AddPolicy(_requests, HttpPipelinePosition.PerRetry);
            options.AddPolicy(_timeline, HttpPipelinePosition.PerRetry);
            _service = new BlobServiceClient(azuriteConnectionString, options);
            _endpoint = _service.Uri.AbsoluteUri.TrimEnd('/');
            _factory = new BlobClientFactory(new StorageSharedKeyCredential(AzuriteAccount.AccountName, AzuriteAccount.AccountKey), options);

            var lineEnd = settings.Crlf ? "\r\n" : "\n";
            var small = CreateFiles(Path.Combine(work, "small"), "Small", settings.SmallFiles, (long)(settings.SmallFileMiB * MiB), lineEnd, !settings.NoWidthCheck);
            var large = CreateFiles(Path.Combine(work, "large"), "Large", settings.LargeFiles, (long)(settings.LargeFileMiB * MiB), lineEnd, !settings.NoWidthCheck);

            var latency = settings.LatencyMilliseconds is { } ms ? $"{ms} ms, " : string.Empty;
            var files = (settings.Crlf ? " CRLF" : string.Empty) + (settings.NoWidthCheck ? " unchecked" : string.Empty);
            foreach (var (name, entity) in new[] { ($"{latency}local {settings.SmallFiles} x {settings.SmallFileMiB} MiB{files}", small), ($"{latency}local {settings.LargeFiles} x {settings.LargeFileMiB} MiB{files}", large) })
            {
                var warmUpRounds = await WarmUpAsync(name, entity, small.Partitions.Concat(entity.Partitions).First());
                for (var r = 1; r <= settings.Repetitions; r++)
                {
                    var round = $"{name}: repetition {r} of {settings.Repetitions}";
                    Console.WriteLine(round + ".");
                    await LocalRoundAsync(name, entity, round, record: true, rotation: r);
                }

                foreach (var method in new[] { "lake (LakeLander)", "plain SDK parallel", "sequential SDK" })
                {
                    Find(name, method).Figures["warmUpRounds"] = warmUpRounds;
                }

                if (settings.Timeline)
                {
                    await TimelineAsync(name, entity);
                }
            }

            if (!settings.LocalOnly)
            {
                await CopyRoundsAsync(small, large);
                if (!settings.NoRss)
                {
                    await RssAsync(work, azuriteConnectionString);
                }
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

        AddCostFigures();
        var checks = Checks();
        Console.WriteLine();
        Console.WriteLine(ResultTable.Render(_series, checks));
        var file = settings.OutputFile ?? Path.Combine(repositoryRoot, "bench", "results", $"lake-{DateTime.UtcNow:yyyyMMddTHHmmssZ}.json");
        ResultFile.Write(file, "lake", settings, _series, checks);
        Console.WriteLine($"Results: {file}");
        return 0;
    }

    /// <summary>
    /// Untimed rounds of all the group's methods until the JIT has settled, so that the timed repetitions compare the
    /// methods' own work and not the tiered compiler's: it recompiles a method (instrumented, then optimized) after 30
    /// calls at each tier, in the background, once no new method has been compiled for a while. Code run once per
    /// landing (the lander's lock, plan, model.json, commit and clean-up; the plain SDK has none) is called 30 and 60
    /// times only by the 30th and 60th landing: one-file rounds, <see cref="OneFileRoundsPerBatch"/> at a time, carry
    /// it up the tiers (until <see cref="QuietRoundsWanted"/> batches in a row are quiet, at most
    /// <see cref="MaxOneFileBatches"/>), then full-size rounds settle the code run per file and per block (until
    /// <see cref="QuietRoundsWanted"/> rounds in a row are quiet, at most <see cref="MaxWarmUpRounds"/>). Quiet: each
    /// method spent under <see cref="JitSettledWarmUp.QuietJitShare"/> of its time compiling. With one full-size round
    /// (before session 12) the lander's timed landings of 200 x 1 MiB at 20 ms compiled 190 to 340 methods each
    /// (0.5 to 1.0 s/GiB of JIT) against the plain SDK's 80 to 280, still going up the tiers; at landings 15 and 30
    /// a burst of the lander's once-per-landing code went up a tier. The one-file rounds land
    /// <paramref name="oneFilePartition"/>, the scenario's first small file, in every group: with a 512 MiB file each
    /// (until session 13) the large group's one-file rounds alone took 6 minutes per batch of 10 at 20 ms.
    /// </summary>
    private async Task<int> WarmUpAsync(string group, CdmEntity entity, CdmPartition oneFilePartition)
    {
        var oneFile = entity with { Partitions = [oneFilePartition] };
        var (batches, batchesSettled) = await JitSettledWarmUp.RunAsync(
            async n =>
            {
                Console.WriteLine($"{group}: warm-up, one-file rounds {((n - 1) * OneFileRoundsPerBatch) + 1} to {n * OneFileRoundsPerBatch}.");
                ClientCost[]? batch = null;
                for (var i = 0; i < OneFileRoundsPerBatch; i++)
                {
                    var costs = await LocalRoundAsync(group, oneFile, $"{group}: one-file warm-up {((n - 1) * OneFileRoundsPerBatch) + i + 1}", record: false, rotation: i, print: false);
                    batch = batch?.Zip(costs, (sum, cost) => sum.Add(cost)).ToArray() ?? costs;
                }

                return batch!.All(c => JitSettledWarmUp.Quiet(c.Seconds, c.JitSeconds));
            },
            QuietRoundsWanted,
            MaxOneFileBatches);
        var (rounds, settled) = await JitSettledWarmUp.RunAsync(
            async n =>
            {
                var round = $"{group}: warm-up {n}";
                Console.WriteLine(round + ".");
                var costs = await LocalRoundAsync(group, entity, round, record: false, rotation: n);
                return costs.All(c => JitSettledWarmUp.Quiet(c.Seconds, c.JitSeconds));
            },
            QuietRoundsWanted,
            MaxWarmUpRounds);
        Console.WriteLine($"{group}: warm-up of {batches * OneFileRoundsPerBatch} one-file rounds{(batchesSettled ? string.Empty : " (the JIT had not settled)")} and {rounds} full-size rounds{(settled ? string.Empty : " (the JIT had not settled)")}.");
        return rounds;
    }

    /// <summary>
    /// One round of the group's methods, each landing once; returns what each measured landing cost, in the order
    /// lander, plain SDK, sequential (and prints it unless told not to). The methods run in turn, so that drift on a
    /// shared machine hits all alike, in an order that changes with <paramref name="rotation"/> (rotated by it, and
    /// reversed when it is odd), so that over the rounds each method runs first, last, and after each other one. In a
    /// fixed order (until session 16) the lander always came right after the sequential upload and the deletion of its
    /// container, and the small files at 20 ms measured 0.77x the SDK where a scratch comparison alternating the two
    /// measured 0.91x.
    /// </summary>
    private async Task<ClientCost[]> LocalRoundAsync(string group, CdmEntity entity, string round, bool record, int rotation, bool print = true)
    {
        var bytes = entity.Partitions.Sum(p => new FileInfo(p.Location).Length);
        var rerun = 0.0;
        Func<Task<ClientCost>>[] methods =
        [
            async () =>
            {
                var lakeContainer = await NewContainerAsync();
                var target = new LakeTarget(BlobLocation.Parse($"{_endpoint}/{lakeContainer.Name}"), "BenchDb");
                var lander = new LakeLander(_factory, Landing);
                var first = await MeasureAsync($"{round} lander", print, async () => Landed(await lander.LandAsync(target, [entity], OperationContext.None), LandingAction.Landed));
                rerun = await TimeAsync(async () => Landed(await lander.LandAsync(target, [entity], OperationContext.None), LandingAction.Unchanged));
                await lakeContainer.DeleteAsync();
                return first;
            },
            async () =>
            {
                var sdkContainer = await NewContainerAsync();
                var sdk = await MeasureAsync($"{round} plain SDK", print, () => UploadInParallelAsync(sdkContainer, entity));
                await sdkContainer.DeleteAsync();
                return sdk;
            },
            async () =>
            {
                var sequentialContainer = await NewContainerAsync();
                var sequential = await MeasureAsync($"{round} sequential", print, async () =>
                {
                    foreach (var p in entity.Partitions)
                    {
                        await sequentialContainer.GetBlobClient("BenchDb/" + Path.GetFileName(p.Location)).UploadAsync(p.Location, new BlobUploadOptions { TransferOptions = Transfer(1) });
                    }
                });
                await sequentialContainer.DeleteAsync();
                return sequential;
            },
        ];
        var costs = new ClientCost[methods.Length];
        var order = Enumerable.Range(0, methods.Length).Select(i => (i + rotation) % methods.Length);
        foreach (var method in rotation % 2 == 1 ? order.Reverse() : order)
        {
            costs[method] = await methods[method]();
        }

        var (first, sdk, sequential) = (costs[0], costs[1], costs[2]);
        if (record)
        {
            Record(Get(group, "lake (LakeLander)", "plain SDK parallel", bytes), first, entity.Partitions.Count);
            Record(Get(group, "plain SDK parallel", null, bytes), sdk, entity.Partitions.Count);
            Record(Get(group, "sequential SDK", "plain SDK parallel", bytes), sequential, entity.Partitions.Count);
            Get("no-change rerun: " + group, "lake first run", null, bytes).Seconds.Add(first.Seconds);
            Get("no-change rerun: " + group, "lake rerun (nothing changed)", "lake first run", 0).Seconds.Add(rerun);
        }

        return costs;
    }

    /// <summary>
    /// Two more landings by the lander and two by the plain SDK, each printed as a timeline of its requests, in the
    /// order lander, SDK, SDK, lander: each method once first and once second, so that what differs between a pair
    /// is not where it ran.
    /// </summary>
    private async Task TimelineAsync(string group, CdmEntity entity)
    {
        async Task LanderAsync()
        {
            var lakeContainer = await NewContainerAsync();
            var target = new LakeTarget(BlobLocation.Parse($"{_endpoint}/{lakeContainer.Name}"), "BenchDb");
            var lander = new LakeLander(_factory, Landing);
            _timeline.Start();
            var seconds = await TimeAsync(async () => Landed(await lander.LandAsync(target, [entity], OperationContext.None), LandingAction.Landed));
            Console.WriteLine(RequestTimeline.Describe($"{group}, lake (LakeLander)", _timeline.Stop(), seconds * 1000));
            await lakeContainer.DeleteAsync();
        }

        async Task SdkAsync()
        {
            var sdkContainer = await NewContainerAsync();
            _timeline.Start();
            var seconds = await TimeAsync(() => UploadInParallelAsync(sdkContainer, entity));
            Console.WriteLine(RequestTimeline.Describe($"{group}, plain SDK parallel", _timeline.Stop(), seconds * 1000));
            await sdkContainer.DeleteAsync();
        }

        foreach (var method in new Func<Task>[] { LanderAsync, SdkAsync, SdkAsync, LanderAsync })
        {
            await method();
        }
    }

    /// <summary>The plain SDK's parallel upload of the entity's files into <c>BenchDb/</c> (the baseline of the local groups).</summary>
    private Task UploadInParallelAsync(BlobContainerClient container, CdmEntity entity) => Parallel.ForEachAsync(
        entity.Partitions,
        new ParallelOptions { MaxDegreeOfParallelism = settings.MaxParallelFiles },
        async (p, ct) => await container.GetBlobClient("BenchDb/" + Path.GetFileName(p.Location)).UploadAsync(p.Location, new BlobUploadOptions { TransferOptions = Transfer(settings.MaxParallelBlocks) }, ct));

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
        var latency = settings.LatencyMilliseconds is { } ms ? $"{ms} ms, " : string.Empty;
        var group = $"{latency}blob source ({settings.SmallFiles} x {settings.SmallFileMiB} MiB + {settings.LargeFiles} x {settings.LargeFileMiB} MiB)";
        var lakeSeries = Get(group, "lake server-side copy", "download then upload", bytes);
        var baseSeries = Get(group, "download then upload", null, bytes);
        for (var r = 0; r <= settings.Repetitions; r++)
        {
            Console.WriteLine(r == 0 ? "blob source: warm-up." : $"blob source: repetition {r} of {settings.Repetitions}.");
            double lake = 0, baseline = 0;
            long lakeRead = 0, baselineRead = 0;
            async Task LakeAsync()
            {
                var lakeContainer = await NewContainerAsync();
                var before = _counter.ReadFrom(source.Name);
                var target = new LakeTarget(BlobLocation.Parse($"{_endpoint}/{lakeContainer.Name}"), "BenchDb");
                lake = await TimeAsync(async () => Landed(await new LakeLander(_factory, Landing).LandAsync(target, entities, OperationContext.None), LandingAction.Landed));
                lakeRead = _counter.ReadFrom(source.Name) - before;
                await lakeContainer.DeleteAsync();
            }

            async Task BaselineAsync()
            {
                var copyContainer = await NewContainerAsync();
                var before = _counter.ReadFrom(source.Name);
                baseline = await TimeAsync(() => Parallel.ForEachAsync(
                    entities.SelectMany(e => e.Partitions),
                    new ParallelOptions { MaxDegreeOfParallelism = settings.MaxParallelFiles },
                    async (p, ct) =>
                    {
                        var from = BlobLocation.Parse(p.Location);
                        var download = await source.GetBlobClient(from.Path).DownloadStreamingAsync(cancellationToken: ct);
                        await using var content = download.Value.Content;
                        await copyContainer.GetBlobClient("BenchDb/" + from.Path).UploadAsync(content, new BlobUploadOptions { TransferOptions = Transfer(settings.MaxParallelBlocks) }, ct);
                    }));
                baselineRead = _counter.ReadFrom(source.Name) - before;
                await copyContainer.DeleteAsync();
            }

            // The two take turns going first, as the local rounds' methods do (see LocalRoundAsync).
            foreach (var method in r % 2 == 0 ? new[] { LakeAsync, BaselineAsync } : [BaselineAsync, LakeAsync])
            {
                await method();
            }

            if (r > 0)
            {
                lakeSeries.Seconds.Add(lake);
                baseSeries.Seconds.Add(baseline);
                lakeSeries.Figures["clientReadBytes"] = Math.Max(lakeSeries.Figures.GetValueOrDefault("clientReadBytes"), lakeRead);
                lakeSeries.Figures["partitions"] = entities.Sum(e => e.Partitions.Count);
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
            // Short CSV rows (a file of zeros would be one row wider than any view column, which the lander refuses).
            var rows = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("0123456789abcdef0123456789abcde\n", (int)(MiB / 32))));
            await using (var f = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                for (var i = 0; i < size; i++)
                {
                    await f.WriteAsync(rows);
                }
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

            var landerCpu = lake.Figures["cpuSecondsPerGiB"];
            var sdkCpu = sdk.Figures["cpuSecondsPerGiB"];
            checks.Add(new Check($"{group}: lander CPU per GiB within 1.2x the plain SDK", $"{landerCpu:0.00} vs {sdkCpu:0.00} s/GiB ({landerCpu / sdkCpu:0.00}x)", landerCpu <= 1.2 * sdkCpu));
            var landerCost = _costs[lake];
            var sdkCost = _costs[sdk];
            var files = landerCost.FilesPerRun;
            var extra = ((double)(landerCost.Requests - landerCost.LeaseRenewals) / landerCost.Runs) - ((double)sdkCost.Requests / sdkCost.Runs);
            checks.Add(new Check(
                $"{group}: lander requests per file <= plain SDK's + {LanderRequestsPerLanding} per landing / {files} files (lease renewals apart)",
                $"{lake.Figures["requestsPerFile"]:0.###} vs {sdk.Figures["requestsPerFile"]:0.###} per file; {extra:0.#} more per landing",
                extra <= LanderRequestsPerLanding));
        }

        if (_series.FirstOrDefault(s => s.Group.Contains("blob source", StringComparison.Ordinal))?.Group is { } copyGroup)
        {
            var copy = Find(copyGroup, "lake server-side copy");
            var download = Find(copyGroup, "download then upload");
            var read = copy.Figures.GetValueOrDefault("clientReadBytes");
            var at = settings.LatencyMilliseconds is { } ms ? $"blob source at {ms} ms" : "blob source";

            // Issue 8 asked for 3x against Azurite alone; issue 22 asks for 5x at 20 ms through the proxy.
            var factor = settings.LatencyMilliseconds is null ? 3 : 5;
            // Whether a source starts with a UTF-8 byte order mark is asked of the service: the client reads no byte.
            checks.Add(new Check($"{at}: no data read by the client", $"{read:0} bytes", read == 0));
            checks.Add(new Check($"{at}: server-side copy >= {factor}x download then upload", (download.Median / copy.Median).ToString("0.00", ci) + "x", download.Median / copy.Median >= factor));
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

    /// <summary>Stops the bench when a landing did not do what is timed (a failed entity lands nothing, fast).</summary>
    internal static void Landed(LandingResult result, LandingAction expected)
    {
        if (result.Entities.FirstOrDefault(e => e.Action != expected) is { } other)
        {
            throw new InvalidOperationException($"Entity '{other.Entity}' was {other.Action}, not {expected}: {other.Error?.Message}");
        }
    }

    private void Record(Series series, ClientCost run, int files)
    {
        series.Seconds.Add(run.Seconds);
        (_cpuSecondsPerRun.TryGetValue(series, out var cpu) ? cpu : _cpuSecondsPerRun[series] = []).Add(run.CpuSeconds);
        _costs[series] = _costs.TryGetValue(series, out var sum) ? sum.Add(run) : run with { Runs = 1, FilesPerRun = files };
    }

    /// <summary>
    /// Per method of each local group: client CPU seconds per GiB landed (the median landing's, as for the times: the
    /// shared HTTP transport of Azure.Core replaces every connection 5 minutes after it opened, so a landing now and
    /// then opens all its connections again, and with them TLS handshakes and the JIT compiling their code at higher
    /// tiers; which method's landing that is depends on where the 5 minutes end; the mean is kept beside it), the JIT's
    /// share, connections opened, requests per GiB and per file.
    /// </summary>
    private void AddCostFigures()
    {
        const double GiB = 1024.0 * 1024 * 1024;
        foreach (var (series, cost) in _costs)
        {
            var gib = series.BytesPerRun * (double)cost.Runs / GiB;
            series.Figures["cpuSecondsPerGiB"] = Math.Round(Series.MedianOf(_cpuSecondsPerRun[series]) / (series.BytesPerRun / GiB), 3);
            series.Figures["cpuSecondsPerGiBMean"] = Math.Round(cost.CpuSeconds / gib, 3);
            series.Figures["jitSecondsPerGiB"] = Math.Round(cost.JitSeconds / gib, 3);
            series.Figures["jitMethodsPerRun"] = Math.Round((double)cost.JitMethods / cost.Runs, 0);
            series.Figures["connectionsOpenedPerRun"] = Math.Round((double)cost.Connections / cost.Runs, 1);
            series.Figures["requestsPerGiB"] = Math.Round(cost.Requests / gib, 1);
            series.Figures["requestsPerFile"] = Math.Round((double)cost.Requests / cost.Runs / cost.FilesPerRun, 3);
            if (cost.LeaseRenewals > 0)
            {
                series.Figures["leaseRenewalsPerRun"] = Math.Round((double)cost.LeaseRenewals / cost.Runs, 1);
            }
        }
    }

    /// <summary>
    /// Wall time, this process's CPU time (user + system), the requests sent, and the JIT's compiling while an action
    /// ran: methods compiled and time spent in the JIT (elapsed, on every thread: tier-0 code, and its rejit at tier 1
    /// as call counts grow, so code run once per landing keeps being compiled over many landings; the background
    /// tier-1 compiles of code shared with the method run before land where they happen).
    /// </summary>
    private async Task<ClientCost> MeasureAsync(string what, bool print, Func<Task> action)
    {
        JitMarks.Mark("begin " + what);
        var (cpu, requests, renewals, connections) = (Environment.CpuUsage.TotalTime, _requests.Total, _requests.LeaseRenewals, _connections.Opened);
        var (jit, jitMethods) = (JitInfo.GetCompilationTime(), JitInfo.GetCompiledMethodCount());
        var seconds = await TimeAsync(action);
        var cost = new ClientCost(seconds, (Environment.CpuUsage.TotalTime - cpu).TotalSeconds, _requests.Total - requests, _requests.LeaseRenewals - renewals)
        {
            JitSeconds = (JitInfo.GetCompilationTime() - jit).TotalSeconds,
            JitMethods = JitInfo.GetCompiledMethodCount() - jitMethods,
            Connections = _connections.Opened - connections,
        };
        JitMarks.Mark("end " + what);
        if (print)
        {
            Console.WriteLine(FormattableString.Invariant($"  {what}: {cost.Seconds:0.000} s, CPU {cost.CpuSeconds:0.000} s, JIT {cost.JitMethods} methods, {cost.Connections} connections opened."));
        }

        return cost;
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

    /// <summary>
    /// Partitions shaped like a Customer Insights export: an id, a time, an amount, a name and a city per row (about 70
    /// bytes), the name quoted with a delimiter inside (one in 50 also holding a doubled quote), and an entity whose
    /// attributes type them, so that the landing's width check measures every value against its column (the text
    /// columns 150 and 120 bytes wide). Each file repeats the rows of one 4 MiB pool (the check costs the same on
    /// repeated rows), cut at a line end; the last line is an id of digits that makes the file exactly its size.
    /// </summary>
    internal static CdmEntity CreateFiles(string folder, string entity, int count, long size, string lineEnd, bool checkWidths)
    {
        Directory.CreateDirectory(folder);
        var pool = CsvRows(4 * MiB, lineEnd);
        var partitions = new List<CdmPartition>();
        for (var i = 0; i < count; i++)
        {
            var path = Path.Combine(folder, $"part-{i:D4}.csv");
            using (var f = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                long written = 0;
                while (written < size)
                {
                    var rows = pool.AsSpan(0, (int)Math.Min(pool.Length, size - written));
                    rows = rows[..(rows.LastIndexOf((byte)'\n') + 1)];
                    if (rows.IsEmpty)
                    {
                        var last = (int)(size - written);
                        rows = System.Text.Encoding.ASCII.GetBytes(last < lineEnd.Length ? "\n" : new string('7', last - lineEnd.Length) + lineEnd);
                    }

                    f.Write(rows);
                    written += rows.Length;
                }
            }

            var csv = checkWidths ? CsvFormat.Default : CsvFormat.Default with { Quote = "\"\"" };
            partitions.Add(new CdmPartition(path, PartitionFormat.Csv, csv) { LocalFolder = RealPaths.Resolve(folder) });
        }

        CdmAttribute[] attributes =
        [
            new("CustomerId", "int64"),
            new("CreatedOn", "dateTime"),
            new("Amount", "decimal", Precision: 18, Scale: 2),
            new("FullName", "string", MaxLength: 50),
            new("City", "string", MaxLength: 40),
        ];
        return new CdmEntity(entity, attributes, partitions);
    }

    /// <summary>Whole CSV rows of the lake scenario's shape (see <see cref="CreateFiles"/>), at least <paramref name="bytes"/> of them.</summary>
    private static byte[] CsvRows(long bytes, string lineEnd)
    {
        string[] first = ["Anna", "Jonas", "Mei", "Olga", "Pedro", "Zoë", "Liam", "Fatima", "Noah", "Ingrid"];
        string[] last = ["Smith", "Müller", "García", "Nakamura", "Okafor", "Lindqvist", "Rossi", "Dubois", "Kowalski", "Brown"];
        string[] cities = ["Seattle", "München", "São Paulo", "Osaka", "Lagos", "Göteborg", "Milano", "Lyon", "Kraków", "Dublin"];
        var random = new Random(8);
        var text = new System.Text.StringBuilder();
        var start = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var id = 1_000_000L; text.Length < bytes; id++)
        {
            var name = $"{last[random.Next(last.Length)]}, {first[random.Next(first.Length)]}";
            if (random.Next(50) == 0)
            {
                name += " \"\"Jr\"\"";
            }

            var created = start.AddSeconds(random.Next(200_000_000)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            var amount = (random.Next(1, 10_000_000) / 100m).ToString("0.00", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"{id},{created},{amount},\"{name}\",{cities[random.Next(cities.Length)]}{lineEnd}");
        }

        return System.Text.Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>One run's (or, summed, several runs') client cost.</summary>
    private sealed record ClientCost(double Seconds, double CpuSeconds, long Requests, long LeaseRenewals, int Runs = 1, int FilesPerRun = 0)
    {
        public double JitSeconds { get; init; }

        public long JitMethods { get; init; }

        public long Connections { get; init; }

        public ClientCost Add(ClientCost run) => this with
        {
            JitSeconds = JitSeconds + run.JitSeconds,
            JitMethods = JitMethods + run.JitMethods,
            Connections = Connections + run.Connections,
            Seconds = Seconds + run.Seconds,
            CpuSeconds = CpuSeconds + run.CpuSeconds,
            Requests = Requests + run.Requests,
            LeaseRenewals = LeaseRenewals + run.LeaseRenewals,
            Runs = Runs + 1,
        };
    }
}
