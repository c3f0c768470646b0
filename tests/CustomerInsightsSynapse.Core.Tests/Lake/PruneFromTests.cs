using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Tests.Export;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using global::Azure;
using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace CustomerInsightsSynapse.Core.Tests.Lake;

/// <summary>
/// Issue 22's cold start: a completed clean-up records on model.json when the next one can first find a snapshot
/// folder to delete, so a run that lands nothing before then lists nothing; a run killed while landing, or a clean-up
/// that did not complete, leaves no such record and the next run lists and deletes as before.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PruneFromTests : IDisposable
{
    private readonly Faults _faults = new();
    private readonly LakeScenario _lake;
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);

    public PruneFromTests(AzuriteFixture azurite) => _lake = new LakeScenario(azurite, _faults);

    public void Dispose() => _lake.Dispose();

    [Fact]
    public async Task A_run_that_lands_nothing_after_a_completed_clean_up_lists_no_snapshot_folder_until_the_horizon()
    {
        var source = _lake.NewFolder();
        var entities = Enumerable.Range(0, 3).Select(i => LakeScenario.LocalEntity(source, $"Entity{i}", 1, 5)).ToList();
        await LandAsync(entities);

        _lake.Recorder.Clear();
        var unchanged = await LandAsync(entities);
        Assert.All(unchanged.Entities, e => Assert.Equal(LandingAction.Unchanged, e.Action));
        Assert.Empty(Listings());

        _clock.Advance(LakeLander.PruneFromHorizon + TimeSpan.FromMinutes(1));
        _lake.Recorder.Clear();
        await LandAsync(entities);
        Assert.Equal(4, Listings().Count);
    }

    [Fact]
    public async Task A_run_killed_while_landing_leaves_its_folder_to_the_next_run_that_lands_nothing()
    {
        var contact = LakeScenario.LocalEntity(_lake.NewFolder(), "Contact", 1, 5);
        var first = await LandAsync([contact]);

        _clock.Advance(SnapshotGarbage.LongestLease * 2);
        using var kill = new CancellationTokenSource();
        var killing = new LandingOptions { Clock = _clock, AfterFileLanded = (_, _) => kill.CancelAsync() };
        var changed = LakeScenario.LocalEntity(_lake.NewFolder(), "Contact", 1, 7, "v2");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _lake.Lander(killing).LandAsync(_lake.Target, [changed], OperationContext.For(kill.Token)));
        var killedFolders = Snapshots("Contact").Where(s => s != first.SnapshotId).ToList();
        Assert.Single(killedFolders);

        _clock.Advance(SnapshotGarbage.LongestLease * 2);
        var next = await LandAsync([contact]);

        Assert.Equal(LandingAction.Unchanged, next.Entities.Single().Action);
        Assert.Equal([$"SalesDb/Contact/{killedFolders[0]}"], next.DeletedSnapshots);
        Assert.Equal([first.SnapshotId], Snapshots("Contact"));
    }

    [Fact]
    public async Task A_clean_up_whose_listing_failed_is_done_by_the_next_run_that_lands_nothing()
    {
        var versions = Enumerable.Range(5, 3).Select(rows => LakeScenario.LocalEntity(_lake.NewFolder(), "Contact", 1, rows)).ToList();
        var snapshots = new List<string>();
        foreach (var version in versions)
        {
            _clock.Advance(SnapshotGarbage.LongestLease * 2);
            _faults.Refusing = version == versions[^1];
            snapshots.Add((await LandAsync([version])).SnapshotId);
        }

        Assert.Equal(snapshots, Snapshots("Contact"));
        _faults.Refusing = false;
        var next = await LandAsync([versions[^1]]);

        Assert.Equal(LandingAction.Unchanged, next.Entities.Single().Action);
        Assert.Equal([snapshots[2]], Snapshots("Contact"));
    }

    [Fact]
    public async Task The_snapshot_a_landing_run_keeps_for_the_old_views_is_deleted_by_the_next_run_that_lands_nothing()
    {
        var versions = Enumerable.Range(5, 2).Select(rows => LakeScenario.LocalEntity(_lake.NewFolder(), "Contact", 1, rows)).ToList();
        var first = await LandAsync([versions[0]]);
        _clock.Advance(SnapshotGarbage.LongestLease * 2);
        var second = await LandAsync([versions[1]]);
        Assert.Equal(new[] { first.SnapshotId, second.SnapshotId }, Snapshots("Contact"));

        var next = await LandAsync([versions[1]]);

        Assert.Equal(LandingAction.Unchanged, next.Entities.Single().Action);
        Assert.Equal([$"SalesDb/Contact/{first.SnapshotId}"], next.DeletedSnapshots);
    }

    [Fact]
    public async Task A_lost_answer_to_removing_the_all_clear_is_recognised_and_the_run_lands()
    {
        var versions = Enumerable.Range(5, 2).Select(rows => LakeScenario.LocalEntity(_lake.NewFolder(), "Contact", 1, rows)).ToList();
        await LandAsync([versions[0]]);
        _faults.MetadataAnswersToLose = 1;

        var next = await LandAsync([versions[1]]);

        Assert.Equal(1, _faults.MetadataAnswersLost);
        Assert.True(next.ModelCommitted);
        Assert.Equal(LandingAction.Landed, next.Entities.Single().Action);
    }

    [Fact]
    public async Task The_snapshot_of_an_entity_moved_back_after_the_commit_is_deleted_by_the_next_run_that_lands_nothing()
    {
        var versions = Enumerable.Range(5, 2).Select(rows => LakeScenario.LocalEntity(_lake.NewFolder(), "Contact", 1, rows)).ToList();
        var first = await LandAsync([versions[0]]);
        _clock.Advance(SnapshotGarbage.LongestLease * 2);

        var lander = _lake.Lander(new LandingOptions { Clock = _clock });
        string moved;
        await using (var database = await lander.LockAsync(_lake.Target, OperationContext.None))
        {
            var landed = await lander.LandAsync(database, await lander.PlanAsync(database, [versions[1]]));
            moved = landed.SnapshotId;
            var commit = await lander.CommitAsync(database, landed);
            var failed = new CISynapseException(ErrorIds.UnexpectedError, ErrorKind.InvalidData, "The view failed its probe (test).", "Contact");
            var reverted = await lander.RevertAsync(database, commit, new Dictionary<string, CISynapseException> { ["Contact"] = failed });
            Assert.Empty(await lander.PruneAsync(database, reverted));
        }

        Assert.Equal(new[] { first.SnapshotId, moved }, Snapshots("Contact"));
        _clock.Advance(SnapshotGarbage.LongestLease * 2);
        var next = await LandAsync([versions[0]]);

        Assert.Equal(LandingAction.Unchanged, next.Entities.Single().Action);
        Assert.Equal([$"SalesDb/Contact/{moved}"], next.DeletedSnapshots);
        Assert.Equal([first.SnapshotId], Snapshots("Contact"));
    }

    [Fact]
    public async Task The_folder_a_failed_entity_left_is_deleted_by_the_next_run_that_lands_nothing()
    {
        var customer = LakeScenario.LocalEntity(_lake.NewFolder(), "Customer", 1, 5);
        var contact = LakeScenario.LocalEntity(_lake.NewFolder(), "Contact", 2, 5);
        var first = await LandAsync([customer, contact]);
        _clock.Advance(SnapshotGarbage.LongestLease * 2);

        _faults.FailingContact = true;
        var options = new LandingOptions { Clock = _clock, MaxParallelFiles = 1 };
        var failed = await _lake.Lander(options).LandAsync(_lake.Target, [customer, LakeScenario.LocalEntity(_lake.NewFolder(), "Contact", 2, 7, "v2")], OperationContext.None);
        _faults.FailingContact = false;

        Assert.Equal(LandingAction.Failed, failed.Entities.Single(e => e.Entity == "Contact").Action);
        Assert.Equal(new[] { first.SnapshotId, failed.SnapshotId }, Snapshots("Contact"));
        _clock.Advance(SnapshotGarbage.LongestLease * 2);
        var next = await LandAsync([customer, contact]);

        Assert.All(next.Entities, e => Assert.Equal(LandingAction.Unchanged, e.Action));
        Assert.Equal([$"SalesDb/Contact/{failed.SnapshotId}"], next.DeletedSnapshots);
    }

    [Fact]
    public async Task A_landing_that_fails_before_its_files_returns_only_after_its_listing_of_the_snapshot_folders_ended()
    {
        var versions = Enumerable.Range(5, 2).Select(rows => LakeScenario.LocalEntity(_lake.NewFolder(), "Contact", 1, rows)).ToList();
        await LandAsync([versions[0]]);
        _faults.RefusingModelMetadata = true;
        _faults.HoldingListings = true;

        var error = await Assert.ThrowsAsync<CISynapseException>(() => LandAsync([versions[1]]));

        Assert.Equal(ErrorIds.AzureAuthorizationFailed, error.ErrorId);
        Assert.True(_faults.ListingsHeld > 0, "the landing did not list the snapshot folders");
        Assert.True(_faults.ListingsEnded == _faults.ListingsHeld, $"the landing failed while {_faults.ListingsHeld - _faults.ListingsEnded} of its {_faults.ListingsHeld} listings of the snapshot folders were in flight");
        Assert.Single(Snapshots("Contact"));
    }

    private Task<LandingResult> LandAsync(IReadOnlyList<CustomerInsightsSynapse.Core.Cdm.CdmEntity> entities) =>
        _lake.Lander(new LandingOptions { Clock = _clock }).LandAsync(_lake.Target, entities, OperationContext.None);

    private List<RecordedRequest> Listings() =>
        _lake.Recorder.Requests.Where(r => r.Query.Contains("comp=list", StringComparison.Ordinal)).ToList();

    private List<string> Snapshots(string entity) =>
        _lake.BlobNames().Where(n => n.StartsWith($"SalesDb/{entity}/", StringComparison.Ordinal)).Select(n => n.Split('/')[2]).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// While <see cref="Refusing"/>, refuses every listing of an entity's snapshot folders as Azure refuses an identity
    /// without the right role; loses the answers to the next <see cref="MetadataAnswersToLose"/> writes of model.json's metadata.
    /// </summary>
    private sealed class Faults : HttpPipelinePolicy
    {
        public volatile bool Refusing;

        public int MetadataAnswersToLose;

        public int MetadataAnswersLost;

        /// <summary>Refuses the upload of Contact's second file and every deletion below SalesDb/Contact/.</summary>
        public volatile bool FailingContact;

        /// <summary>Refuses the writes of model.json's metadata (the removal of the all-clear before a landing's files).</summary>
        public volatile bool RefusingModelMetadata;

        /// <summary>
        /// Holds each listing of the snapshot folders until model.json's properties were read after a refused metadata
        /// write (or 10 s passed), so that the landing's failure is known before the listing has its answer.
        /// </summary>
        public volatile bool HoldingListings;

        public int ListingsHeld;

        public int ListingsEnded;

        private readonly TaskCompletionSource _readAfterRefusal = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private volatile bool _metadataRefused;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Refuse(message);
            ProcessNext(message, pipeline);
            LoseAnswer(message);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Refuse(message);
            var held = HoldingListings && Uri.UnescapeDataString(message.Request.Uri.Query) is var query
                && query.Contains("comp=list", StringComparison.Ordinal) && query.Contains("prefix=SalesDb/", StringComparison.Ordinal);
            if (held)
            {
                Interlocked.Increment(ref ListingsHeld);
                await Task.WhenAny(_readAfterRefusal.Task, Task.Delay(TimeSpan.FromSeconds(10)));
            }

            await ProcessNextAsync(message, pipeline);
            if (held)
            {
                Interlocked.Increment(ref ListingsEnded);
            }

            if (_metadataRefused && message.Request.Method == RequestMethod.Head && message.Request.Uri.Path.EndsWith("/model.json", StringComparison.Ordinal))
            {
                _readAfterRefusal.TrySetResult();
            }

            LoseAnswer(message);
        }

        private void Refuse(HttpMessage message)
        {
            var query = Uri.UnescapeDataString(message.Request.Uri.ToUri().Query);
            var path = Uri.UnescapeDataString(message.Request.Uri.Path);
            var refused = (Refusing && query.Contains("comp=list", StringComparison.Ordinal) && query.Contains("prefix=SalesDb/Contact/", StringComparison.Ordinal))
                || (FailingContact && path.Contains("/SalesDb/Contact/", StringComparison.Ordinal)
                    && (message.Request.Method == RequestMethod.Delete || (message.Request.Method == RequestMethod.Put && path.EndsWith("/part-0001.csv", StringComparison.Ordinal))));
            if (RefusingModelMetadata && message.Request.Method == RequestMethod.Put && path.EndsWith("/model.json", StringComparison.Ordinal) && query.Contains("comp=metadata", StringComparison.Ordinal))
            {
                _metadataRefused = true;
                refused = true;
            }

            if (refused)
            {
                throw new RequestFailedException(403, "This request is not authorized to perform this operation.", "AuthorizationPermissionMismatch", null);
            }
        }

        private void LoseAnswer(HttpMessage message)
        {
            if (message.Request.Method == RequestMethod.Put && message.Request.Uri.Path.EndsWith("/model.json", StringComparison.Ordinal)
                && message.Request.Uri.Query.Contains("comp=metadata", StringComparison.Ordinal) && Interlocked.Decrement(ref MetadataAnswersToLose) >= 0)
            {
                Interlocked.Increment(ref MetadataAnswersLost);
                throw new IOException("The connection closed before the answer arrived (lost by the test).");
            }
        }
    }
}
