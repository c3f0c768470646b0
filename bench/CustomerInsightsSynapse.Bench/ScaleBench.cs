using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Testing;

namespace CustomerInsightsSynapse.Bench;

/// <summary>
/// The <c>scale</c> scenario (issue 22, scale curves): a blob-source CDM folder (model.json, every partition listed)
/// of growing size is read, planned, landed by server-side copy and turned into T-SQL, first for more entities (10
/// partitions each), then for more partitions (spread over 10 entities). For each size it records the time and the
/// peak managed heap of plan + land + SQL and the requests of each phase, and prints the growth exponent between
/// the smallest and the largest size: about 1 is linear, more is a defect.
/// </summary>
internal sealed class ScaleBench(ScaleSettings settings, string repositoryRoot)
{
    private const int Attributes = 10;
    private const string AllRequests = "all";
    private readonly List<Series> _series = [];
    private readonly ConcurrentDictionary<string, int> _requests = new();
    private BlobServiceClient _service = null!;
    private BlobClientFactory _factory = null!;

    public async Task<int> RunAsync()
    {
        var options = BlobClientFactory.DefaultOptions();
        options.AddPolicy(new RequestCounter(_requests), HttpPipelinePosition.PerRetry);
        _service = new BlobServiceClient(AzuriteAccount.ConnectionString(), options);
        _factory = new BlobClientFactory(new StorageSharedKeyCredential(AzuriteAccount.AccountName, AzuriteAccount.AccountKey), options);

        var checks = new List<Check>();
        Console.WriteLine("Warm-up.");
        await MeasureAsync("warm-up", 2, 5, record: false);

        // Through the storage proxy (a delay on every request) only the partition curve runs: its target is the one
        // stated at 20 ms.
        if (settings.LatencyMilliseconds is null)
        {
            checks.AddRange(await CurveAsync("entities (10 partitions each)", settings.EntityCounts.Select(n => (n, n, 10))));
        }

        checks.AddRange(await CurveAsync("partitions (over 10 entities)", settings.PartitionCounts.Select(n => (n, 10, n / 10))));

        if (_series.FirstOrDefault(s => s.Method.StartsWith("100,000 partitions", StringComparison.Ordinal)) is { } largest)
        {
            var plan = largest.Figures["plan s"];
            var peak = largest.Figures["plan peak managed MiB"];
            const string phases = "the plan";
            checks.Add(new Check($"100,000 partitions plan in under 30 s and 500 MB ({settings.LatencyNote}; peak of {phases})", $"{plan:0.0} s, {peak:0} MiB", plan < 30 && peak < 500));
        }

        Console.WriteLine(ResultTable.Render(_series, checks));
        var file = settings.OutputFile ?? Path.Combine(repositoryRoot, "bench", "results", $"scale-{DateTime.UtcNow:yyyyMMddTHHmmssZ}.json");
        ResultFile.Write(file, "scale", settings, _series, checks);
        Console.WriteLine($"JSON: {file}");
        return 0;
    }

