using System.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using global::Azure.Storage.Blobs;
using global::Azure.Storage.Blobs.Models;
using global::Azure.Storage.Blobs.Specialized;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

/// <summary>The converted file's upload: blocks staged concurrently but at most N at a time, committed in order, only on completion.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ConcurrentBlockUploadStreamTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly LakeScenario _lake;
    private readonly PutBlockGate _gate = new();
    private readonly BlobContainerClient _container;

    public ConcurrentBlockUploadStreamTests(AzuriteFixture azurite)
    {
        _lake = new LakeScenario(azurite);
        var options = new BlobClientOptions();
        options.AddPolicy(_gate, HttpPipelinePosition.PerCall);
        options.AddPolicy(_lake.Recorder, HttpPipelinePosition.PerRetry);
        _container = new BlobServiceClient(azurite.ConnectionString, options).GetBlobContainerClient(_lake.ContainerName);
    }

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task Blocks_are_staged_while_the_writer_goes_on_but_never_more_than_the_limit_at_once()
    {
        const int limit = 3;
        var data = Data(8 * 1024 + 100);
        var held = new TaskCompletionSource();
        _gate.Hold = _ => held.Task;
        var blob = _container.GetBlockBlobClient("bounded.parquet");

        var upload = Task.Run(async () =>
        {
            await using var stream = Upload(blob, blockSize: 1024, limit);
            for (var offset = 0; offset < data.Length; offset += 300)
            {
                await stream.WriteAsync(data.AsMemory(offset, Math.Min(300, data.Length - offset)));
            }

            await stream.CompleteAsync(CancellationToken.None);
        });
        await WaitUntilAsync(() => _gate.InFlight == limit);
        Assert.False(upload.IsCompleted);
        held.SetResult();
        await upload;

        Assert.Equal(limit, _gate.MostInFlight);
        Assert.Equal(9, _gate.Staged);
        Assert.Equal(data, _lake.Download("bounded.parquet"));
    }

    [Fact]
    public async Task Blocks_that_finish_out_of_order_are_committed_in_the_order_written()
    {
        var data = Data(4 * 1024);
        var firstBlock = Convert.ToBase64String("block-00000000"u8);
        _gate.Hold = id => id == firstBlock ? WaitUntilAsync(() => _gate.Staged >= 3) : Task.CompletedTask;
        var blob = _container.GetBlockBlobClient("ordered.parquet");

        await using (var stream = Upload(blob, blockSize: 1024, maxBlocksInFlight: 4))
        {
            await stream.WriteAsync(data);
            await stream.CompleteAsync(CancellationToken.None);
        }

        Assert.Equal(data, _lake.Download("ordered.parquet"));
        Assert.Equal(ParquetPartitionWriter.ContentType, (await blob.GetPropertiesAsync()).Value.ContentType);
    }

    [Fact]
    public async Task Flush_sends_nothing_so_every_block_but_the_last_is_full()
    {
        var data = Data(1000);
        var blob = _container.GetBlockBlobClient("flushed.parquet");

        await using (var stream = Upload(blob, blockSize: 256, maxBlocksInFlight: 2))
        {
            for (var offset = 0; offset < data.Length; offset += 100)
            {
                await stream.WriteAsync(data.AsMemory(offset, 100));
                await stream.FlushAsync();
                stream.Flush();
            }

            await stream.CompleteAsync(CancellationToken.None);
        }

        var puts = _lake.Recorder.Requests.Where(r => r.Method == "PUT" && r.Path.EndsWith("/flushed.parquet", StringComparison.Ordinal)).ToList();
        Assert.Equal([232L, 256, 256, 256], puts.Where(r => r.Query.Contains("comp=block&", StringComparison.Ordinal)).Select(r => r.RequestLength).Order());
        Assert.Single(puts, r => r.Query.Contains("comp=blocklist", StringComparison.Ordinal));
        Assert.Equal(data, _lake.Download("flushed.parquet"));
    }

    [Fact]
    public async Task A_file_of_at_most_one_block_is_sent_in_one_Put_Blob()
    {
        var data = Data(256);
        var blob = _container.GetBlockBlobClient("small.parquet");

        await using (var stream = Upload(blob, blockSize: 256, maxBlocksInFlight: 2))
        {
            stream.Write(data.AsSpan(0, 100));
            await stream.FlushAsync();
            stream.Write(data.AsSpan(100));
            await stream.CompleteAsync(CancellationToken.None);
        }

        var puts = _lake.Recorder.Requests.Where(r => r.Method == "PUT" && r.Path.EndsWith("/small.parquet", StringComparison.Ordinal)).ToList();
        Assert.Equal([string.Empty], puts.Select(r => r.Query));
        Assert.Equal(data, _lake.Download("small.parquet"));
        Assert.Equal(ParquetPartitionWriter.ContentType, (await blob.GetPropertiesAsync()).Value.ContentType);
    }

    [Fact]
    public async Task An_upload_abandoned_after_blocks_were_staged_leaves_no_blob()
    {
        var blob = _container.GetBlockBlobClient("abandoned.parquet");

        await using (var stream = Upload(blob, blockSize: 256, maxBlocksInFlight: 2))
        {
            await stream.WriteAsync(Data(1000));
            await WaitUntilAsync(() => _gate.Staged == 3);
        }

        Assert.False((await blob.ExistsAsync()).Value);
    }

    [Fact]
    public async Task A_block_that_fails_fails_the_writer_and_nothing_is_committed()
    {
        var secondBlock = Convert.ToBase64String("block-00000001"u8);
        _gate.Hold = id => id == secondBlock ? Task.FromException(new IOException("connection reset")) : Task.CompletedTask;
        var blob = _container.GetBlockBlobClient("failed.parquet");

        var failure = await Assert.ThrowsAsync<IOException>(async () =>
        {
            await using var stream = Upload(blob, blockSize: 256, maxBlocksInFlight: 2);
            await stream.WriteAsync(Data(4000));
            await stream.CompleteAsync(CancellationToken.None);
        });

        Assert.Equal("connection reset", failure.Message);
        Assert.DoesNotContain(_lake.Recorder.Requests, r => r.Query.Contains("comp=blocklist", StringComparison.Ordinal));
        Assert.False((await blob.ExistsAsync()).Value);
    }

    private static ConcurrentBlockUploadStream Upload(BlockBlobClient blob, long blockSize, int maxBlocksInFlight) =>
        new(blob, blockSize, maxBlocksInFlight, new BlobHttpHeaders { ContentType = ParquetPartitionWriter.ContentType }, CancellationToken.None);

    private static byte[] Data(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        return data;
    }

    /// <summary>Polls until the condition holds; fails the test when the deadline passes first.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Deadline, $"the condition did not hold within {Deadline.TotalSeconds:0} s");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    /// <summary>Holds each Put Block (by block id) until <see cref="Hold"/> lets it go; counts those in flight.</summary>
    private sealed class PutBlockGate : HttpPipelinePolicy
    {
        private int _inFlight;
        private int _mostInFlight;
        private int _staged;

        public Func<string, Task> Hold { get; set; } = _ => Task.CompletedTask;

        public int InFlight => Volatile.Read(ref _inFlight);

        public int MostInFlight => Volatile.Read(ref _mostInFlight);

        public int Staged => Volatile.Read(ref _staged);

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var query = System.Web.HttpUtility.ParseQueryString(message.Request.Uri.Query);
            if (query["comp"] != "block")
            {
                await ProcessNextAsync(message, pipeline);
                return;
            }

            var inFlight = Interlocked.Increment(ref _inFlight);
            InterlockedMax(ref _mostInFlight, inFlight);
            try
            {
                await Hold(query["blockid"]!);
                await ProcessNextAsync(message, pipeline);
                Interlocked.Increment(ref _staged);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            var seen = Volatile.Read(ref target);
            while (value > seen && Interlocked.CompareExchange(ref target, value, seen) is var previous && previous != seen)
            {
                seen = previous;
            }
        }
    }
}
