using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using global::Azure.Storage.Blobs.Specialized;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

[Collection(AzuriteCollection.Name)]
public sealed class DatabaseLockHolderTests : IDisposable
{
    private readonly LakeScenario _lake;

    private readonly AzuriteFixture _azurite;

    public DatabaseLockHolderTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
        _lake = new LakeScenario(azurite);
    }

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task A_refused_run_is_told_who_holds_the_lock_since_when_and_when_it_expires()
    {
        var lockBlob = _lake.Container.GetBlobClient(_lake.Target.LockPath);
        var options = new LandingOptions();
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        await using (var held = await DatabaseLock.AcquireAsync(lockBlob, _lake.Target.Database, options, OperationContext.None, "Ada Lovelace (export 'nightly', run r1)"))
        {
            await held.HolderRecorded;
            var ex = await Assert.ThrowsAsync<CISynapseException>(() => DatabaseLock.AcquireAsync(lockBlob, _lake.Target.Database, options, OperationContext.None, "Someone else"));

            Assert.Equal(ErrorIds.ExportRunInProgress, ex.ErrorId);
            Assert.Contains("held by Ada Lovelace (export 'nightly', run r1) since ", ex.Message);
            var since = DateTimeOffset.Parse(ex.Message.Split(" since ")[1][..19] + "Z", System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(since, before, DateTimeOffset.UtcNow.AddSeconds(5));
            Assert.Contains($"expires by ", ex.Message);
            Assert.Contains($"({options.LockDuration.TotalSeconds:0}-second lease)", ex.Message);
            Assert.False(string.IsNullOrEmpty(ex.RecommendedAction));
        }
    }

    [Fact]
    public async Task The_holder_is_recorded_while_model_json_is_read_and_before_anything_lands()
    {
        var overlap = new RequestOverlap(
            r => r.Method == global::Azure.Core.RequestMethod.Put && r.Uri.Path.EndsWith("/SalesDb/_lock", StringComparison.Ordinal) && r.Uri.Query.Contains("comp=metadata", StringComparison.Ordinal),
            r => r.Method == global::Azure.Core.RequestMethod.Get && r.Uri.Path.EndsWith("/SalesDb/model.json", StringComparison.Ordinal));
        using var lake = new LakeScenario(_azurite, overlap);
        var source = lake.NewFolder();

        var result = await lake.Lander().LandAsync(lake.Target, [LakeScenario.LocalEntity(source, "Customer", 1, 5, "v")], OperationContext.None);

        Assert.True(overlap.FirstSeen && overlap.SecondSeen, "the holder was not recorded or model.json not read");
        Assert.True(overlap.Overlapped, "recording the lock's holder and reading model.json went one after the other");
        Assert.Equal("Customer", Assert.Single(result.Entities).Entity);
        var writes = lake.Recorder.Requests.Where(r => r.IsWrite).ToList();
        var holderWritten = writes.FindIndex(r => r.Path.EndsWith("/SalesDb/_lock", StringComparison.Ordinal) && r.Query.Contains("comp=metadata", StringComparison.Ordinal));
        var firstData = writes.FindIndex(r => r.Path.Contains("/SalesDb/Customer/", StringComparison.Ordinal));
        Assert.InRange(holderWritten, 0, firstData - 1);
    }

    [Fact]
    public async Task The_lock_blob_is_asked_for_while_the_lease_is_and_a_later_run_is_refused_only_the_blob()
    {
        static bool IsLock(global::Azure.Core.Request r) => r.Method == global::Azure.Core.RequestMethod.Put && r.Uri.Path.EndsWith("/SalesDb/_lock", StringComparison.Ordinal);
        var overlap = new RequestOverlap(
            r => IsLock(r) && !r.Uri.Query.Contains("comp=", StringComparison.Ordinal),
            r => IsLock(r) && r.Uri.Query.Contains("comp=lease", StringComparison.Ordinal) && r.Headers.TryGetValue("x-ms-lease-action", out var action) && action == "acquire");
        using var lake = new LakeScenario(_azurite, overlap);
        var source = lake.NewFolder();
        var entity = LakeScenario.LocalEntity(source, "Customer", 1, 5, "v");

        var first = await lake.Lander().LandAsync(lake.Target, [entity], OperationContext.None);

        Assert.True(overlap.FirstSeen && overlap.SecondSeen, "the lock blob was not made or its lease not asked for");
        Assert.True(overlap.Overlapped, "the lock blob was made only after the lease was refused");
        Assert.Equal(LandingAction.Landed, Assert.Single(first.Entities).Action);

        lake.Recorder.Clear();
        var changed = LakeScenario.LocalEntity(source, "Customer", 1, 5, "w");
        var second = await lake.Lander().LandAsync(lake.Target, [changed], OperationContext.None);

        Assert.Equal(LandingAction.Landed, Assert.Single(second.Entities).Action);
        var made = Assert.Single(lake.Recorder.Requests, r => r.Method == "PUT" && r.Path.EndsWith("/SalesDb/_lock", StringComparison.Ordinal) && r.Query.Length == 0);
        Assert.Equal(409, made.Status);
        var lockProperties = (await lake.Container.GetBlobClient(lake.Target.LockPath).GetPropertiesAsync()).Value;
        Assert.Equal(global::Azure.Storage.Blobs.Models.LeaseState.Available, lockProperties.LeaseState);
        Assert.Contains("holder", lockProperties.Metadata.Keys);
    }

    [Fact]
    public async Task A_holder_write_that_fails_without_an_answer_loses_only_the_names_and_the_lock_is_released()
    {
        var dropper = new HolderWriteDropper();
        using var lake = new LakeScenario(_azurite, dropper);
        var source = lake.NewFolder();

        var result = await lake.Lander().LandAsync(lake.Target, [LakeScenario.LocalEntity(source, "Customer", 1, 5, "v")], OperationContext.None);

        Assert.True(dropper.Dropped >= 1, "the holder write was never sent");
        Assert.Equal(LandingAction.Landed, Assert.Single(result.Entities).Action);
        var lockProperties = (await lake.Container.GetBlobClient(lake.Target.LockPath).GetPropertiesAsync()).Value;
        Assert.Equal(global::Azure.Storage.Blobs.Models.LeaseState.Available, lockProperties.LeaseState);
        Assert.Empty(lockProperties.Metadata);
    }

    [Fact]
    public async Task A_lock_whose_holder_recorded_nothing_is_still_reported_with_its_expiry()
    {
        var lockBlob = _lake.Container.GetBlobClient(_lake.Target.LockPath);
        await lockBlob.UploadAsync(BinaryData.Empty);
        await lockBlob.GetBlobLeaseClient().AcquireAsync(TimeSpan.FromSeconds(15));

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => DatabaseLock.AcquireAsync(lockBlob, _lake.Target.Database, new LandingOptions(), OperationContext.None, "Someone else"));

        Assert.Equal(ErrorIds.ExportRunInProgress, ex.ErrorId);
        Assert.Contains("held by a run that did not record its name.", ex.Message);
        Assert.Contains("expires by ", ex.Message);
    }

    /// <summary>Fails every write of the lock's holder with an exception that is not an answer of the service.</summary>
    private sealed class HolderWriteDropper : global::Azure.Core.Pipeline.HttpPipelinePolicy
    {
        private int _dropped;

        public int Dropped => Volatile.Read(ref _dropped);

        public override void Process(global::Azure.Core.HttpMessage message, ReadOnlyMemory<global::Azure.Core.Pipeline.HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override ValueTask ProcessAsync(global::Azure.Core.HttpMessage message, ReadOnlyMemory<global::Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            if (message.Request.Method == global::Azure.Core.RequestMethod.Put && message.Request.Uri.Query.Contains("comp=metadata", StringComparison.Ordinal)
                && message.Request.Uri.Path.EndsWith("/_lock", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _dropped);
                throw new IOException("The connection was dropped (test).");
            }

            return ProcessNextAsync(message, pipeline);
        }
    }
}
