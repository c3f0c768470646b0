using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

/// <summary>
/// How many partitions land at once (issue 22): a blob source's partitions are copied by the storage service, so many
/// of them are in flight together (<see cref="LandingOptions.MaxParallelCopies"/>), while files uploaded through the
/// process stay at <see cref="LandingOptions.MaxParallelFiles"/> (the bound on its upload buffers) in the same landing.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ServerSideCopyConcurrencyTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Blob_partitions_are_copied_many_at_once_while_uploads_stay_at_their_own_limit()
    {
        // Each copy request is held until 6 are in flight, each upload until 3 are: once a count is reached, or its deadline
        // passed, that kind is no longer held (only 2 uploads at once, so they wait for their deadline).
        var gate = new InFlightGate(new(6, TimeSpan.FromSeconds(30)), new(3, TimeSpan.FromSeconds(3)));
        using var lake = new LakeScenario(azurite, gate);
        var source = lake.Other("cdm");
        var partitions = new List<CdmPartition>();
        for (var i = 0; i < 18; i++)
        {
            await source.UploadBlobAsync($"Contact/part-{i:D2}.csv", BinaryData.FromString(LakeScenario.Csv("Contact", i, 3, "v1")));
            partitions.Add(new CdmPartition($"{lake.Endpoint}/{source.Name}/Contact/part-{i:D2}.csv", PartitionFormat.Csv, CsvFormat.Default));
        }

        var copied = new CdmEntity("Contact", LakeScenario.Attributes("Id", "Name", "City"), partitions);
        var uploaded = LakeScenario.LocalEntity(lake.NewFolder(), "Local", partitions: 6, rowsPerPartition: 3);

        var result = await lake.Lander(new LandingOptions { MaxParallelFiles = 2, MaxParallelCopies = 6 }).LandAsync(lake.Target, [copied, uploaded], OperationContext.None);

        Assert.All(result.Entities, e => Assert.True(e.Action == LandingAction.Landed, e.Error?.Message));
        Assert.Equal(6, gate.MostCopiesInFlight);
        Assert.Equal(2, gate.MostUploadsInFlight);
    }

    /// <summary>Counts the copy requests (they name a copy source) and the uploads of a local file's data in flight at once.</summary>
    private sealed class InFlightGate(InFlightGate.Counter copies, InFlightGate.Counter uploads) : HttpPipelinePolicy
    {
        public int MostCopiesInFlight => copies.Most;

        public int MostUploadsInFlight => uploads.Most;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => ProcessNext(message, pipeline);

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var request = message.Request;
            var counter = request.Method != RequestMethod.Put || !request.Uri.Path.EndsWith(".csv", StringComparison.Ordinal) ? null
                : request.Headers.Contains("x-ms-copy-source") ? copies
                : request.Uri.Path.Contains("/SalesDb/Local/", StringComparison.Ordinal) ? uploads
                : null;
            if (counter is null)
            {
                await ProcessNextAsync(message, pipeline);
                return;
            }

            await counter.EnterAsync();
            try
            {
                await ProcessNextAsync(message, pipeline);
            }
            finally
            {
                counter.Leave();
            }
        }

        /// <summary>Requests of one kind in flight; each is held until <paramref name="toWaitFor"/> were at once, or <paramref name="deadline"/> from the first.</summary>
        public sealed class Counter(int toWaitFor, TimeSpan deadline)
        {
            private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
            private readonly Lazy<Task> _deadline = new(() => Task.Delay(deadline));
            private int _inFlight;
            private int _most;

            public int Most => Volatile.Read(ref _most);

            public async Task EnterAsync()
            {
                var now = Interlocked.Increment(ref _inFlight);
                for (var most = Volatile.Read(ref _most); now > most && Interlocked.CompareExchange(ref _most, now, most) != most; most = Volatile.Read(ref _most))
                {
                }

                if (now >= toWaitFor)
                {
                    _reached.TrySetResult();
                }

                await Task.WhenAny(_reached.Task, _deadline.Value);
            }

            public void Leave() => Interlocked.Decrement(ref _inFlight);
        }
    }
}
