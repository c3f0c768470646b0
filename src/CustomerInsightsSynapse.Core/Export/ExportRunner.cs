using System.Security.Cryptography;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Export.Run;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Roles;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Core.Export;

/// <summary>How a run behaves beyond the export's own definition.</summary>
public sealed record ExportRunOptions
{
    /// <summary>Skips the quick prerequisite pass that otherwise runs first.</summary>
    public bool SkipPrerequisiteCheck { get; init; }

    /// <summary>Overrides the export's deployment mode for this run.</summary>
    public DeploymentMode? Deployment { get; init; }

    public LandingOptions? Landing { get; init; }

    public SqlExecutorOptions? Sql { get; init; }
}

/// <summary>What a run would do, for -WhatIf: each entity's action and size, and the T-SQL.</summary>
public sealed record ExportPlan(
    string ExportName,
    string DatabaseName,
    string Container,
    DeploymentMode Deployment,
    IReadOnlyList<EntityPlanPreview> Entities,
    string? SqlScript,
    IReadOnlyList<string> Warnings);

/// <summary>What a snapshot clean-up found in an export's database, and what it deleted.</summary>
public sealed record SnapshotCleanup(string ExportName, string DatabaseName, IReadOnlyList<SnapshotFolder> Folders);

public sealed record EntityPlanPreview(string Entity, string Action, int Files, long Bytes, string Reason);

/// <summary>
/// Runs an export as one list of steps (<see cref="Steps"/>), each taking what earlier steps produced from the run's
/// state and adding its own output: resolve → prerequisites → claim → read → lock → plan → land → convert → commit →
/// sql → verify → prune → record. The runner owns the database lock from "lock" until the steps end, so the views move to the
/// committed snapshots, and old snapshots are deleted, under the lock that landed them; a failed or cancelled run
/// leaves every view on complete data, and whatever happens a run record is saved.
/// Entities removed from the selection are not touched; a renamed database starts empty and the old one is left.
/// </summary>
public sealed class ExportRunner
{
    /// <summary>The progress activity id of a run.</summary>
    internal const int ProgressActivity = 10;

    private readonly DefinitionStore _store;
    private readonly ExportRunEnvironment _environment;
    private readonly ResolveTargetsStep _resolve;
    private readonly ReadSourceStep _read;

    public ExportRunner(DefinitionStore store, ExportRunEnvironment environment)
    {
        _store = store;
        _environment = environment;
        _resolve = new ResolveTargetsStep(environment.Targets);
        _read = new ReadSourceStep(environment.Reader);
    }

    public ExportRunner(AzureSession session, DefinitionStore store)
        : this(store, ExportRunEnvironment.For(session))
    {
    }

    private TimeProvider Clock => _environment.Clock;