    private async Task<List<Check>> CurveAsync(string curve, IEnumerable<(int Size, int Entities, int PartitionsEach)> points)
    {
        var group = (settings.LatencyMilliseconds is { } ms ? $"scale at {ms} ms: " : "scale: ") + curve;
        var measured = new List<(int Size, Series Series)>();
        foreach (var (size, entities, each) in points)
        {
            var method = size.ToString("N0", CultureInfo.InvariantCulture) + (curve.StartsWith("entities", StringComparison.Ordinal) ? " entities" : " partitions");
            Console.WriteLine($"{group}: {method}.");
            var series = await MeasureAsync(group, entities, each, record: true, method, measured.Count == 0 ? null : measured[0].Series.Method);
            measured.Add((size, series!));
        }

        if (measured.Count < 2)
        {
            return [];
        }

        var checks = new List<Check>();
        var (first, last) = (measured[0], measured[^1]);
        static double Exponent(double a, double b, int fromSize, int toSize) => Math.Log(b / a) / Math.Log((double)toSize / fromSize);
        static double Figure(Series series, string name) => Math.Max(series.Figures[name], 0.001);

        // The read is compared over every size, with the plain SDK listing of the same folders beside it: a read that
        // grows no faster than that listing grows as the service's listing does (Azurite's: see bench/README.md).
        var read = Exponent(Figure(first.Series, "read s"), Figure(last.Series, "read s"), first.Size, last.Size);
        var listing = Exponent(Figure(first.Series, "SDK listing s"), Figure(last.Series, "SDK listing s"), first.Size, last.Size);
        last.Series.Figures["read growth exponent"] = Math.Round(read, 2);
        last.Series.Figures["SDK listing growth exponent"] = Math.Round(listing, 2);
        checks.Add(new Check(
            $"{curve}: time of the read grows about linearly or no faster than the SDK listing of the same folder, {first.Size:N0} to {last.Size:N0} (exponent <= 1.2, or <= the listing's + 0.1)",
            $"{read.ToString("0.00", CultureInfo.InvariantCulture)} (SDK listing {listing.ToString("0.00", CultureInfo.InvariantCulture)})",
            read <= Math.Max(1.2, listing + 0.1)));

        // The whole time (plan + land + SQL) is compared over the sizes that landed; sizes above --land-up-to were read
        // and planned only, and the plan's own time and memory are compared over every size.
        var landed = measured.Where(m => settings.Lands(m.Size * (curve.StartsWith("entities", StringComparison.Ordinal) ? 10 : 1))).ToList();
        if (landed.Count >= 2)
        {
            var (from, to) = (landed[0], landed[^1]);
            var sizes = $"{from.Size:N0} to {to.Size:N0}";
            var time = Exponent(from.Series.Median, to.Series.Median, from.Size, to.Size);
            to.Series.Figures["time growth exponent"] = Math.Round(time, 2);
            checks.Add(new Check($"{curve}: time of plan + land + SQL grows about linearly, {sizes} (exponent <= 1.2)", time.ToString("0.00", CultureInfo.InvariantCulture), time <= 1.2));
            var memory = Exponent(Math.Max(from.Series.Figures["peak managed MiB"], 1), Math.Max(to.Series.Figures["peak managed MiB"], 1), from.Size, to.Size);
            to.Series.Figures["memory growth exponent"] = Math.Round(memory, 2);
            checks.Add(new Check($"{curve}: peak memory of plan + land + SQL grows at most linearly, {sizes} (exponent <= 1.2)", memory.ToString("0.00", CultureInfo.InvariantCulture), memory <= 1.2));
        }

        if (landed.Count < measured.Count)
        {
            var plan = Exponent(Figure(first.Series, "plan s"), Figure(last.Series, "plan s"), first.Size, last.Size);
            last.Series.Figures["plan growth exponent"] = Math.Round(plan, 2);
            checks.Add(new Check($"{curve}: time of the plan grows about linearly, {first.Size:N0} to {last.Size:N0} (exponent <= 1.2)", plan.ToString("0.00", CultureInfo.InvariantCulture), plan <= 1.2));
            var planMemory = Exponent(Math.Max(first.Series.Figures["plan peak managed MiB"], 1), Math.Max(last.Series.Figures["plan peak managed MiB"], 1), first.Size, last.Size);
            last.Series.Figures["plan memory growth exponent"] = Math.Round(planMemory, 2);
            checks.Add(new Check($"{curve}: peak memory of the plan grows at most linearly, {first.Size:N0} to {last.Size:N0} (exponent <= 1.2)", planMemory.ToString("0.00", CultureInfo.InvariantCulture), planMemory <= 1.2));
        }

        return checks;
    }

