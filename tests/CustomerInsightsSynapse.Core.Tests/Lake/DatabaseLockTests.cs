using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using global::Azure.Storage.Blobs.Models;
using global::Azure.Storage.Blobs.Specialized;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

[Collection(AzuriteCollection.Name)]
public sealed class DatabaseLockTests : IDisposable
{
    private readonly LakeScenario _lake;

    public DatabaseLockTests(AzuriteFixture azurite) => _lake = new LakeScenario(azurite);

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task TwoRunsStartedTogether_OneLands_TheOtherGetsExportRunInProgress()
    {
        var source = _lake.NewFolder();
        var entities = new[] { LakeScenario.LocalEntity(source, "Contact", 3, 20) };
        var otherDone = new TaskCompletionSource();
        var options = new LandingOptions { AfterFileLanded = async (_, ct) => await otherDone.Task.WaitAsync(ct) };
        var lander = _lake.Lander(options);

        var runs = new[] { Task.Run(() => lander.LandAsync(_lake.Target, entities, OperationContext.None)), Task.Run(() => lander.LandAsync(_lake.Target, entities, OperationContext.None)) };
        var first = await Task.WhenAny(runs);
        otherDone.SetResult();
        await Task.WhenAll(runs.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));

        Assert.True(first.IsFaulted, "the run that finished first should be the one refused");
        var ex = Assert.IsType<CISynapseException>(first.Exception!.InnerException);
        Assert.Equal(ErrorIds.ExportRunInProgress, ex.ErrorId);
        Assert.Equal(ErrorKind.ResourceBusy, ex.Kind);
        var winner = runs.Single(r => r != first);
        Assert.True(winner.IsCompletedSuccessfully);
        Assert.Equal(LandingAction.Landed, Assert.Single((await winner).Entities).Action);
        Assert.Equal(LeaseState.Available, LockState());
    }

    [Fact]
    public async Task LockIsReleased_AfterSuccessFailureAndCancellation()
    {
        var source = _lake.NewFolder();
        var entity = LakeScenario.LocalEntity(source, "Contact", 2, 20);

        await _lake.Lander().LandAsync(_lake.Target, [entity], OperationContext.None);
        Assert.Equal(LeaseState.Available, LockState());

        await _lake.Container.GetBlobClient("SalesDb/model.json").UploadAsync(BinaryData.FromString("[]"), overwrite: true);
        var failure = await Assert.ThrowsAsync<CISynapseException>(() => _lake.Lander().LandAsync(_lake.Target, [entity], OperationContext.None));
        Assert.Equal(ErrorIds.LakeModelInvalid, failure.ErrorId);
        Assert.Equal(LeaseState.Available, LockState());
        await _lake.Container.DeleteBlobAsync("SalesDb/model.json");

        using var cts = new CancellationTokenSource();
        var cancelling = new LandingOptions { AfterFileLanded = (_, _) => { cts.Cancel(); return Task.CompletedTask; } };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _lake.Lander(cancelling).LandAsync(_lake.Target, [entity], OperationContext.For(cts.Token)));
        Assert.Equal(LeaseState.Available, LockState());

        var third = await _lake.Lander().LandAsync(_lake.Target, [entity], OperationContext.None);
        Assert.Equal(LandingAction.Landed, Assert.Single(third.Entities).Action);
        Assert.Equal(LeaseState.Available, LockState());
    }

    [Fact]
    public async Task LockIsRenewedWhileALandingRunsLongerThanTheLease()
    {
        var source = _lake.NewFolder();
        var entity = LakeScenario.LocalEntity(source, "Contact", 2, 20);
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new LandingOptions
        {
            MaxParallelFiles = 1,
            LockDuration = TimeSpan.FromSeconds(15),
            LockRenewInterval = TimeSpan.FromSeconds(5),
            AfterFileLanded = async (_, ct) =>
            {
                holding.TrySetResult();
                await release.Task.WaitAsync(ct);
            },
        };
        var running = _lake.Lander(options).LandAsync(_lake.Target, [entity], OperationContext.None);
        if (await Task.WhenAny(holding.Task, running).WaitAsync(TimeSpan.FromMinutes(2)) == running)
        {
            await running;
        }

        Assert.True(holding.Task.IsCompleted, "the run should be waiting in its hook, holding the lock");

        // The run holds the lock and cannot finish until released. Once a whole lease and one renewal interval
        // have passed since then, only renewal can still keep a second run out.
        await Task.Delay(options.LockDuration + options.LockRenewInterval);
        var ex = await Assert.ThrowsAsync<CISynapseException>(() => _lake.Lander().LandAsync(_lake.Target, [entity], OperationContext.None));
        Assert.Equal(ErrorIds.ExportRunInProgress, ex.ErrorId);
        Assert.Equal(LeaseState.Leased, LockState());

        release.SetResult();
        var result = await running;
        Assert.Equal(LandingAction.Landed, Assert.Single(result.Entities).Action);
    }

    [Fact]
    public async Task RunKilledWhileHoldingTheLock_BlocksOthersUntilTheLeaseExpires_ThenTheNextRunCompletes()
    {
        var source = _lake.NewFolder();
        var entity = LakeScenario.LocalEntity(source, "Contact", 2, 20);
        var first = await _lake.Lander().LandAsync(_lake.Target, [entity], OperationContext.None);
        var modelBefore = _lake.Download("SalesDb/model.json");

        // What a killed process leaves: a lease nobody renews or releases, and a half-written snapshot folder.
        var killedRunsLease = TimeSpan.FromSeconds(15);
        await _lake.Container.GetBlobClient("SalesDb/_lock").GetBlobLeaseClient().AcquireAsync(killedRunsLease);
        var orphan = SnapshotId.New(DateTimeOffset.UtcNow - SnapshotGarbage.LongestLease - TimeSpan.FromMinutes(1));
        await _lake.Container.UploadBlobAsync($"SalesDb/Contact/{orphan}/part-0000.csv", BinaryData.FromString("half"));
        entity = LakeScenario.LocalEntity(source, "Contact", 2, 25, "v2");

        var refused = await Assert.ThrowsAsync<CISynapseException>(() => _lake.Lander().LandAsync(_lake.Target, [entity], OperationContext.None));
        Assert.Equal(ErrorIds.ExportRunInProgress, refused.ErrorId);
        Assert.Equal(modelBefore, _lake.Download("SalesDb/model.json"));

        await WaitUntilAsync(() => LockState() != LeaseState.Leased, killedRunsLease + TimeSpan.FromMinutes(1));
        var next = await _lake.Lander().LandAsync(_lake.Target, [entity], OperationContext.None);

        Assert.Equal(LandingAction.Landed, Assert.Single(next.Entities).Action);
        Assert.Equal([$"SalesDb/Contact/{orphan}"], next.DeletedSnapshots);
        Assert.Contains($"SalesDb/Contact/{first.SnapshotId}/part-0000.csv", _lake.BlobNames());
        Assert.Equal(await File.ReadAllBytesAsync(entity.Partitions[1].Location), _lake.Download($"SalesDb/Contact/{next.SnapshotId}/part-0001.csv"));
    }

    /// <summary>Polls until the condition holds; fails the test when the deadline passes first.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan deadline)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < deadline, $"the condition did not hold within {deadline.TotalSeconds:0} s");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private LeaseState LockState() => _lake.Container.GetBlobClient("SalesDb/_lock").GetProperties().Value.LeaseState;
}
