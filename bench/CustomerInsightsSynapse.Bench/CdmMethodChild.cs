using System.Diagnostics;
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
/// The child runs its method once (the warm-up) and prints <c>ready</c>; then, for each <c>run</c> line on its input,
/// runs it once more after a full GC and prints <c>run=</c> and the <see cref="TimedRun"/> as JSON. It ends when its
/// input closes.
/// </summary>
internal sealed class CdmMethodChild : IAsyncDisposable
{
    /// <summary>The reads at once of the baseline for blob sources: the reader's own read-ahead of entity documents.</summary>
    public const int BlobReadsAtOnce = 16;

    private const string Ready = "ready";
    private const string RunMarker = "run=";

    private readonly Process _process;
    private readonly Task<string> _stderr;

    private CdmMethodChild(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Starts a child for <paramref name="method"/> (<c>reader</c> or <c>parse</c>) and returns when its warm-up has run.</summary>
    public static async Task<CdmMethodChild> StartAsync(string method, string source, string documentsFile)
    {
        var child = new CdmMethodChild(BenchChild.Start(["cdm-child", method, source, documentsFile], redirectInput: true));
        await child.ReadAsync(Ready);
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
        await run();
        Console.WriteLine(Ready);
        while (await Console.In.ReadLineAsync() == "run")
        {
            Console.WriteLine(RunMarker + JsonSerializer.Serialize(await TimedRun.MeasureAsync(run)));
        }

        return 0;
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
