using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Core.Export.Run;

/// <summary>One step of a run: its name, the progress it reports when it starts (if any), and what it does (in the context the runner gives it).</summary>
internal sealed record RunStep(string Name, Func<string?>? Activity, int Percent, Func<OperationContext, Task> RunAsync);

/// <summary>
/// A run in progress, owned by the runner: its inputs, each step's output as the steps produce them, and the
/// database lock from the "lock" step until the runner releases it.
/// </summary>
internal sealed class ExportRunState(ExportDefinition export, ConnectionDefinition connection, ExportRunOptions options, DeploymentMode deployment, ExportRunRecord record)
{
    public ExportDefinition Export { get; } = export;

    public ConnectionDefinition Connection { get; } = connection;

    public ExportRunOptions Options { get; } = options;

    public DeploymentMode Deployment { get; } = deployment;

    public ExportRunRecord Record { get; set; } = record;

    public List<string> Warnings { get; } = [];

    public ResolvedLake? Lake { get; set; }

    public LakeTarget? Target => Lake is null ? null : new LakeTarget(Lake.Container, Export.DatabaseName);

    public SourceSelection? Source { get; set; }

    public LockedDatabase? Database { get; set; }

    public LandingPlan? Plan { get; set; }

    public LandedSnapshot? Landed { get; set; }

    public LakeCommit? Commit { get; set; }

    /// <summary>Whether the claim step found the database already marked as this export's (see <see cref="DatabaseOwnershipStep.TakeAsync"/>).</summary>
    public bool DatabaseKnown { get; set; }

    /// <summary>How long each step that started took, in order.</summary>
    public List<RunStepDuration> StepDurations { get; } = [];

    /// <summary>The read of what the database's views were generated from, started once the lock is held (see <see cref="ApplySqlStep.StartReadingDeployed"/>).</summary>
    public Task<DeployedViews>? Deployed { get; set; }

    public SqlStepInput? SqlInput { get; set; }

    public SqlStepResult? Sql { get; set; }

    public ViewVerification? Verification { get; set; }

    public IReadOnlyList<string> Pruned { get; set; } = [];

    /// <summary>The context a step runs in: under the lock, the lock's (cancelled also when the lock is lost).</summary>
    public OperationContext ContextFor(OperationContext run) => Database?.Context ?? run;

    /// <summary>The release of the database lock the runner started when the steps ended (complete when none was held).</summary>
    public Task LockReleased { get; set; } = Task.CompletedTask;

    public async Task ReleaseLockAsync()
    {
        if (Database is { } held)
        {
            Database = null;
            await held.DisposeAsync().ConfigureAwait(false);
        }
    }
}