    public async Task<ExportPlan> PlanAsync(string exportName, Caller caller, ExportRunOptions options, OperationContext context)
    {
        var (export, connection) = await LoadAsync(exportName, caller, context.CancellationToken).ConfigureAwait(false);
        var lake = await _resolve.RunAsync(connection, context.CancellationToken).ConfigureAwait(false);
        var deployment = options.Deployment ?? export.Deployment;
        var (selected, unnameable, missing) = await _read.RunAsync(export, context).ConfigureAwait(false);
        var target = new LakeTarget(lake.Container, export.DatabaseName);
        var planner = new LandingPlanner(_environment.Blobs, LandingFor(export, options));
        var plan = ConvertToParquetStep.RefuseWithoutSql(await planner.PlanAsync(target, selected, context).ConfigureAwait(false), deployment, lake.SqlEndpoint);
        var snapshotId = SnapshotId.New(Clock.GetUtcNow());
        var previews = plan.Entities.Select(e => new EntityPlanPreview(
                e.Name,
                e.Action.ToString(),
                e.Files,
                e.Bytes,
                e.Action switch
                {
                    PlannedAction.Unchanged => $"unchanged since snapshot {e.CurrentSnapshotId}",
                    PlannedAction.Land => $"{e.Files} files to land as snapshot {snapshotId}",
                    _ => e.Error?.Message ?? "cannot be landed",
                }))
            .Concat(unnameable.Select(u => new EntityPlanPreview(u.Entity.Name, "Failed", 0, 0, u.Error.Message)))
            .Concat(missing.Select(m => new EntityPlanPreview(m, "Failed", 0, 0, "not found in the source")))
            .ToList();

        var warnings = new List<string>();
        string? script = null;
        var landed = new List<LandedEntity>();
        foreach (var e in plan.Entities.Where(e => e.Action == PlannedAction.Land || e.CurrentSnapshotId is not null))
        {
            var asParquet = e.Action == PlannedAction.Land ? e.Partitions.Any(p => p.LandsConverted) : plan.Model!.HoldsParquet(e.Name);
            var parquetColumns = e.Action == PlannedAction.Land
                ? await ParquetFooter.PreviewColumnsAsync(_environment.Blobs, e, warnings, context.CancellationToken).ConfigureAwait(false)
                : plan.Model?.ParquetColumns(e.Name);
            landed.Add(new LandedEntity(ParquetLanding.AsLanded(e.Entity, asParquet), target.SnapshotFolder(e.Name, e.Action == PlannedAction.Land ? snapshotId : e.CurrentSnapshotId!)) { ParquetColumns = parquetColumns });
        }

        if (landed.Count > 0)
        {
            var generated = ServerlessSqlGenerator.Generate(new SqlScriptRequest(export.DatabaseName, export.QueryAccess, lake.DataLake, landed));
            script = generated.Text;
            warnings.AddRange(generated.Warnings);
        }

        return new ExportPlan(export.Name, export.DatabaseName, lake.Container.ToUri().AbsoluteUri, deployment, previews, script, warnings);
    }

