using System.Text.Json.Nodes;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using global::Azure.Storage.Blobs.Specialized;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

/// <summary>
/// A run that stops between its commit and its view switch for longer than its lease (a paused process, a long
/// GC, a VM freeze) while a newer run lands and commits, then carries on.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FrozenRunTests(AzuriteFixture azurite) : IDisposable
{
    private readonly LakeScenario _lake = new(azurite);

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task RunResumingAfterANewerRunCommitted_MovesNoViewBack_DeletesNothing_AndFailsWithLakeLockLost()
    {
        var source = _lake.NewFolder();
        var entity = LakeScenario.LocalEntity(source, "Contact", 2, 10);
        // The background renewal would not tick during the test: only the check before the switch can notice.
        var slowRenewal = new LandingOptions { LockDuration = TimeSpan.FromSeconds(60), LockRenewInterval = TimeSpan.FromSeconds(50) };
        var frozen = new TaskCompletionSource();
        var resume = new TaskCompletionSource();
        var views = new Dictionary<string, string?>();
        string? frozenSnapshot = null;

        var first = _lake.Lander(slowRenewal).LandSwitchingViewsAsync(_lake.Target, [entity], OperationContext.None, async (landing, guard, ctx) =>
        {
            frozenSnapshot = landing.SnapshotId;
            frozen.SetResult();
            await resume.Task;
            await guard.EnsureCurrentAsync(ctx.CancellationToken);
            views["Contact"] = landing.Entities.Single().SnapshotId;
            return true;
        });
        await frozen.Task.WaitAsync(TimeSpan.FromMinutes(1));

        // The frozen run's lease runs out (broken here rather than waited for); a newer run takes the lock and completes.
        await _lake.Container.GetBlobClient("SalesDb/_lock").GetBlobLeaseClient().BreakAsync(TimeSpan.Zero);
        File.WriteAllText(entity.Partitions[0].Location, LakeScenario.Csv("Contact", 0, 15, "v2"));
        var second = await _lake.Lander().LandSwitchingViewsAsync(_lake.Target, [entity], OperationContext.None, (landing, guard, ctx) =>
        {
            views["Contact"] = landing.Entities.Single().SnapshotId;
            return Task.FromResult(true);
        });
        Assert.NotEqual(frozenSnapshot, second.SnapshotId);

        resume.SetResult();
        var error = await Assert.ThrowsAsync<CISynapseException>(() => first);

        Assert.Equal(ErrorIds.LakeLockLost, error.ErrorId);
        Assert.NotNull(error.RecommendedAction);
        Assert.Contains("SalesDb", error.Message, StringComparison.Ordinal);
        Assert.Equal(second.SnapshotId, views["Contact"]);
        Assert.Equal(second.SnapshotId, SnapshotInModel("Contact"));
        Assert.Contains(_lake.BlobNames(), n => n.StartsWith($"SalesDb/Contact/{second.SnapshotId}/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ModelJsonRewrittenAfterTheCommit_StopsTheViewSwitch()
    {
        var source = _lake.NewFolder();
        var entity = LakeScenario.LocalEntity(source, "Contact", 1, 5);
        var switched = false;

        var error = await Assert.ThrowsAsync<CISynapseException>(() => _lake.Lander().LandSwitchingViewsAsync(_lake.Target, [entity], OperationContext.None, async (landing, guard, ctx) =>
        {
            await _lake.Container.GetBlobClient("SalesDb/model.json").UploadAsync(BinaryData.FromString("""{"name":"SalesDb","entities":[]}"""), overwrite: true);
            await guard.EnsureCurrentAsync(ctx.CancellationToken);
            switched = true;
            return true;
        }));

        Assert.Equal(ErrorIds.LakeLockLost, error.ErrorId);
        Assert.False(switched);
    }

    [Fact]
    public async Task UndisturbedRun_PassesTheCheckBeforeEverySwitch()
    {
        var source = _lake.NewFolder();
        var entity = LakeScenario.LocalEntity(source, "Contact", 1, 5);
        var checks = 0;

        var result = await _lake.Lander().LandSwitchingViewsAsync(_lake.Target, [entity], OperationContext.None, async (landing, guard, ctx) =>
        {
            for (var i = 0; i < 3; i++)
            {
                await guard.EnsureCurrentAsync(ctx.CancellationToken);
                checks++;
            }

            return true;
        });

        Assert.True(result.ModelCommitted);
        Assert.Equal(3, checks);
    }

    [Fact]
    public async Task TheCheckBeforeASwitch_RenewsTheLeaseWhileModelJsonIsRead()
    {
        var overlap = new RequestOverlap(
            r => r.Method == global::Azure.Core.RequestMethod.Put && r.Uri.Path.EndsWith("/SalesDb/_lock", StringComparison.Ordinal) && r.Headers.TryGetValue("x-ms-lease-action", out var action) && action == "renew",
            r => r.Method == global::Azure.Core.RequestMethod.Head && r.Uri.Path.EndsWith("/SalesDb/model.json", StringComparison.Ordinal));
        using var lake = new LakeScenario(azurite, overlap);
        var entity = LakeScenario.LocalEntity(lake.NewFolder(), "Contact", 1, 5);
        // No background renewal during the test: the only renewal is the check's.
        var slowRenewal = new LandingOptions { LockDuration = TimeSpan.FromSeconds(60), LockRenewInterval = TimeSpan.FromSeconds(50) };

        var result = await lake.Lander(slowRenewal).LandSwitchingViewsAsync(lake.Target, [entity], OperationContext.None, async (landing, guard, ctx) =>
        {
            await guard.EnsureCurrentAsync(ctx.CancellationToken);
            return true;
        });

        Assert.True(result.ModelCommitted);
        Assert.True(overlap.FirstSeen && overlap.SecondSeen, "the check did not renew the lease or did not read model.json");
        Assert.True(overlap.Overlapped, "the check renewed the lease and read model.json one after the other");
    }

    private string? SnapshotInModel(string entity)
    {
        var model = JsonNode.Parse(_lake.Download("SalesDb/model.json"))!.AsObject();
        var entry = model["entities"]!.AsArray().Single(e => (string?)e!["name"] == entity)!;
        return entry["annotations"]!.AsArray().Where(a => (string?)a!["name"] == LakeModel.SnapshotAnnotation).Select(a => (string?)a!["value"]).Single();
    }
}
