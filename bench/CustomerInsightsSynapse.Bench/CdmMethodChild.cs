using System.Diagnostics;
using System.Runtime;
using System.Text.Json;
using Azure.Storage;
using Azure.Storage.Blobs;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Testing;

namespace CustomerInsightsSynapse.Bench;

/// <summary>
/// One method of the <c>cdm</c> scenario in a process of its own, so that no method runs with the collector tuned by
/// the other's runs: the parent starts this program again with <c>cdm-child reader|parse &lt;source&gt; &lt;documents
/// file&gt;</c> (a folder path or a container URL, and a file of the JSON documents' paths or blob names, one a line).
/// The child warms its method up (<see cref="WarmUp"/>) and prints <c>ready=</c> and the warm-up as JSON; then, for each
/// <c>run</c> line on its input, runs it once more after a full GC and prints <c>run=</c> and the <see cref="TimedRun"/>
/// as JSON. It ends when its input closes.
/// </summary>
internal sealed class CdmMethodChild : IAsyncDisposable
{
    /// <summary>The reads at once of the baseline for blob sources: the reader's own read-ahead of entity documents.</summary>
    public const int BlobReadsAtOnce = 16;

    private const string Ready = "ready=";

    /// <summary>The most warm-up runs: a method whose runs keep compiling is timed after these anyway.</summary>
    private const int MaxWarmUpRuns = 40;

    /// <summary>The JIT's share of a warm-up run's time under which the run counts as quiet.</summary>
    private const double QuietJitShare = 0.01;

    /// <summary>Quiet warm-up runs in a row before the timed runs begin.</summary>
    private const int QuietRunsWanted = 2;

    private const string RunMarker = "run=";

    private readonly Process _process;
    private readonly Task<string> _stderr;

