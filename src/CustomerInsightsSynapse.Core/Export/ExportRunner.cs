using System.Security.Cryptography;
using System.Text.Json;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Prerequisites;
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
/// Runs an export: plan → land → SQL → commit → record. The lake lander holds the database lock and commits
/// {Database}/model.json; the views are moved to the committed snapshots right after, under the same lock and
/// before old snapshots are deleted, so a failed or cancelled run leaves every view on complete data.
/// Entities removed from the selection are not touched; a renamed database starts empty and the old one is left.
/// </summary>
public sealed class ExportRunner
{
    private readonly AzureSession _session;
    private readonly DefinitionStore _store;
    private readonly TimeProvider _clock;

    public ExportRunner(AzureSession session, DefinitionStore store, TimeProvider? clock = null)
    {
        _session = session;
        _store = store;
        _clock = clock ?? TimeProvider.System;
    }

    public async Task<ExportPlan> PlanAsync(string exportName, Caller caller, ExportRunOptions options, OperationContext context)
    {
        var (export, connection) = await LoadAsync(exportName, caller, context.CancellationToken).ConfigureAwait(false);
        var lake = await ResolveLakeAsync(connection, context.CancellationToken).ConfigureAwait(false);
        var deployment = options.Deployment ?? export.Deployment;
        var (read, missing) = await ReadSourceAsync(export, context).ConfigureAwait(false);
        var (selected, unnameable) = EntityNameRules.Split(read);
        var target = new LakeTarget(lake.Container, export.DatabaseName);
        var planner = new LandingPlanner(_session.CreateBlobClientFactory(), options.Landing);
        var plan = await planner.PlanAsync(target, selected, context).ConfigureAwait(false);
        var snapshotId = SnapshotId.New(_clock.GetUtcNow());
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
        var landed = plan.Entities
            .Where(e => e.Action == PlannedAction.Land || e.CurrentSnapshotId is not null)
            .Select(e => new LandedEntity(e.Entity, target.SnapshotFolder(e.Name, e.Action == PlannedAction.Land ? snapshotId : e.CurrentSnapshotId!)))
            .ToList();
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
        var started = _clock.GetUtcNow();
        var deployment = options.Deployment ?? export.Deployment;
        var record = new ExportRunRecord
        {
            RunId = NewRunId(started),
            ExportName = export.Name,
            ConnectionName = connection.Name,
            DatabaseName = export.DatabaseName,
            StartedBy = caller.ObjectId,
            StartedOn = started,
            DeploymentMode = deployment.ToString(),
        };
        var warnings = new List<string>();
        ResolvedLake? lake = null;
        const int activity = ProgressIds.ExportRun;
        try
        {
            context.Progress.Report(new OperationProgress(activity, $"Export '{export.Name}'", "Resolving the workspace and storage account", 0));
            lake = await ResolveLakeAsync(connection, context.CancellationToken).ConfigureAwait(false);
            if (!options.SkipPrerequisiteCheck)
            {
                context.Progress.Report(new OperationProgress(activity, $"Export '{export.Name}'", "Checking prerequisites", 5));
                await CheckPrerequisitesAsync(connection, lake.Resources, warnings, context).ConfigureAwait(false);
            }

            await new DatabaseOwnershipStep(_store, endpoint => new SqlScriptExecutor(endpoint, _session.Credential, _session.Cloud.SqlAudience, options.Sql), _clock).TakeAsync(export.Name, connection, lake.Container, deployment == DeploymentMode.Apply ? lake.SqlEndpoint : null, caller, context).ConfigureAwait(false);
            context.Progress.Report(new OperationProgress(activity, $"Export '{export.Name}'", $"Reading the Customer Insights data at {export.Source}", 10));
            var (read, missing) = await ReadSourceAsync(export, context).ConfigureAwait(false);

            // Names are checked once, here: an entity that cannot be named is neither landed nor given a view.
            var (selected, unnameable) = EntityNameRules.Split(read);
            foreach (var refused in unnameable)
            {
                context.Log.Warning(refused.Error.Message);
            }

            foreach (var name in missing)
            {
                warnings.Add($"Entity '{name}' is selected but not in the source; it keeps what it had.");
            }

            context.Progress.Report(new OperationProgress(activity, $"Export '{export.Name}'", $"Landing {selected.Count} entities into {export.DatabaseName}", 15));
            var target = new LakeTarget(lake.Container, export.DatabaseName);
            var factory = _session.CreateBlobClientFactory();
            var lander = new LakeLander(factory, options.Landing) { LockHolder = $"{caller} (export '{export.Name}', run {record.RunId})" };
            var sql = new SqlOutcome();
            var landing = await lander.LandAsync(
                target,
                selected,
                context,
                (result, guard, ctx) => ApplySqlAsync(export, deployment, lake, target, selected, result, guard, record.RunId, sql, options, ctx)).ConfigureAwait(false);
            warnings.AddRange(sql.Warnings);

            var entities = landing.Entities.Select(e => new EntityRunRecord(
                    e.Entity,
                    e.Action switch { LandingAction.Landed => EntityRunAction.Landed, LandingAction.Unchanged => EntityRunAction.Unchanged, _ => EntityRunAction.Failed },
                    e.Files,
                    e.Bytes,
                    e.SnapshotId,
                    Math.Round(e.Duration.TotalSeconds, 3),
                    e.Error?.ErrorId,
                    e.Error?.Message))
                .Concat(unnameable.Select(u => new EntityRunRecord(u.Entity.Name, EntityRunAction.Failed, 0, 0, null, 0, u.Error.ErrorId, u.Error.Message)))
                .Concat(missing.Select(m => new EntityRunRecord(m, EntityRunAction.Failed, 0, 0, null, 0, ErrorIds.EntityNotFound, $"Entity '{m}' is not in the source {CdmSourceUrl.WithoutQuery(export.Source)}.")))
                .ToList();
            var failedEntities = entities.Count(e => e.Action == EntityRunAction.Failed);
            var status = sql.Error is not null || (entities.Count > 0 && failedEntities == entities.Count) ? ExportRunStatus.Failed
                : failedEntities > 0 ? ExportRunStatus.PartiallySucceeded
                : ExportRunStatus.Succeeded;
            record = record with
            {
                Entities = entities,
                SqlApplied = sql.Applied,
                SqlScriptPath = sql.ScriptPath,
                Status = status,
                ErrorId = sql.Error?.ErrorId,
                Error = sql.Error?.Message,
            };
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            record = record with { Status = ExportRunStatus.Canceled, ErrorId = ErrorIds.OperationCanceled, Error = "The run was cancelled; every view stays on its last complete snapshot." };
            await SaveRecordAsync(record with { EndedOn = _clock.GetUtcNow(), Warnings = warnings }, lake, context.Log, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        catch (CISynapseException ex)
        {
            record = record with { Status = ExportRunStatus.Failed, ErrorId = ex.ErrorId, Error = ex.Message, EndedOn = _clock.GetUtcNow(), Warnings = warnings };
            await SaveRecordAsync(record, lake, context.Log, CancellationToken.None).ConfigureAwait(false);
            throw ExportRunOutcome.ErrorFor(record, ex)!;
        }

        record = record with { EndedOn = _clock.GetUtcNow(), Warnings = warnings };
        await SaveRecordAsync(record, lake, context.Log, context.CancellationToken).ConfigureAwait(false);
        context.Progress.Report(new OperationProgress(activity, $"Export '{export.Name}'", record.Status.ToString(), 100, Completed: true));
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
        var lake = await ResolveLakeAsync(connection, context.CancellationToken).ConfigureAwait(false);
        var target = new LakeTarget(lake.Container, export.DatabaseName);
        var folders = await new SnapshotCleaner(_session.CreateBlobClientFactory()).CleanAsync(target, delete, context).ConfigureAwait(false);
        return new SnapshotCleanup(export.Name, export.DatabaseName, folders);
    }

    /// <summary>Run records, newest first.</summary>
    public async Task<DocumentListing<ExportRunRecord>> ListRunsAsync(CancellationToken cancellationToken) =>
        await _store.ListAsync(ExportRunRecord.Kind, cancellationToken).ConfigureAwait(false);

    private async Task<bool> ApplySqlAsync(
        ExportDefinition export,
        DeploymentMode deployment,
        ResolvedLake lake,
        LakeTarget target,
        IReadOnlyList<CdmEntity> selected,
        LandingResult landing,
        LakeCommitGuard guard,
        string runId,
        SqlOutcome outcome,
        ExportRunOptions options,
        OperationContext context)
    {
        var byName = selected.ToDictionary(e => e.Name, StringComparer.OrdinalIgnoreCase);
        var current = landing.Entities
            .Where(e => e.SnapshotFolder is not null && byName.ContainsKey(e.Entity))
            .Select(e => new LandedEntity(byName[e.Entity], e.SnapshotFolder!))
            .ToList();
        if (current.Count == 0)
        {
            outcome.Warnings.Add("No entity has a landed snapshot yet, so no T-SQL was generated.");
            return true;
        }

        SqlScript script;
        try
        {
            script = ServerlessSqlGenerator.Generate(new SqlScriptRequest(export.DatabaseName, export.QueryAccess, lake.DataLake, current));
        }
        catch (CISynapseException ex)
        {
            outcome.Error = ex;
            return false;
        }

        outcome.Warnings.AddRange(script.Warnings);
        var scriptPath = BlobPaths.Combine(target.DatabaseFolder, "_sql", runId + ".sql");
        var container = _session.CreateBlobClientFactory().Container(lake.Container);
        await container.GetBlobClient(scriptPath).UploadAsync(BinaryData.FromString(script.Text), overwrite: true, context.CancellationToken).ConfigureAwait(false);
        outcome.ScriptPath = scriptPath;

        if (deployment == DeploymentMode.ScriptOnly)
        {
            outcome.Warnings.Add($"ScriptOnly: the T-SQL was saved to {scriptPath} and not sent; apply it to move the views to the new snapshots.");
            return true;
        }

        if (lake.SqlEndpoint is null)
        {
            outcome.Warnings.Add($"The workspace reports no serverless SQL endpoint; the T-SQL was saved to {scriptPath} and not sent.");
            return true;
        }

        context.Progress.Report(new OperationProgress(ProgressIds.ExportRun, $"Export '{export.Name}'", $"Applying {script.Batches.Count} T-SQL batches to {lake.SqlEndpoint}", 90));
        try
        {
            var executor = new SqlScriptExecutor(lake.SqlEndpoint, _session.Credential, _session.Cloud.SqlAudience, options.Sql);
            await executor.ExecuteAsync(script, context, guard.EnsureCurrentAsync).ConfigureAwait(false);
            outcome.Applied = true;
            return true;
        }
        catch (CISynapseException ex) when (ex.ErrorId != ErrorIds.LakeLockLost)
        {
            outcome.Error = ex;
            return false;
        }
    }

    private async Task CheckPrerequisitesAsync(ConnectionDefinition connection, ArmResourceReader resources, List<string> warnings, OperationContext context)
    {
        var target = new PrerequisiteTarget(connection.SubscriptionId, connection.WorkspaceResourceGroupName, connection.WorkspaceName, connection.StorageAccountResourceId, connection.Container);
        var results = await new PrerequisiteChecker(_session, resources).TestAsync(target, context).ConfigureAwait(false);
        var failed = results.Where(r => r.Status == PrerequisiteStatus.Failed).ToList();
        warnings.AddRange(results.Where(r => r.Status is PrerequisiteStatus.Unknown or PrerequisiteStatus.Warning).Select(r => $"Prerequisite {r.CheckId} is {r.Status}: {r.Reason}"));
        if (failed.Count > 0)
        {
            throw new CISynapseException(
                ErrorIds.PrerequisitesNotMet,
                ErrorKind.InvalidOperation,
                $"{failed.Count} prerequisite check(s) failed, so nothing was landed: " + string.Join(" ", failed.Select(f => $"[{f.CheckId}] {Describe(f.Principal)}: {f.Reason}")),
                connection.Name)
            {
                RecommendedAction = $"Run Test-CISynapsePrerequisite -ConnectionName '{connection.Name}' | Repair-CISynapsePrerequisite to apply the missing role assignments (Test-CISynapsePrerequisite alone lists the fixes), then run the export again.",
            };
        }
    }

    /// <summary>The principal a check is about, by name where known: "the user Ada Lovelace (oid)".</summary>
    private static string Describe(PrerequisitePrincipal principal)
    {
        var what = principal.Kind switch
        {
            PrincipalKind.ServicePrincipal => "the Customer Insights service principal",
            PrincipalKind.User => "the user",
            PrincipalKind.WorkspaceIdentity => "the workspace's managed identity",
            PrincipalKind.QueryUser => "the query user",
            _ => "the setting",
        };
        var who = (principal.DisplayName, principal.ObjectId) switch
        {
            ({ } name, { } id) => $" {name} ({id})",
            ({ } name, null) => $" {name}",
            (null, { } id) => $" {id}",
            _ => string.Empty,
        };
        return what + who;
    }

    private async Task<(IReadOnlyList<CdmEntity> Selected, IReadOnlyList<string> Missing)> ReadSourceAsync(ExportDefinition export, OperationContext context)
    {
        var reader = new CdmFolderReader(BlobLocation.IsUrl(export.Source) ? _session.CreateBlobClientFactory() : null);
        var folder = await reader.ReadAsync(export.Source, context).ConfigureAwait(false);
        var byName = folder.Entities.ToDictionary(e => e.Name, StringComparer.OrdinalIgnoreCase);
        var selected = export.Entities.Where(byName.ContainsKey).Select(n => byName[n]).ToList();
        var missing = export.Entities.Where(n => !byName.ContainsKey(n)).ToList();
        return (selected, missing);
    }

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

    private async Task<ResolvedLake> ResolveLakeAsync(ConnectionDefinition connection, CancellationToken ct)
    {
        var targets = new ArmExportTargets(new ArmResourceReader(_session.CreateResourceManagerClient()));
        var containerTask = targets.LakeContainerAsync(connection, ct);
        var sqlTask = targets.SqlEndpointAsync(connection, ct);
        await Task.WhenAll(containerTask, sqlTask).ConfigureAwait(false);
        var container = containerTask.Result;
        return new ResolvedLake(container, DataLakeContainer.From(container), sqlTask.Result, targets.Resources);
    }

    private async Task SaveRecordAsync(ExportRunRecord record, ResolvedLake? lake, IOperationLog log, CancellationToken ct)
    {
        await _store.CreateAsync(ExportRunRecord.Kind, record.RunId, record, record.StartedBy, ct).ConfigureAwait(false);
        if (lake is null)
        {
            return;
        }

        try
        {
            var path = BlobPaths.Combine(new LakeTarget(lake.Container, record.DatabaseName).DatabaseFolder, "_runs", record.RunId + ".json");
            var json = JsonSerializer.SerializeToUtf8Bytes(record, StoreJson.Options);
            await _session.CreateBlobClientFactory().Container(lake.Container).GetBlobClient(path).UploadAsync(BinaryData.FromBytes(json), overwrite: true, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.Warning($"The run record was kept in the store but could not be written to the lake: {ex.Message}");
        }
    }

    private static string NewRunId(DateTimeOffset now)
    {
        Span<byte> random = stackalloc byte[3];
        RandomNumberGenerator.Fill(random);
        return now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", System.Globalization.CultureInfo.InvariantCulture) + "-" + Convert.ToHexString(random).ToLowerInvariant();
    }

    /// <summary>Where the run lands and queries, and the reader that already holds the storage account and workspace.</summary>
    private sealed record ResolvedLake(BlobLocation Container, DataLakeContainer DataLake, SqlEndpoint? SqlEndpoint, ArmResourceReader Resources);

    private sealed class SqlOutcome
    {
        public bool Applied { get; set; }

        public string? ScriptPath { get; set; }

        public CISynapseException? Error { get; set; }

        public List<string> Warnings { get; } = [];
    }
}