    /// <summary>
    /// Runs the export and saves its record. A Failed run throws <see cref="ExportRunFailedException"/> (see
    /// <see cref="ExportRunOutcome"/>); any other finished run returns its record.
    /// </summary>
    public async Task<ExportRunRecord> RunAsync(string exportName, Caller caller, ExportRunOptions options, OperationContext context)
    {
        var (export, connection) = await LoadAsync(exportName, caller, context.CancellationToken).ConfigureAwait(false);
        var started = Clock.GetUtcNow();
        var deployment = options.Deployment ?? export.Deployment;
        var run = new ExportRunState(export, connection, options, deployment, new ExportRunRecord
        {
            RunId = NewRunId(started),
            ExportName = export.Name,
            ConnectionName = connection.Name,
            DatabaseName = export.DatabaseName,
            StartedBy = caller.ObjectId,
            StartedOn = started,
            DeploymentMode = deployment.ToString(),
        });
        var recorder = new RunRecordStep(_store, new LakeFiles(_environment.Blobs));
        try
        {
            await RunStepsAsync(run, Steps(run, caller), context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            var cancelled = run.Record with
            {
                Status = ExportRunStatus.Canceled,
                ErrorId = ErrorIds.OperationCanceled,
                Error = "The run was cancelled; every view stays on its last complete snapshot.",
                EndedOn = Clock.GetUtcNow(),
                Warnings = run.Warnings,
                Steps = run.StepDurations,
            };
            await SaveAsync(recorder, cancelled, run, context).ConfigureAwait(false);
            throw;
        }
        catch (Exception ex)
        {
            var cause = ex as CISynapseException ?? Unexpected(run.Record, ex);
            var failed = run.Record with { Status = ExportRunStatus.Failed, ErrorId = cause.ErrorId, Error = cause.Message, EndedOn = Clock.GetUtcNow(), Warnings = run.Warnings, Steps = run.StepDurations };
            await SaveAsync(recorder, failed, run, context).ConfigureAwait(false);
            throw ExportRunOutcome.ErrorFor(failed, cause)!;
        }

        var record = run.Record with { EndedOn = Clock.GetUtcNow(), Warnings = run.Warnings, Steps = run.StepDurations };
        await SaveAsync(recorder, record, run, context).ConfigureAwait(false);
        context.Progress.Report(new OperationProgress(ProgressActivity, $"Export '{export.Name}'", record.Status.ToString(), 100, Completed: true));
        if (record.Status == ExportRunStatus.Failed)
        {
            throw ExportRunOutcome.ErrorFor(record)!;
        }

        return record;
    }

    /// <summary>
    /// Deletes the snapshot folders of the export's database that nothing refers to (see <see cref="SnapshotCleaner"/>),
    /// asking <paramref name="delete"/> for each. Needs the same role as a run.
    /// </summary>
    public async Task<SnapshotCleanup> ClearSnapshotsAsync(string exportName, Caller caller, Func<SnapshotFolder, bool> delete, OperationContext context)
    {
        var (export, connection) = await LoadAsync(exportName, caller, context.CancellationToken).ConfigureAwait(false);
        var lake = await _resolve.RunAsync(connection, context.CancellationToken).ConfigureAwait(false);
        var target = new LakeTarget(lake.Container, export.DatabaseName);
        var folders = await new SnapshotCleaner(_environment.Blobs).CleanAsync(target, delete, context).ConfigureAwait(false);
        return new SnapshotCleanup(export.Name, export.DatabaseName, folders);
    }

    /// <summary>Run records, newest first.</summary>
    public async Task<DocumentListing<ExportRunRecord>> ListRunsAsync(CancellationToken cancellationToken) =>
        await _store.ListAsync(ExportRunRecord.Kind, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The steps of a run, in order. Each reads what it needs from <paramref name="run"/> and stores its output there;
    /// from "lock" on they run in the lock's context. The record step only builds the record: the runner saves it
    /// whether the steps finished or not.
    /// </summary>
    private IReadOnlyList<RunStep> Steps(ExportRunState run, Caller caller)
    {
        var lander = new LakeLander(_environment.Blobs, LandingFor(run.Export, run.Options), Clock) { LockHolder = $"{caller} (export '{run.Export.Name}', run {run.Record.RunId})" };
        var applySql = new ApplySqlStep(new LakeFiles(_environment.Blobs), _environment.Sql);
        var verify = new VerifyViewsStep(_environment.Sql, lander);
        var convert = new ConvertToParquetStep(_environment.Sql);
        var ownership = new DatabaseOwnershipStep(_store, _environment.Sql, run.Options.Sql, Clock);
        Task<IReadOnlyList<string>>? prerequisites = null;
        OwnerRead? ownerRead = null;
        return
        [
            new("resolve", () => "Resolving the workspace and storage account", 0, async ctx =>
            {
                // The prerequisite pass reads only Azure and asks for the same account and workspace (fetched once per
                // run): it starts with the resolve, on a thread of its own (its first call loads and compiles much of the
                // module), and the next step waits for its verdict before anything is claimed.
                if (!run.Options.SkipPrerequisiteCheck)
                {
                    prerequisites = Task.Run(() => new PrerequisiteStep(_environment.Prerequisites).RunAsync(run.Connection, ctx));
                }

                try
                {
                    run.Lake = await _resolve.RunAsync(run.Connection, ctx.CancellationToken).ConfigureAwait(false);
                }
                catch when (prerequisites is not null)
                {
                    Observe(prerequisites);
                    throw;
                }

                // The owner marker is read (never written) meanwhile too, so the claim step waits for no SQL when it is this export's.
                if (run.Deployment == DeploymentMode.Apply && run.Lake.SqlEndpoint is { } endpoint)
                {
                    ownerRead = ownership.StartOwnerRead(endpoint, run.Export.DatabaseName, ctx.CancellationToken);
                }
            }),
            new("prerequisites", () => run.Options.SkipPrerequisiteCheck ? null : "Checking prerequisites", 5, async _ =>
            {
                if (prerequisites is not null)
                {
                    run.Warnings.AddRange(await prerequisites.ConfigureAwait(false));
                }
            }),
            new("claim", () => "Taking the database", 8, async ctx => run.DatabaseKnown = await ownership.TakeAsync(
                run.Export.Name, run.Connection, run.Lake!.Container, run.Deployment == DeploymentMode.Apply ? run.Lake.SqlEndpoint : null, caller, ctx, ownerRead).ConfigureAwait(false)),
            new("read", () => $"Reading the Customer Insights data at {run.Export.Source}", 10, async ctx =>
            {
                run.Source = await _read.RunAsync(run.Export, ctx).ConfigureAwait(false);
                run.Warnings.AddRange(ReadSourceStep.Report(run.Source, ctx.Log));
            }),
            new("lock", () => $"Landing {run.Source!.Selected.Count} entities into {run.Export.DatabaseName}", 15, async ctx =>
            {
                run.Database = await lander.LockAsync(run.Target!, ctx).ConfigureAwait(false);
                run.Deployed = applySql.StartReadingDeployed(run.Deployment, run.DatabaseKnown, run.Lake!, run.Target!, run.Export.DatabaseName, run.Options.Sql, run.Database.Context);
                // A run that stops before its sql step never awaits the read.
                Observe(run.Deployed);
            }),
            new("plan", null, 0, async _ => run.Plan = ConvertToParquetStep.RefuseWithoutSql(
                await lander.PlanAsync(run.Database!, run.Source!.Selected).ConfigureAwait(false), run.Deployment, run.Lake!.SqlEndpoint)),
            new("land", null, 0, async _ => run.Landed = await lander.LandAsync(run.Database!, run.Plan!).ConfigureAwait(false)),
            new("convert", null, 0, async ctx =>
            {
                var input = new ConversionInput(run.Export, run.Lake!, run.Export.InvalidValue, run.Options.Sql);
                run.Landed = await convert.RunAsync(input, run.Landed!, run.Database!, ctx).ConfigureAwait(false);
            }),
            new("commit", null, 0, async _ => run.Commit = await lander.CommitAsync(run.Database!, run.Landed!).ConfigureAwait(false)),
            new("sql", null, 0, async ctx =>
            {
                var landed = run.Source!.Selected.Select(e => ParquetLanding.AsLanded(e, run.Commit!.Model.HoldsParquet(e.Name))).ToList();
                run.SqlInput = new SqlStepInput(run.Export, run.Deployment, run.Lake!, run.Target!, landed, run.Commit!.Result, run.Record.RunId, run.Options.Sql);
                run.Sql = await applySql.RunAsync(run.SqlInput, run.Deployed, run.Commit.Guard, ctx).ConfigureAwait(false);
                run.StepDurations.Add(new RunStepDuration("sql generate", Math.Round(run.Sql.GenerateDuration.TotalSeconds, 3)));
                run.Warnings.AddRange(run.Sql.Warnings);
            }),
            new("verify", null, 0, async ctx =>
            {
                run.Verification = await verify.RunAsync(run.SqlInput!, run.Sql!, run.Commit!, run.Database!, ctx).ConfigureAwait(false);
                run.Commit = run.Verification.Commit;
                run.Warnings.AddRange(run.Verification.Warnings);
                await applySql.SaveDeploymentAsync(run.SqlInput!, run.Sql!, run.Commit.Result, ctx).ConfigureAwait(false);
            }),
            new("prune", null, 0, async ctx =>
            {
                if (run.Sql!.Failed)
                {
                    ctx.Log.Verbose("Old snapshots are kept: the views did not move to the committed snapshots.");
                    return;
                }

                run.Pruned = await lander.PruneAsync(run.Database!, run.Commit!).ConfigureAwait(false);
            }),
            new("record", null, 0, _ =>
            {
                var nulled = RunRecordStep.NulledWhileLanding(run.Commit!.Result, run.Warnings);
                run.Record = RunRecordStep.Finish(run.Record, run.Export, run.Source!, run.Commit!.Result with { DeletedSnapshots = run.Pruned }, run.Sql) with
                {
                    UnconvertedValues = [.. nulled, .. run.Verification?.Unconverted ?? []],
                };
                return Task.CompletedTask;
            }),
        ];
    }

    /// <summary>Saves the run's record while the database lock is released (both wait for a round trip, neither needs the other).</summary>
    private static async Task SaveAsync(RunRecordStep recorder, ExportRunRecord record, ExportRunState run, OperationContext context)
    {
        var save = recorder.SaveAsync(record, run.Target, context.Log);
        try
        {
            await save.ConfigureAwait(false);
        }
        finally
        {
            await run.LockReleased.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs the steps in order, checking for cancellation before each; starts releasing the database lock however they
    /// end (<see cref="ExportRunState.LockReleased"/>, awaited once the record is saved).
    /// </summary>
    private async Task RunStepsAsync(ExportRunState run, IReadOnlyList<RunStep> steps, OperationContext context)
    {
        try
        {
            foreach (var step in steps)
            {
                _environment.BeforeStep?.Invoke(step.Name);
                var stepContext = run.ContextFor(context);
                stepContext.CancellationToken.ThrowIfCancellationRequested();
                if (step.Activity?.Invoke() is { } activity)
                {
                    context.Progress.Report(new OperationProgress(ProgressActivity, $"Export '{run.Export.Name}'", activity, step.Percent));
                }

                var started = Clock.GetTimestamp();
                try
                {
                    await step.RunAsync(stepContext).ConfigureAwait(false);
                }
                finally
                {
                    run.StepDurations.Add(new RunStepDuration(step.Name, Math.Round(Clock.GetElapsedTime(started).TotalSeconds, 3)));
                }
            }
        }
        catch (OperationCanceledException ex) when (run.Database?.LostLockError(ex) is { } lost)
        {
            throw lost;
        }
        finally
        {
            run.LockReleased = run.ReleaseLockAsync();
        }
    }

    /// <summary>Marks a failure of <paramref name="task"/> as seen, for a task the run may leave without awaiting it.</summary>
    private static void Observe(Task? task) =>
        task?.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    /// <summary>The run's landing options with the export's landing format and invalid-value setting.</summary>
    private static LandingOptions LandingFor(ExportDefinition export, ExportRunOptions options) =>
        (options.Landing ?? new LandingOptions()) with { LandAs = export.LandAs, InvalidValue = export.InvalidValue };

    /// <summary>A failure no step knew, as the cause of a Failed run.</summary>
    private static CISynapseException Unexpected(ExportRunRecord record, Exception ex) =>
        new(
            ErrorIds.UnexpectedError,
            ErrorKind.NotSpecified,
            $"Export '{record.ExportName}' run {record.RunId} stopped on an unexpected error ({ex.GetType().Name}): {LakeErrors.FirstLine(ex)}",
            record.ExportName,
            ex)
        {
            RecommendedAction = "Run the export again; if the error persists, run it with -Debug and report the error with its ScriptStackTrace.",
        };

    private async Task<(ExportDefinition Export, ConnectionDefinition Connection)> LoadAsync(string exportName, Caller caller, CancellationToken ct)
    {
        var export = (await _store.GetAsync(ExportService.Kind, exportName, ct).ConfigureAwait(false))?.Content
            ?? throw await ExportService.NotFoundAsync(_store, exportName, ct).ConfigureAwait(false);
        CdmSourceUrl.Validate(export.Source);
        var connection = (await _store.GetAsync(ConnectionService.Kind, export.ConnectionName, ct).ConfigureAwait(false))?.Content
            ?? throw await ConnectionService.NotFoundAsync(_store, export.ConnectionName, ct).ConfigureAwait(false);
        await new RoleService(_store).DemandExportAsync(caller, connection, $"run the export '{export.Name}'", ct).ConfigureAwait(false);
        return (export, connection);
    }

    private static string NewRunId(DateTimeOffset now)
    {
        Span<byte> random = stackalloc byte[3];
        RandomNumberGenerator.Fill(random);
        return now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", System.Globalization.CultureInfo.InvariantCulture) + "-" + Convert.ToHexString(random).ToLowerInvariant();
    }
}