    private async Task<Series?> MeasureAsync(string group, int entities, int partitionsEach, bool record, string method = "", string? baseline = null)
    {
        var source = _service.GetBlobContainerClient("scale-source-" + Guid.NewGuid().ToString("n")[..12]);
        var lake = _service.GetBlobContainerClient("scale-lake-" + Guid.NewGuid().ToString("n")[..12]);
        await source.CreateAsync();
        await lake.CreateAsync();
        try
        {
            await WriteSourceAsync(source, entities, partitionsEach);
            var sourceUrl = source.Uri.AbsoluteUri.TrimEnd('/') + "/ci";
            var target = new LakeTarget(BlobLocation.Parse(lake.Uri.AbsoluteUri.TrimEnd('/')), "ScaleDb");

            // The read and its baselines, one after the other per repetition (so drift on a shared machine hits all
            // alike): the plain SDK listing the same folder, page by page, and nothing else; and the listing of the
            // folder's names by delimiter (what choosing its document by a listing would cost).
            var reads = new List<Phase<CdmFolder>>();
            var listings = new List<Phase<List<double>>>();
            var folderListings = new List<Phase<int>>();
            for (var r = 0; r < settings.ReadRepeat; r++)
            {
                reads.Add(await PhaseAsync("read", () => new CdmFolderReader(_factory).ReadAsync(sourceUrl, OperationContext.None)));
                listings.Add(await PhaseAsync("SDK listing", async () =>
                {
                    var pages = new List<double>();
                    var page = Stopwatch.StartNew();
                    await foreach (var _ in source.GetBlobsAsync(BlobTraits.None, BlobStates.None, "ci/", CancellationToken.None).AsPages(pageSizeHint: 5000))
                    {
                        pages.Add(page.Elapsed.TotalSeconds);
                        page.Restart();
                    }

                    return pages;
                }));
                folderListings.Add(await PhaseAsync("SDK folder listing", async () =>
                {
                    var count = 0;
                    await foreach (var _ in source.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", "ci/", CancellationToken.None))
                    {
                        count++;
                    }

                    return count;
                }));
            }

            var read = reads[0];
            var lander = new LakeLander(_factory);
            await using var database = await lander.LockAsync(target, OperationContext.None);
            using var memory = new PeakMemory();
            var watch = Stopwatch.StartNew();
            var plan = await PhaseAsync("plan", () => lander.PlanAsync(database, read.Result.Entities));
            var planPeak = memory.PeakMiB;
            var phases = new List<(string Name, double Seconds)> { (read.Name, Median(reads, p => p.Seconds)), (plan.Name, plan.Seconds) };
            if (plan.Result.Entities.FirstOrDefault(e => e.Action != PlannedAction.Land) is { } unplanned)
            {
                throw new InvalidOperationException($"Entity '{unplanned.Name}' was planned {unplanned.Action}, not Land: {unplanned.Error?.Message}");
            }

            if (settings.Lands(entities * partitionsEach))
            {
                var landed = await PhaseAsync("land", () => lander.LandAsync(database, plan.Result));
                var commit = await PhaseAsync("commit", () => lander.CommitAsync(database, landed.Result));
                var sql = await PhaseAsync("sql", () => Task.FromResult(ServerlessSqlGenerator.Generate(new SqlScriptRequest(
                    "ScaleDb",
                    QueryAccessMode.WorkspaceIdentity,
                    DataLakeContainer.ForAccount(AzuriteAccount.AccountName, lake.Name),
                    commit.Result.Result.Entities.Where(e => e.SnapshotFolder is not null).Select(e => new LandedEntity(read.Result.Entities.First(x => x.Name == e.Entity), e.SnapshotFolder!)).ToList()))));
                var failed = commit.Result.Result.Entities.Count(e => e.SnapshotFolder is null);
                if (failed > 0)
                {
                    throw new InvalidOperationException($"{failed} entities did not land.");
                }

                phases.AddRange([(landed.Name, landed.Seconds), (commit.Name, commit.Seconds), (sql.Name, sql.Seconds)]);
            }

            watch.Stop();
            if (!record)
            {
                return null;
            }

            var lands = settings.Lands(entities * partitionsEach);
            var series = new Series(group, lands ? method : method + " (read + plan only)", lands ? baseline : null, 0);
            series.Seconds.Add(watch.Elapsed.TotalSeconds);
            series.Figures["partitions"] = entities * partitionsEach;
            foreach (var (name, seconds) in phases.Where(p => p.Name != "commit"))
            {
                series.Figures[$"{name} s"] = Math.Round(seconds, 3);
            }

            series.Figures["read client CPU s"] = Math.Round(Median(reads, p => p.CpuSeconds), 3);
            series.Figures["SDK listing s"] = Math.Round(Median(listings, p => p.Seconds), 3);
            series.Figures["SDK listing client CPU s"] = Math.Round(Median(listings, p => p.CpuSeconds), 3);
            series.Figures["read vs SDK listing"] = Math.Round(Median(reads, p => p.Seconds) / Median(listings, p => p.Seconds), 2);
            series.Figures["SDK listing pages"] = listings[0].Result.Count;
            series.Figures["SDK listing s per full page"] = Math.Round(Median(listings, p => p.Result.Take(Math.Max(1, p.Result.Count - 1)).Average()), 3);
            series.Figures["SDK folder listing s"] = Math.Round(Median(folderListings, p => p.Seconds), 3);
            series.Figures["read repetitions"] = reads.Count;

            series.Figures["peak managed MiB"] = Math.Round(memory.PeakMiB, 1);
            series.Figures["plan peak managed MiB"] = Math.Round(planPeak, 1);
            foreach (var (name, _) in phases)
            {
                series.Figures[$"{name} requests"] = _requests.GetValueOrDefault(name);
            }

            _series.Add(series);
            return series;
        }
        finally
        {
            _requests.Clear();
            await source.DeleteAsync();
            await lake.DeleteAsync();
        }
    }

    private static double Median<T>(List<Phase<T>> runs, Func<Phase<T>, double> figure) => Series.MedianOf(runs.Select(figure));

    /// <summary>Runs a phase: its wall time, and the CPU time of this process (the client; Azurite is another process) meanwhile.</summary>
    private async Task<Phase<T>> PhaseAsync<T>(string name, Func<Task<T>> phase)
    {
        var before = _requests.GetValueOrDefault(AllRequests);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var result = await phase();
        var seconds = watch.Elapsed.TotalSeconds;
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        _requests[name] = _requests.GetValueOrDefault(AllRequests) - before;
        return new Phase<T>(name, result, seconds, cpuSeconds);
    }

    private sealed record Phase<T>(string Name, T Result, double Seconds, double CpuSeconds);

    /// <summary>A CI-shaped model.json listing every partition (tiny CSV files) of each entity.</summary>
    private static async Task WriteSourceAsync(BlobContainerClient source, int entities, int partitionsEach)
    {
        var model = new StringBuilder("""{ "name": "scale", "version": "1.0", "entities": [""");
        var blobs = new List<string>();
        for (var e = 0; e < entities; e++)
        {
            var name = "Entity" + e.ToString("D4", CultureInfo.InvariantCulture);
            model.Append(e == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $$"""{ "$type": "LocalEntity", "name": "{{name}}", "attributes": [""");
            for (var a = 0; a < Attributes; a++)
            {
                model.Append(a == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $$"""{ "name": "a{{a}}", "dataType": "{{(a == 0 ? "int64" : "string")}}" }""");
            }

            model.Append("""], "partitions": [""");
            for (var p = 0; p < partitionsEach; p++)
            {
                var blob = $"ci/{name}/part-{p:D6}.csv";
                blobs.Add(blob);
                model.Append(p == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $$"""{ "name": "p{{p}}", "location": "{{source.Uri.AbsoluteUri.TrimEnd('/')}}/{{blob}}" }""");
            }

            model.Append("]}");
        }

        model.Append("]}");
        var row = BinaryData.FromString("1,x,x,x,x,x,x,x,x,x\n");
        await Parallel.ForEachAsync(blobs, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (blob, ct) => await source.GetBlobClient(blob).UploadAsync(row, ct));
        await source.GetBlobClient("ci/model.json").UploadAsync(BinaryData.FromString(model.ToString()));
    }

    /// <summary>Counts the requests sent, all under one key; <see cref="PhaseAsync"/> reads the difference per phase.</summary>
    private sealed class RequestCounter(ConcurrentDictionary<string, int> requests) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => requests.AddOrUpdate(AllRequests, 1, (_, n) => n + 1);
    }

