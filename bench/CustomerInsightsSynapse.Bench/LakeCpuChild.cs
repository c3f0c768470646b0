using System.Diagnostics;
using System.Globalization;
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
/// <c>lake-cpu lander|sdk|width-check [--files N] [--size MiB] [--warm-up N] [--rounds N] [--delay-ms MS] [--ready-file path]</c>:
/// one method alone in this process, landing the lake scenario's small files over and over (the lander, or the plain
/// SDK's parallel upload with the same limits) into the Azurite named by the environment, or running the width check
/// over one of them in memory; prints the process's CPU per file over the timed rounds. A process per method, so that
/// a profiler attached to it (<c>perf record -p</c>, once the ready file names the process) sees only that method.
/// <c>--delay-ms</c> waits that long in the client before every request (a pipeline policy: its timers cost both
/// methods alike). Not part of <c>run.ps1</c>; how it was used: bench/README.md.
/// </summary>
internal static class LakeCpuChild
{
    private const long MiB = 1024 * 1024;

    /// <summary>Checks of the whole file per round of <c>width-check</c>.</summary>
    private const int WidthCheckPasses = 100;

    public static async Task<int> MainAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("lander" or "sdk" or "width-check"))
        {
            Console.Error.WriteLine("usage: CustomerInsightsSynapse.Bench lake-cpu lander|sdk|width-check [--files N] [--size MiB] [--warm-up N] [--rounds N] [--delay-ms MS] [--ready-file path]");
            return 2;
        }

        var method = args[0];
        var (files, size, warmUp, rounds, delay, readyFile) = (200, 1.0, 3, 15, 0, (string?)null);
        for (var i = 1; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--files": files = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--size": size = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--warm-up": warmUp = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--delay-ms": delay = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--ready-file": readyFile = value; break;
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }

            i++;
        }

        var folder = Directory.CreateTempSubdirectory("cisynapse-lake-cpu-").FullName;
        try
        {
            var entity = LakeBench.CreateFiles(folder, "Small", method == "width-check" ? 1 : files, (long)(size * MiB), "\n", checkWidths: true);
            Func<Task> round = method == "width-check" ? WidthCheckRound(entity) : await LandingRoundAsync(method, entity, delay);
            for (var i = 0; i < warmUp; i++)
            {
                await round();
            }

            if (readyFile is not null)
            {
                await File.WriteAllTextAsync(readyFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            }

            var (cpu, clock) = (Environment.CpuUsage.TotalTime, Stopwatch.StartNew());
            for (var i = 0; i < rounds; i++)
            {
                await round();
            }

            var cpuMs = (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds;
            var perFile = method == "width-check" ? cpuMs / rounds / WidthCheckPasses : cpuMs / rounds / files;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{method}: {rounds} rounds in {clock.Elapsed.TotalSeconds:F2} s, {cpuMs:F0} ms CPU, {perFile:F3} ms per {(method == "width-check" ? $"{size} MiB file" : "file")}"));
            return 0;
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    private static Func<Task> WidthCheckRound(CdmEntity entity)
    {
        var bytes = File.ReadAllBytes(entity.Partitions[0].Location);
        return () =>
        {
            for (var pass = 0; pass < WidthCheckPasses; pass++)
            {
                var check = Utf8ColumnWidthCheck.For(entity, entity.Partitions[0])!;
                for (var at = 0; at < bytes.Length; at += 81920)
                {
                    check.Append(bytes.AsSpan(at, Math.Min(81920, bytes.Length - at)));
                }

                if (check.Complete() is { } violation)
                {
                    throw new InvalidOperationException($"The bench's rows broke the check: {violation}.");
                }
            }

            return Task.CompletedTask;
        };
    }

    private static async Task<Func<Task>> LandingRoundAsync(string method, CdmEntity entity, int delay)
    {
        var options = BlobClientFactory.DefaultOptions();
        if (delay > 0)
        {
            options.AddPolicy(new DelayPolicy(TimeSpan.FromMilliseconds(delay)), HttpPipelinePosition.PerRetry);
        }

        var service = new BlobServiceClient(AzuriteAccount.ConnectionString(), options);
        var factory = new BlobClientFactory(new StorageSharedKeyCredential(AzuriteAccount.AccountName, AzuriteAccount.AccountKey), options);
        var landing = new LandingOptions();
        var transfer = new StorageTransferOptions { InitialTransferSize = landing.BlockSize, MaximumTransferSize = landing.BlockSize, MaximumConcurrency = landing.MaxParallelBlocks };
        var lander = new LakeLander(factory, landing);

        // Each round lands into a container of its own, deleted after it (as in the lake scenario): a first landing every time.
        return async () =>
        {
            var container = service.GetBlobContainerClient($"lake-cpu-{Guid.NewGuid():N}");
            await container.CreateAsync();
            if (method == "lander")
            {
                LakeBench.Landed(await lander.LandAsync(new LakeTarget(BlobLocation.Parse(container.Uri.AbsoluteUri), "BenchDb"), [entity], OperationContext.None), LandingAction.Landed);
            }
            else
            {
                await Parallel.ForEachAsync(
                    entity.Partitions,
                    new ParallelOptions { MaxDegreeOfParallelism = landing.MaxParallelFiles },
                    async (p, ct) => await container.GetBlobClient("BenchDb/" + Path.GetFileName(p.Location)).UploadAsync(p.Location, new BlobUploadOptions { TransferOptions = transfer }, ct));
            }

            await container.DeleteAsync();
        };
    }

    private sealed class DelayPolicy(TimeSpan delay) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("The bench sends every request asynchronously.");

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await Task.Delay(delay, message.CancellationToken);
            await ProcessNextAsync(message, pipeline);
        }
    }
}