    private CdmMethodChild(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>What the child's warm-up gave.</summary>
    public WarmUp WarmedUp { get; private set; } = null!;

    /// <summary>Starts a child for <paramref name="method"/> (<c>reader</c> or <c>parse</c>) and returns when its warm-up has run.</summary>
    public static async Task<CdmMethodChild> StartAsync(string method, string source, string documentsFile)
    {
        var child = new CdmMethodChild(BenchChild.Start(["cdm-child", method, source, documentsFile], redirectInput: true));
        child.WarmedUp = JsonSerializer.Deserialize<WarmUp>(await child.ReadAsync(Ready))!;
        return child;
    }

    public async Task<TimedRun> RunAsync()
    {
        await _process.StandardInput.WriteLineAsync("run");
        await _process.StandardInput.FlushAsync();
        return JsonSerializer.Deserialize<TimedRun>(await ReadAsync(RunMarker))!;
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private async Task<string> ReadAsync(string marker)
    {
        var line = await _process.StandardOutput.ReadLineAsync();
        if (line is null || !line.StartsWith(marker, StringComparison.Ordinal))
        {
            await _process.WaitForExitAsync();
            throw new InvalidOperationException($"The cdm child printed no {marker} (exit {_process.ExitCode}): {line} {await _stderr}");
        }

        return line[marker.Length..];
    }

    public static async Task<int> MainAsync(IReadOnlyList<string> args)
    {
        var run = Method(args[0], args[1], File.ReadAllLines(args[2]));
        Console.WriteLine(Ready + JsonSerializer.Serialize(await WarmUpAsync(run)));
        while (await Console.In.ReadLineAsync() == "run")
        {
            Console.WriteLine(RunMarker + JsonSerializer.Serialize(await TimedRun.MeasureAsync(run)));
        }

        return 0;
    }

    /// <summary>
    /// Runs the method until the JIT has settled: tiered compilation runs a method's first calls unoptimized and
    /// recompiles the hot ones in the background, after a count of calls and a delay, so the runs after one warm-up
    /// still ran partly unoptimized code (the reader's first 4 of 9 runs took 2 to 4 times as long as the rest, with
    /// hundreds of its methods compiled at tier 1 during them) and the median fell on either side of that edge. The
    /// timed runs begin after <see cref="QuietRunsWanted"/> runs in a row that spent under <see cref="QuietJitShare"/>
    /// of their time compiling (methods called once a read reach tier 1 only after 30 reads, so "none compiled" never
    /// comes within a bench's patience, but they cost little).
    /// </summary>
    private static async Task<WarmUp> WarmUpAsync(Func<Task<ReadCounts>> run)
    {
        var watch = Stopwatch.StartNew();
        await run();
        var first = watch.Elapsed.TotalSeconds;
        var (runs, quiet) = (1, 0);
        while (quiet < QuietRunsWanted && runs < MaxWarmUpRuns)
        {
            var compiling = JitInfo.GetCompilationTime();
            watch.Restart();
            await run();
            runs++;
            quiet = (JitInfo.GetCompilationTime() - compiling).TotalSeconds < QuietJitShare * watch.Elapsed.TotalSeconds ? quiet + 1 : 0;
        }

        return new WarmUp(first, runs, quiet >= QuietRunsWanted);
    }

    private static Func<Task<ReadCounts>> Method(string method, string source, IReadOnlyList<string> documents)
    {
        var blob = Uri.TryCreate(source, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
        var options = BlobClientFactory.DefaultOptions();
        var credential = new StorageSharedKeyCredential(AzuriteAccount.AccountName, AzuriteAccount.AccountKey);
        switch (method)
        {
            case "reader":
                var reader = blob ? new CdmFolderReader(new BlobClientFactory(credential, options)) : new CdmFolderReader();
                return async () =>
                {
                    var read = await reader.ReadAsync(source, OperationContext.None);
                    return new ReadCounts(read.Entities.Count, read.Entities.Sum(e => e.Attributes.Count));
                };
            case "parse" when blob:
                // Every document downloaded, as many at once as the reader reads ahead, and parsed.
                var container = new BlobContainerClient(uri, credential, options);
                return async () =>
                {
                    await Parallel.ForEachAsync(documents, new ParallelOptions { MaxDegreeOfParallelism = BlobReadsAtOnce }, async (name, token) =>
                    {
                        var content = await container.GetBlobClient(name).DownloadContentAsync(token);
                        using var parsed = JsonDocument.Parse(content.Value.Content.ToMemory());
                    });
                    return default;
                };
            case "parse":
                // Reads and parses each document (what any reader must do at least); the CDM reader also stats each
                // partition file and builds the entity model.
                return () =>
                {
                    foreach (var document in documents)
                    {
                        using var parsed = JsonDocument.Parse(File.ReadAllBytes(document));
                    }

                    return Task.FromResult<ReadCounts>(default);
                };
            default:
                throw new ArgumentException($"Unknown cdm-child method {method}.");
        }
    }
}

/// <summary>
/// A child's warm-up: the seconds of its first run in the fresh process (JIT compilation included, as a script's first
/// read meets it with IL-only assemblies), its runs, and whether the JIT settled before the last.
/// </summary>
internal sealed record WarmUp(double FirstRunSeconds, int Runs, bool Settled);

/// <summary>The entities and attributes a method's run returned (none for the parse).</summary>
internal readonly record struct ReadCounts(int Entities, int Attributes);

/// <summary>
/// One timed run, started after a full GC: its seconds, its process's CPU seconds (every thread), the seconds the
/// collector paused the process, the bytes allocated, the collections of each generation and what it read.
/// </summary>
internal sealed record TimedRun(double Seconds, double CpuSeconds, double PauseSeconds, long AllocatedBytes, int[] Collections, ReadCounts Read)
{
    public static async Task<TimedRun> MeasureAsync(Func<Task<ReadCounts>> run)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var collections = Enumerable.Range(0, 3).Select(GC.CollectionCount).ToArray();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var paused = GC.GetTotalPauseDuration();
        var watch = Stopwatch.StartNew();
        var read = await run();
        var seconds = watch.Elapsed.TotalSeconds;
        return new TimedRun(
            seconds,
            (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds,
            (GC.GetTotalPauseDuration() - paused).TotalSeconds,
            GC.GetTotalAllocatedBytes(precise: true) - allocated,
            Enumerable.Range(0, 3).Select(g => GC.CollectionCount(g) - collections[g]).ToArray(),
            read);
    }
}