    /// <summary>The largest managed heap seen, sampled every 10 ms from a full collection at the start.</summary>
    private sealed class PeakMemory : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _sampler;
        private readonly long _start;
        private long _peak;

        public PeakMemory()
        {
            _start = GC.GetTotalMemory(forceFullCollection: true);
            _sampler = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    InterlockedMax(GC.GetTotalMemory(false));
                    await Task.Delay(10).ConfigureAwait(false);
                }
            });
        }

        public double PeakMiB
        {
            get
            {
                InterlockedMax(GC.GetTotalMemory(false));
                return Math.Max(0, Interlocked.Read(ref _peak) - _start) / (1024.0 * 1024.0);
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _sampler.Wait();
            _stop.Dispose();
        }

        private void InterlockedMax(long value)
        {
            long seen;
            while (value > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, value, seen) != seen)
            {
            }
        }
    }
}

/// <summary>Command-line settings of the <c>scale</c> scenario.</summary>
internal sealed record ScaleSettings
{
    public IReadOnlyList<int> EntityCounts { get; init; } = [10, 100, 1000];

    public IReadOnlyList<int> PartitionCounts { get; init; } = [1000, 10_000, 100_000];

    /// <summary>The delay the storage proxy adds to every request (set by run.ps1; here it names groups and checks).</summary>
    public int? LatencyMilliseconds { get; init; }

