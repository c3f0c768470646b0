using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Tests.Export;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

/// <summary>Snapshot folders left by killed runs are deleted by the next successful run, changed entity or not.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SnapshotGarbageTests(AzuriteFixture azurite) : IDisposable
{
    private readonly LakeScenario _lake = new(azurite);

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task SuccessfulRun_DeletesUnreferencedSnapshotsOlderThanTheLongestLease_OfEveryEntityItViews()
    {
        var source = _lake.NewFolder();
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var options = new LandingOptions { Clock = clock };
        var contact = LakeScenario.LocalEntity(source, "Contact", 1, 5);
        var orders = LakeScenario.LocalEntity(source, "Orders", 1, 5);
        var first = await _lake.Lander(options).LandAsync(_lake.Target, [contact, orders], OperationContext.None);

        // Killed runs' folders: two old enough to be garbage, one that a run could still be landing into.
        clock.Advance(TimeSpan.FromMinutes(10));
        var killedLongAgo = new[] { SnapshotId.New(clock.GetUtcNow() - TimeSpan.FromMinutes(5)), SnapshotId.New(clock.GetUtcNow() - TimeSpan.FromMinutes(3)) };
        var killedJustNow = SnapshotId.New(clock.GetUtcNow() - TimeSpan.FromSeconds(10));
        foreach (var entity in new[] { "Contact", "Orders" })
        {
            foreach (var snapshot in killedLongAgo.Append(killedJustNow))
            {
                await _lake.Container.UploadBlobAsync($"SalesDb/{entity}/{snapshot}/part-0000.csv", BinaryData.FromString("killed"));
            }
        }

        contact = LakeScenario.LocalEntity(source, "Contact", 1, 7, "v2");
        var second = await _lake.Lander(options).LandSwitchingViewsAsync(_lake.Target, [contact, orders], OperationContext.None, (_, _, _) => Task.FromResult(true));

        Assert.Equal(LandingAction.Landed, second.Entities.Single(e => e.Entity == "Contact").Action);
        Assert.Equal(LandingAction.Unchanged, second.Entities.Single(e => e.Entity == "Orders").Action);
        Assert.Equal(new[] { first.SnapshotId, killedJustNow, second.SnapshotId }.Order(StringComparer.Ordinal), Snapshots("Contact"));
        Assert.Equal(new[] { first.SnapshotId, killedJustNow }.Order(StringComparer.Ordinal), Snapshots("Orders"));
        Assert.Equal(4, second.DeletedSnapshots.Count);
    }

    [Fact]
    public async Task RunWhoseViewsDidNotMove_DeletesNothing()
    {
        var source = _lake.NewFolder();
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var options = new LandingOptions { Clock = clock };
        var contact = LakeScenario.LocalEntity(source, "Contact", 1, 5);
        await _lake.Lander(options).LandAsync(_lake.Target, [contact], OperationContext.None);
        clock.Advance(TimeSpan.FromMinutes(10));
        var killed = SnapshotId.New(clock.GetUtcNow() - TimeSpan.FromMinutes(5));
        await _lake.Container.UploadBlobAsync($"SalesDb/Contact/{killed}/part-0000.csv", BinaryData.FromString("killed"));

        var result = await _lake.Lander(options).LandSwitchingViewsAsync(_lake.Target, [contact], OperationContext.None, (_, _, _) => Task.FromResult(false));

        Assert.Empty(result.DeletedSnapshots);
        Assert.Contains(killed, Snapshots("Contact"));
    }

    private List<string> Snapshots(string entity) =>
        _lake.BlobNames().Where(n => n.StartsWith($"SalesDb/{entity}/", StringComparison.Ordinal)).Select(n => n.Split('/')[2]).Distinct().Order(StringComparer.Ordinal).ToList();
}
