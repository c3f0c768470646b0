using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using global::Azure.Storage;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

/// <summary>
/// The clean-up after a commit (issue 22's cold start): each entity's snapshot folders are listed several at a time,
/// so that a run over many entities, with nothing to delete, spends a few round trips and not one per entity; a run
/// that lands lists them while its files land, and when nothing is to be deleted, records so with its commit.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PruneListingTests(AzuriteFixture azurite) : IDisposable
{
    private const int Entities = 12;

    private readonly LakeScenario _lake = new(azurite);

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task Entity_listings_overlap_and_every_entity_loses_exactly_its_snapshots_older_than_the_previous_one()
    {
        var overlap = new ListingOverlap(wanted: 4);
        var factory = FactoryWith(overlap);
        var source = _lake.NewFolder();
        var clock = new Export.ManualClock(DateTimeOffset.UtcNow);
        var snapshots = new List<string>();
        LandingResult last = null!;
        for (var run = 0; run < 3; run++)
        {
            var entities = Enumerable.Range(0, Entities).Select(i => LakeScenario.LocalEntity(source, $"Entity{i:D2}", 1, 5 + run, new string('v', run + 1))).ToList();
            clock.Advance(SnapshotGarbage.LongestLease * 2);
            overlap.Watching = run == 2;
            last = await new LakeLander(factory, new LandingOptions { Clock = clock }).LandAsync(_lake.Target, entities, OperationContext.None);
            snapshots.Add(last.SnapshotId);
        }

        Assert.True(overlap.MaxInFlight >= 4, $"at most {overlap.MaxInFlight} snapshot listings were in flight at once");
        Assert.Equal(Entities, overlap.Listings);
        Assert.Equal(Enumerable.Range(0, Entities).Select(i => $"SalesDb/Entity{i:D2}/{snapshots[0]}"), last.DeletedSnapshots);
        var left = _lake.BlobNames().Where(n => n.StartsWith("SalesDb/Entity", StringComparison.Ordinal)).Select(n => string.Join('/', n.Split('/')[1..3])).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(Enumerable.Range(0, Entities).SelectMany(i => snapshots.Skip(1).Select(s => $"Entity{i:D2}/{s}")).Order(StringComparer.Ordinal), left);
    }

    [Fact]
    public async Task Every_entity_listing_is_in_flight_at_once_even_when_files_land_two_at_a_time()
    {
        var overlap = new ListingOverlap(wanted: Entities);
        var factory = FactoryWith(overlap);
        var source = _lake.NewFolder();
        var clock = new Export.ManualClock(DateTimeOffset.UtcNow);
        var options = new LandingOptions { Clock = clock, MaxParallelFiles = 2 };
        for (var run = 0; run < 2; run++)
        {
            var entities = Enumerable.Range(0, Entities).Select(i => LakeScenario.LocalEntity(source, $"Entity{i:D2}", 1, 5 + run, new string('v', run + 1))).ToList();
            clock.Advance(SnapshotGarbage.LongestLease * 2);
            overlap.Watching = run == 1;
            await new LakeLander(factory, options).LandAsync(_lake.Target, entities, OperationContext.None);
        }

        Assert.Equal(Entities, overlap.Listings);
        Assert.True(overlap.MaxInFlight == Entities, $"at most {overlap.MaxInFlight} of {Entities} snapshot listings were in flight at once: the clean-up took more than one round trip");
    }

    [Fact]
    public async Task The_snapshot_folders_are_listed_while_the_files_land()
    {
        var overlap = new RequestOverlap(
            r => r.Method == RequestMethod.Put && r.Uri.Path.Contains("/SalesDb/Customer/", StringComparison.Ordinal) && r.Uri.Path.EndsWith(".csv", StringComparison.Ordinal),
            r => r.Method == RequestMethod.Get && r.Uri.Query.Contains("comp=list", StringComparison.Ordinal) && Uri.UnescapeDataString(r.Uri.Query).Contains("prefix=SalesDb/Customer/", StringComparison.Ordinal));
        using var lake = new LakeScenario(azurite, overlap);

        var result = await lake.Lander().LandAsync(lake.Target, [LakeScenario.LocalEntity(lake.NewFolder(), "Customer", 1, 5)], OperationContext.None);

        Assert.True(result.ModelCommitted);
        Assert.True(overlap.FirstSeen && overlap.SecondSeen, "no file of the entity landed or its folders were not listed");
        Assert.True(overlap.Overlapped, "the entity's folders were not listed while its files landed");
    }

    [Fact]
    public async Task A_landing_that_leaves_the_clean_up_nothing_to_delete_records_it_with_the_commit_and_sends_only_the_release_after_it()
    {
        var clock = new Export.ManualClock(DateTimeOffset.UtcNow);
        var options = new LandingOptions { Clock = clock };
        var entities = Enumerable.Range(0, 3).Select(i => LakeScenario.LocalEntity(_lake.NewFolder(), $"Entity{i}", 2, 5)).ToList();

        var first = await _lake.Lander(options).LandAsync(_lake.Target, entities, OperationContext.None);

        Assert.True(first.ModelCommitted);
        var requests = _lake.Recorder.Requests;
        var commit = requests.ToList().FindLastIndex(r => r.Method == "PUT" && r.Path.EndsWith("/SalesDb/model.json", StringComparison.Ordinal) && r.Query.Length == 0);
        Assert.True(commit >= 0, "model.json was not written");
        var after = requests.Skip(commit + 1).ToList();
        Assert.True(
            after is [{ Method: "PUT", Query: "?comp=lease" } release] && release.Path.EndsWith("/SalesDb/_lock", StringComparison.Ordinal),
            "after the commit: " + string.Join(", ", after.Select(r => $"{r.Method} {r.Path}{r.Query}")));
        var metadata = _lake.Container.GetBlobClient("SalesDb/model.json").GetProperties().Value.Metadata;
        Assert.True(metadata.ContainsKey(LakeModel.PruneFromMetadata), "the commit did not record when the next clean-up can find something");

        _lake.Recorder.Clear();
        var unchanged = await _lake.Lander(options).LandAsync(_lake.Target, entities, OperationContext.None);
        Assert.All(unchanged.Entities, e => Assert.Equal(LandingAction.Unchanged, e.Action));
        Assert.DoesNotContain(_lake.Recorder.Requests, r => r.Query.Contains("comp=list", StringComparison.Ordinal));
    }

    private BlobClientFactory FactoryWith(HttpPipelinePolicy policy)
    {
        var parts = azurite.ConnectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        var options = BlobClientFactory.DefaultOptions();
        options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        return new BlobClientFactory(new StorageSharedKeyCredential(parts["AccountName"], parts["AccountKey"]), options);
    }

    /// <summary>
    /// Holds each listing of an entity's snapshot folders until <c>wanted</c> of them are in flight together, or one
    /// of them waited 10 s (then lets every listing through at once), and counts the most that were in flight.
    /// </summary>
    private sealed class ListingOverlap(int wanted) : HttpPipelinePolicy
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inFlight;
        private int _maxInFlight;
        private int _listings;

        public bool Watching { get; set; }

        public int MaxInFlight => Volatile.Read(ref _maxInFlight);

        public int Listings => Volatile.Read(ref _listings);

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => ProcessNext(message, pipeline);

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (!Watching || !IsEntitySnapshotListing(message.Request.Uri.ToUri()))
            {
                await ProcessNextAsync(message, pipeline);
                return;
            }

            Interlocked.Increment(ref _listings);
            var now = Interlocked.Increment(ref _inFlight);
            for (var max = MaxInFlight; now > max && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max; max = MaxInFlight)
            {
            }

            if (now >= wanted)
            {
                _reached.TrySetResult();
            }

            try
            {
                if (await Task.WhenAny(_reached.Task, Task.Delay(TimeSpan.FromSeconds(10))) != _reached.Task)
                {
                    _reached.TrySetResult();
                }

                await ProcessNextAsync(message, pipeline);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        private static bool IsEntitySnapshotListing(Uri uri)
        {
            var query = Uri.UnescapeDataString(uri.Query);
            return query.Contains("comp=list", StringComparison.Ordinal) && query.Contains("delimiter=/", StringComparison.Ordinal)
                && query.Contains("prefix=SalesDb/Entity", StringComparison.Ordinal);
        }
    }
}