    /// <summary>Read and plan only (no land, commit or SQL): the latency pass of --quick.</summary>
    public bool PlanOnly { get; init; }

    /// <summary>Sources of more partitions than this are read and planned only (Azurite copies about 300 a second here).</summary>
    public int? LandUpTo { get; init; } = 10_000;

    public bool Lands(double partitions) => !PlanOnly && (LandUpTo is not { } most || partitions <= most);

    public string LatencyNote => LatencyMilliseconds is { } ms ? $"{ms} ms added to every storage request by the proxy" : "no added latency; Azurite on this machine";

    public string? OutputFile { get; init; }

    /// <summary>How often each size's read and its baselines are repeated (--repeat); plan, land and SQL run once.</summary>
    public int ReadRepeat { get; init; } = 1;

    public static ScaleSettings Parse(IReadOnlyList<string> args)
    {
        var s = args.Contains("--quick") ? new ScaleSettings { EntityCounts = [10, 100], PartitionCounts = [1000, 10_000] } : new ScaleSettings();
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            IReadOnlyList<int> Counts() => Next().Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray();
            s = args[i] switch
            {
                "--quick" => s,
                "--repeat" => s with { ReadRepeat = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--entity-counts" => s with { EntityCounts = Counts() },
                "--partition-counts" => s with { PartitionCounts = Counts() },
                "--out" => s with { OutputFile = Next() },
                "--latency-ms" => s with { LatencyMilliseconds = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--plan-only" => s with { PlanOnly = true },
                "--land-up-to" => s with { LandUpTo = int.Parse(Next(), CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }

        if (s.EntityCounts.Concat(s.PartitionCounts).Any(n => n < 10) || s.PartitionCounts.Any(n => n % 10 != 0))
        {
            throw new ArgumentException("Counts must be at least 10, and partition counts multiples of 10.");
        }

        return s;
    }
}
