using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using global::Azure.Storage.Blobs.Specialized;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

[Collection(AzuriteCollection.Name)]
public sealed class DatabaseLockHolderTests : IDisposable
{
    private readonly LakeScenario _lake;

    public DatabaseLockHolderTests(AzuriteFixture azurite) => _lake = new LakeScenario(azurite);

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task A_refused_run_is_told_who_holds_the_lock_since_when_and_when_it_expires()
    {
        var lockBlob = _lake.Container.GetBlobClient(_lake.Target.LockPath);
        var options = new LandingOptions();
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        await using (await DatabaseLock.AcquireAsync(lockBlob, _lake.Target.Database, options, OperationContext.None, "Ada Lovelace (export 'nightly', run r1)"))
        {
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
}
