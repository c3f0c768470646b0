using System.Text.Json;
using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Core.Prerequisites;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Core.Store;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;

namespace CustomerInsightsSynapse.Core.Tests.Export.Run;

/// <summary>The export runner's steps with in-memory prerequisites and SQL, landing into Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ExportRunnerTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly string[] AllSteps = ["resolve", "prerequisites", "claim", "read", "lock", "plan", "land", "convert", "commit", "sql", "verify", "prune", "record"];

    private readonly RunScenario _run = new(azurite);

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task Run_goes_through_every_step_once_in_order_and_records_Succeeded()
    {
        await CreateSalesAsync();

        var record = await _run.RunAsync();

        Assert.Equal(AllSteps, _run.StepsStarted);
        Assert.Equal(ExportRunStatus.Succeeded, record.Status);
        Assert.All(record.Entities, e => Assert.Equal(EntityRunAction.Landed, e.Action));
        Assert.True(record.SqlApplied);
        Assert.Equal(2, _run.Sql.ViewsMoved);
        Assert.Equal(1, _run.Prerequisites.Calls);
        Assert.Equal($"CustomerInsights/_sql/{record.RunId}.sql", record.SqlScriptPath);
        Assert.Contains(record.SqlScriptPath, _run.BlobNames());
        var stored = await _run.LastStoredRecordAsync();
        Assert.Equal((record.RunId, record.Status), (stored.RunId, stored.Status));
        Assert.Equal(record.Entities, stored.Entities);
        var inLake = JsonSerializer.Deserialize<ExportRunRecord>(_run.Download($"CustomerInsights/_runs/{record.RunId}.json"), StoreJson.Options)!;
        Assert.Equal(record.RunId, inLake.RunId);
        Assert.Equal(ExportRunStatus.Succeeded, inLake.Status);
    }

    [Fact]
    public async Task Rerun_with_nothing_changed_is_Succeeded_with_every_entity_Unchanged()
    {
        await CreateSalesAsync();
        var first = await _run.RunAsync();
        var model = _run.Download("CustomerInsights/model.json");

        var second = await _run.RunAsync();

        Assert.Equal(ExportRunStatus.Succeeded, second.Status);
        Assert.All(second.Entities, e => Assert.Equal(EntityRunAction.Unchanged, e.Action));
        Assert.Equal(first.Entities.Select(e => e.SnapshotId), second.Entities.Select(e => e.SnapshotId));
        Assert.Equal(model, _run.Download("CustomerInsights/model.json"));
    }

    [Fact]
    public async Task Some_entities_failing_is_PartiallySucceeded()
    {
        await CreateSalesAsync();
        File.Delete(Path.Combine(_run.Export.Source, "UnifiedActivity", "part-1.csv"));

        var record = await _run.RunAsync();

        Assert.Equal(ExportRunStatus.PartiallySucceeded, record.Status);
        Assert.Equal(EntityRunAction.Landed, record.Entities.Single(e => e.Entity == "Customer").Action);
        Assert.Equal(EntityRunAction.Failed, record.Entities.Single(e => e.Entity == "UnifiedActivity").Action);
        Assert.Equal(ExportRunStatus.PartiallySucceeded, (await _run.LastStoredRecordAsync()).Status);
    }

    [Fact]
    public async Task Every_entity_failing_is_Failed_and_thrown_with_the_record()
    {
        await CreateSalesAsync();
        ExportScenario.WriteCdmFolder(_run.Export.Source, ["Contact"]);

        var error = await Assert.ThrowsAsync<ExportRunFailedException>(() => _run.RunAsync());

        Assert.Equal(ExportRunStatus.Failed, error.Record.Status);
        Assert.All(error.Record.Entities, e => Assert.Equal(ErrorIds.EntityNotFound, e.ErrorId));
        Assert.Equal(ExportRunStatus.Failed, (await _run.LastStoredRecordAsync()).Status);
        Assert.Equal(0, _run.Sql.ViewsMoved);
    }

    [Fact]
    public async Task A_failed_SQL_step_is_Failed_with_its_error_and_keeps_the_old_snapshots()
    {
        await CreateSalesAsync();
        var first = await _run.RunAsync();
        File.AppendAllText(Path.Combine(_run.Export.Source, "Customer", "part-1.csv"), "3,c\n");
        _run.Sql.Throw = new CISynapseException(ErrorIds.SqlBatchFailed, ErrorKind.InvalidOperation, "the view did not compile", "Customer");
        _run.StepsStarted.Clear();

        var error = await Assert.ThrowsAsync<ExportRunFailedException>(() => _run.RunAsync());

        Assert.Equal(ErrorIds.SqlBatchFailed, error.CauseErrorId);
        Assert.Equal(ErrorIds.SqlBatchFailed, error.Record.ErrorId);
        Assert.False(error.Record.SqlApplied);
        Assert.Equal(AllSteps, _run.StepsStarted);
        var firstCustomer = first.Entities.Single(e => e.Entity == "Customer").SnapshotId;
        Assert.Contains(_run.BlobNames(), n => n.StartsWith($"CustomerInsights/Customer/{firstCustomer}/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_prerequisite_stops_the_run_before_anything_lands()
    {
        await CreateSalesAsync();
        _run.Prerequisites.Results.Add(FakePrerequisites.Result("StorageBlobDataContributor", PrerequisiteStatus.Failed));

        var error = await Assert.ThrowsAsync<ExportRunFailedException>(() => _run.RunAsync());

        Assert.Equal(ErrorIds.PrerequisitesNotMet, error.CauseErrorId);
        Assert.Equal(["resolve", "prerequisites"], _run.StepsStarted);
        Assert.Equal(ErrorIds.PrerequisitesNotMet, (await _run.LastStoredRecordAsync()).ErrorId);
        Assert.All(_run.BlobNames(), n => Assert.StartsWith("CustomerInsights/_runs/", n, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_prerequisite_pass_starts_while_the_container_and_endpoint_are_resolved()
    {
        await CreateSalesAsync();
        var targets = new TargetsAwaitingPrerequisites(_run.Container, _run.Prerequisites.Called);
        _run.Targets = targets;

        var record = await _run.RunAsync();

        Assert.Equal(ExportRunStatus.Succeeded, record.Status);
        Assert.True(targets.PrerequisitesStartedFirst, "the prerequisite pass did not start until the resolve step had finished");
        Assert.Equal(1, _run.Prerequisites.Calls);
    }

    [Fact]
    public async Task The_owner_marker_is_read_once_before_the_claim_step_and_a_known_database_gets_no_SQL_from_a_run_with_nothing_changed()
    {
        await CreateSalesAsync();
        await _run.RunAsync();
        int MarkerReads() => _run.Sql.Queries.Count(q => q == DatabaseOwnerMarker.Read());
        var readsBefore = MarkerReads();
        var scriptsBefore = _run.Sql.Scripts.Count;
        var readsWhenClaimStarted = -1;
        _run.BeforeStep = name =>
        {
            if (name == "claim")
            {
                // The read runs on a thread of its own: it has until a deadline to be sent, before the claim step runs.
                SpinWait.SpinUntil(() => MarkerReads() > readsBefore, TimeSpan.FromSeconds(10));
                readsWhenClaimStarted = MarkerReads();
            }
        };

        var record = await _run.RunAsync();

        Assert.Equal(ExportRunStatus.Succeeded, record.Status);
        Assert.Equal(readsBefore + 1, readsWhenClaimStarted);
        Assert.Equal(readsBefore + 1, MarkerReads());
        Assert.Equal(scriptsBefore, _run.Sql.Scripts.Count);
    }

    [Fact]
    public async Task The_run_record_is_written_beside_the_data_while_the_lock_is_released()
    {
        var overlap = new RequestOverlap(
            r => r.Method == global::Azure.Core.RequestMethod.Put && r.Headers.TryGetValue("x-ms-lease-action", out var action) && action == "release",
            r => r.Method == global::Azure.Core.RequestMethod.Put && r.Uri.Path.Contains("/CustomerInsights/_runs/", StringComparison.Ordinal));
        using var run = new RunScenario(azurite, overlap);
        await run.Export.CreateAsync(run.Export.Request());

        var record = await run.RunAsync();

        Assert.Equal(ExportRunStatus.Succeeded, record.Status);
        Assert.True(overlap.FirstSeen && overlap.SecondSeen, "the lock was not released or the record not written to the lake");
        Assert.True(overlap.Overlapped, "the lock's release and the run record's upload went one after the other");
        Assert.Contains($"CustomerInsights/_runs/{record.RunId}.json", run.BlobNames());
        Assert.Equal(record.RunId, (await run.LastStoredRecordAsync()).RunId);
    }

    [Fact]
    public async Task Skipping_the_prerequisite_check_does_not_ask_for_it()
    {
        await CreateSalesAsync();
        _run.Prerequisites.Results.Add(FakePrerequisites.Result("StorageBlobDataContributor", PrerequisiteStatus.Failed));

        var record = await _run.RunAsync(options: new ExportRunOptions { SkipPrerequisiteCheck = true });

        Assert.Equal(ExportRunStatus.Succeeded, record.Status);
        Assert.Equal(0, _run.Prerequisites.Calls);
    }

    [Fact]
    public async Task An_unexpected_exception_is_recorded_as_UnexpectedError_and_reported_as_a_failed_run()
    {
        await CreateSalesAsync();
        _run.Sql.Throw = new InvalidOperationException("something nobody planned for");

        var error = await Assert.ThrowsAsync<ExportRunFailedException>(() => _run.RunAsync());

        Assert.Equal(ErrorIds.UnexpectedError, error.CauseErrorId);
        Assert.IsType<InvalidOperationException>(error.InnerException!.InnerException);
        Assert.NotNull(error.RecommendedAction);
        var stored = await _run.LastStoredRecordAsync();
        Assert.Equal(ExportRunStatus.Failed, stored.Status);
        Assert.Equal(ErrorIds.UnexpectedError, stored.ErrorId);
        Assert.Contains("something nobody planned for", stored.Error, StringComparison.Ordinal);

        // The lock was released: the next run lands.
        _run.Sql.Throw = null;
        Assert.Equal(ExportRunStatus.Succeeded, (await _run.RunAsync()).Status);
    }

    [Fact]
    public async Task An_unexpected_exception_before_the_lake_is_known_is_still_recorded()
    {
        await CreateSalesAsync();
        _run.Targets = new ThrowingTargets();

        var error = await Assert.ThrowsAsync<ExportRunFailedException>(() => _run.RunAsync());

        Assert.Equal(ErrorIds.UnexpectedError, error.CauseErrorId);
        Assert.Equal(ErrorIds.UnexpectedError, (await _run.LastStoredRecordAsync()).ErrorId);
        Assert.Empty(_run.BlobNames());
    }

    [Theory]
    [InlineData("resolve")]
    [InlineData("prerequisites")]
    [InlineData("claim")]
    [InlineData("read")]
    [InlineData("lock")]
    [InlineData("plan")]
    [InlineData("land")]
    [InlineData("commit")]
    [InlineData("sql")]
    [InlineData("verify")]
    [InlineData("prune")]
    [InlineData("record")]
    public async Task Cancelled_before_a_step_the_run_is_recorded_Canceled_and_no_view_is_half_switched(string step)
    {
        await CreateSalesAsync();
        using var cancel = new CancellationTokenSource();
        _run.BeforeStep = name =>
        {
            if (name == step)
            {
                cancel.Cancel();
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _run.RunAsync(cancel.Token));

        Assert.Equal(AllSteps.TakeWhile(s => s != step).Append(step), _run.StepsStarted);
        var stored = await _run.LastStoredRecordAsync();
        Assert.Equal(ExportRunStatus.Canceled, stored.Status);
        Assert.Equal(ErrorIds.OperationCanceled, stored.ErrorId);
        var switchedBefore = Array.IndexOf(AllSteps, step) > Array.IndexOf(AllSteps, "sql");
        Assert.Equal(switchedBefore ? 2 : 0, _run.Sql.ViewsMoved);
        var committedBefore = Array.IndexOf(AllSteps, step) > Array.IndexOf(AllSteps, "commit");
        Assert.Equal(committedBefore, _run.BlobNames().Contains("CustomerInsights/model.json"));

        // The lock was released: the next run completes.
        _run.BeforeStep = null;
        Assert.NotEqual(ExportRunStatus.Canceled, (await _run.RunAsync()).Status);
    }

    [Fact]
    public async Task Cancelled_while_landing_commits_nothing_and_moves_no_view()
    {
        await CreateSalesAsync();
        using var cancel = new CancellationTokenSource();
        var options = new ExportRunOptions
        {
            Landing = new Core.Lake.LandingOptions
            {
                MaxParallelFiles = 1,
                AfterFileLanded = (_, _) =>
                {
                    cancel.Cancel();
                    return Task.CompletedTask;
                },
            },
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _run.RunAsync(cancel.Token, options));

        Assert.Equal(ExportRunStatus.Canceled, (await _run.LastStoredRecordAsync()).Status);
        Assert.DoesNotContain("CustomerInsights/model.json", _run.BlobNames());
        Assert.Equal(0, _run.Sql.ViewsMoved);
    }

    private Task CreateSalesAsync() => _run.Export.CreateAsync(_run.Export.Request());

    /// <summary>Answers the container once the prerequisite pass has started, or after 10 s if it does not start meanwhile.</summary>
    private sealed class TargetsAwaitingPrerequisites(Core.Azure.BlobLocation container, Task prerequisitesCalled) : IExportTargets
    {
        public bool PrerequisitesStartedFirst { get; private set; }

        public async Task<Core.Azure.BlobLocation> LakeContainerAsync(ConnectionDefinition connection, CancellationToken cancellationToken)
        {
            PrerequisitesStartedFirst = await Task.WhenAny(prerequisitesCalled, Task.Delay(TimeSpan.FromSeconds(10), cancellationToken)) == prerequisitesCalled;
            return container;
        }

        public Task<SqlEndpoint?> SqlEndpointAsync(ConnectionDefinition connection, CancellationToken cancellationToken) =>
            Task.FromResult<SqlEndpoint?>(SqlEndpoint.Parse("ciws-ondemand.sql.azuresynapse.net"));
    }

    private sealed class ThrowingTargets : IExportTargets
    {
        public Task<Core.Azure.BlobLocation> LakeContainerAsync(ConnectionDefinition connection, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no container");

        public Task<SqlEndpoint?> SqlEndpointAsync(ConnectionDefinition connection, CancellationToken cancellationToken) =>
            Task.FromResult<SqlEndpoint?>(null);
    }
}
