using System.Diagnostics;
using System.Globalization;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using global::Azure;
using global::Azure.Storage.Blobs;
using global::Azure.Storage.Blobs.Models;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>
/// Lands selected entities into <c>{Database}/{Entity}/{snapshotId}/</c> of the connection's container, then commits
/// by rewriting <c>{Database}/model.json</c> (the only write that makes a new snapshot current), then deletes each
/// landed entity's snapshots other than the new and the previous one. Holds the database lock throughout.
/// An entity that fails keeps its previous snapshot and does not stop the others; a cancelled or killed run
/// commits nothing.
/// </summary>
public sealed class LakeLander
{
    private readonly BlobClientFactory _factory;
    private readonly LandingOptions _options;
    private readonly LandingPlanner _planner;
    private readonly PartitionTransfer _transfer;

    public LakeLander(BlobClientFactory factory, LandingOptions? options = null)
    {
        _factory = factory;
        _options = options ?? new LandingOptions();
        _options.Validate();
        _planner = new LandingPlanner(factory, _options);
        _transfer = new PartitionTransfer(factory, _options);
    }

    /// <summary>Who lands (the account and the run), recorded on the database lock so that a refused run can name it.</summary>
    public string? LockHolder { get; init; }

    /// <param name="target">Where the database's data lands.</param>
    /// <param name="entities">The selected entities.</param>
    /// <param name="context">Progress, log and cancellation.</param>
    /// <param name="afterCommit">
    /// Runs under the database lock once model.json names the current snapshots (landed or not), before old snapshots
    /// are deleted: the place to move views to the current snapshots, each move preceded by the guard's check.
    /// Returning false keeps the old snapshots.
    /// </param>
    public async Task<LandingResult> LandAsync(LakeTarget target, IReadOnlyList<CdmEntity> entities, OperationContext context, Func<LandingResult, LakeCommitGuard, OperationContext, Task<bool>>? afterCommit = null)
    {
        LandingPlanner.ValidateNames(target, entities);
        try
        {
            return await LandUnderLockAsync(target, entities, context, afterCommit).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            throw Translate(ex, target);
        }
    }

    private async Task<LandingResult> LandUnderLockAsync(LakeTarget target, IReadOnlyList<CdmEntity> entities, OperationContext context, Func<LandingResult, LakeCommitGuard, OperationContext, Task<bool>>? afterCommit)
    {
        var container = _factory.Container(target.Container);
        await using var databaseLock = await DatabaseLock.AcquireAsync(container.GetBlobClient(target.LockPath), target.Database, _options, context, LockHolder).ConfigureAwait(false);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, databaseLock.Lost);
        var run = context with { CancellationToken = linked.Token };
        try
        {
            return await LandLockedAsync(container, target, entities, run, databaseLock, afterCommit).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (databaseLock.Lost.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw DatabaseLock.LockLost(target.Database, ex);
        }
    }

    private async Task<LandingResult> LandLockedAsync(BlobContainerClient container, LakeTarget target, IReadOnlyList<CdmEntity> entities, OperationContext context, DatabaseLock databaseLock, Func<LandingResult, LakeCommitGuard, OperationContext, Task<bool>>? afterCommit)
    {
        var ct = context.CancellationToken;
        var model = await LakeModel.ReadAsync(container.GetBlobClient(target.ModelPath), target.Database, ct).ConfigureAwait(false);
        var plan = await _planner.PlanAsync(target, entities, model, context).ConfigureAwait(false);
        var snapshotId = SnapshotId.New(_options.Clock.GetUtcNow());
        var runs = plan.Entities.Where(e => e.Action == PlannedAction.Land).Select(e => new EntityRun(e, target.SnapshotFolder(e.Name, snapshotId))).ToList();
        var progress = new LandingProgressReporter(context.Progress, target.Database, plan.Files, plan.Bytes);
        context.Log.Verbose($"Snapshot {snapshotId}: landing {runs.Count} of {plan.Entities.Count} entities, {plan.Files} files, {plan.Bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes.");

        var work = runs.SelectMany(r => r.Plan.Partitions.Select(p => (Run: r, Partition: p))).ToList();
        try
        {
            await Parallel.ForEachAsync(
                work,
                new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelFiles, CancellationToken = ct },
                (item, itemCt) => LandFileAsync(container, item.Run, item.Partition, progress, context.Log, itemCt)).ConfigureAwait(false);
        }
        finally
        {
            progress.Completed();
        }

        foreach (var failed in runs.Where(r => r.Error is not null))
        {
            await DeleteFolderAsync(container, failed.Folder, context.Log, CancellationToken.None).ConfigureAwait(false);
        }

        var landed = runs.Where(r => r.Error is null).ToList();
        foreach (var r in landed)
        {
            model.SetEntity(r.Plan.Entity, snapshotId, r.Plan.Fingerprint!, r.Plan.Partitions.Select(p => (p, container.GetBlobClient(BlobPaths.Combine(r.Folder, p.RelativePath)).Uri)).ToList());
        }

        var committed = false;
        var committedTag = model.ETag;
        if (landed.Count > 0)
        {
            committedTag = await CommitAsync(container, target, model, context.Log, ct).ConfigureAwait(false);
            committed = true;
            context.Log.Verbose($"Committed {target.ModelPath}: {string.Join(", ", landed.Select(r => r.Plan.Name))} now at snapshot {snapshotId}.");
        }

        var result = new LandingResult(target.Database, snapshotId, committed, plan.Entities.Select(e => Result(target, e, runs, snapshotId)).ToList(), []);
        var guard = new LakeCommitGuard(databaseLock, container.GetBlobClient(target.ModelPath), committedTag, target.Database);
        if (afterCommit is not null && !await afterCommit(result, guard, context).ConfigureAwait(false))
        {
            context.Log.Verbose("Old snapshots are kept: the step after the commit did not complete.");
            return result;
        }

        if (landed.Count > 0)
        {
            await guard.EnsureCurrentAsync(ct).ConfigureAwait(false);
        }

        // Every entity whose view this run set reads model.json's snapshot; a landed entity's view read the previous
        // one until a moment ago. Any other snapshot folder of those entities (older runs, killed runs) is garbage once
        // it is older than the longest lease, by when no live run can still be landing into it.
        var deleted = new List<string>();
        var notBefore = _options.Clock.GetUtcNow() - SnapshotGarbage.LongestLease;
        foreach (var entity in plan.Entities)
        {
            var current = result.Entities.Single(e => e.Entity == entity.Name).SnapshotId;
            if (current is null)
            {
                continue;
            }

            deleted.AddRange(await DeleteOldSnapshotsAsync(container, target, entity.Name, [current, entity.CurrentSnapshotId], notBefore, context).ConfigureAwait(false));
        }

        return result with { DeletedSnapshots = deleted };
    }

    private async ValueTask LandFileAsync(BlobContainerClient container, EntityRun run, SourcePartition partition, LandingProgressReporter progress, IOperationLog log, CancellationToken ct)
    {
        if (run.Error is not null)
        {
            return;
        }

        run.Started();
        var blob = container.GetBlobClient(BlobPaths.Combine(run.Folder, partition.RelativePath));
        progress.Started(run.Plan.Name, partition.RelativePath);
        try
        {
            await _transfer.LandAsync(partition, blob, progress.BytesMoved, ct).ConfigureAwait(false);
            run.FileDone(partition.Size);
            progress.FileDone();
            log.Verbose($"Landed {blob.Name} ({partition.Size.ToString("N0", CultureInfo.InvariantCulture)} bytes, {(partition.IsBlob ? "server-side copy" : "upload")}).");
            if (_options.AfterFileLanded is { } hook)
            {
                await hook(new LandedFile(run.Plan.Name, blob.Name, partition.Size), ct).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            var error = ex as CISynapseException ?? new CISynapseException(
                ErrorIds.PartitionLandingFailed,
                ex is RequestFailedException { Status: 403 or 401 } ? ErrorKind.PermissionDenied : ErrorKind.ConnectionError,
                $"Landing '{LandingPlanner.Describe(partition.Partition.Location)}' of entity '{run.Plan.Name}' failed: {FirstLine(ex)}",
                run.Plan.Name,
                ex);
            if (run.Fail(error))
            {
                log.Warning($"Entity '{run.Plan.Name}' was not landed and keeps its previous snapshot: {error.Message}");
            }
        }
    }

    /// <summary>
    /// Writes model.json on condition of the ETag it was read with, tagged with a write id in its metadata. When the
    /// answer is lost (the write landed, the retry then fails on the changed ETag, or every retry fails) the blob is
    /// read back: our write id there means this run's commit is in place; another id means someone else committed.
    /// Returns the ETag of the committed model.json.
    /// </summary>
    private static async Task<ETag> CommitAsync(BlobContainerClient container, LakeTarget target, LakeModel model, IOperationLog log, CancellationToken ct)
    {
        var conditions = model.ETag is { } etag ? new BlobRequestConditions { IfMatch = etag } : new BlobRequestConditions { IfNoneMatch = ETag.All };
        var writeId = Guid.NewGuid().ToString("N");
        var blob = container.GetBlobClient(target.ModelPath);
        try
        {
            var response = await blob.UploadAsync(
                model.Serialize(),
                new BlobUploadOptions
                {
                    Conditions = conditions,
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                    Metadata = new Dictionary<string, string> { [LakeModel.WriteIdMetadata] = writeId },
                },
                ct).ConfigureAwait(false);
            return response.Value.ETag;
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or IOException && !ct.IsCancellationRequested)
        {
            var current = await blob.ExistsAsync(ct).ConfigureAwait(false) ? (await blob.GetPropertiesAsync(cancellationToken: ct).ConfigureAwait(false)).Value : null;
            if (current is not null && current.Metadata.TryGetValue(LakeModel.WriteIdMetadata, out var found) && found == writeId)
            {
                log.Verbose($"The answer to the commit of {target.ModelPath} was lost; the blob carries this run's write id, so the commit is in place.");
                return current.ETag;
            }

            if (ex is RequestFailedException { Status: 409 or 412 })
            {
                throw new CISynapseException(
                    ErrorIds.ModelCommitLost,
                    ErrorKind.ResourceBusy,
                    $"{target.ModelPath} was committed by another writer during the landing; this run's snapshots were not committed and every view stays where that commit put it.",
                    target.Database,
                    ex)
                {
                    RecommendedAction = "Run the export again; if it happens again, look for another process or export writing into the same database folder.",
                };
            }

            throw;
        }
    }

    private static async Task<IReadOnlyList<string>> DeleteOldSnapshotsAsync(BlobContainerClient container, LakeTarget target, string entity, string?[] keep, DateTimeOffset notBefore, OperationContext context)
    {
        var deleted = new List<string>();
        var prefix = target.EntityFolder(entity) + "/";
        try
        {
            await foreach (var item in container.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Delimiter = "/", Prefix = prefix }, context.CancellationToken).ConfigureAwait(false))
            {
                if (!item.IsPrefix)
                {
                    continue;
                }

                var name = item.Prefix[prefix.Length..].TrimEnd('/');
                if (SnapshotId.TryGetTime(name, out var started) && started < notBefore && !keep.Contains(name))
                {
                    await DeleteFolderAsync(container, item.Prefix.TrimEnd('/'), context.Log, context.CancellationToken).ConfigureAwait(false);
                    deleted.Add(item.Prefix.TrimEnd('/'));
                }
            }
        }
        catch (Exception ex) when (ex is RequestFailedException or OperationCanceledException)
        {
            context.Log.Warning($"Old snapshots of entity '{entity}' were not all deleted ({FirstLine(ex)}); the next run tries again.");
        }

        return deleted;
    }

    private static async Task DeleteFolderAsync(BlobContainerClient container, string folder, IOperationLog log, CancellationToken ct)
    {
        try
        {
            await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = folder + "/" }, ct).ConfigureAwait(false))
            {
                await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: ct).ConfigureAwait(false);
            }

            log.Verbose($"Deleted snapshot folder {folder}.");
        }
        catch (RequestFailedException ex)
        {
            log.Warning($"Could not delete {folder} ({FirstLine(ex)}).");
        }
    }

    private static EntityLandingResult Result(LakeTarget target, EntityPlan plan, List<EntityRun> runs, string snapshotId)
    {
        var run = runs.FirstOrDefault(r => ReferenceEquals(r.Plan, plan));
        string? Folder(string? id) => id is null ? null : target.SnapshotFolder(plan.Name, id);
        return plan.Action switch
        {
            PlannedAction.Unchanged => new EntityLandingResult(plan.Name, LandingAction.Unchanged, 0, 0, plan.CurrentSnapshotId, Folder(plan.CurrentSnapshotId), TimeSpan.Zero),
            PlannedAction.Failed => new EntityLandingResult(plan.Name, LandingAction.Failed, 0, 0, plan.CurrentSnapshotId, Folder(plan.CurrentSnapshotId), TimeSpan.Zero, plan.Error),
            _ when run!.Error is not null => new EntityLandingResult(plan.Name, LandingAction.Failed, run.Files, run.Bytes, plan.CurrentSnapshotId, Folder(plan.CurrentSnapshotId), run.Elapsed, run.Error),
            _ => new EntityLandingResult(plan.Name, LandingAction.Landed, run!.Files, run.Bytes, snapshotId, Folder(snapshotId), run.Elapsed),
        };
    }

    /// <summary>A storage failure outside any one entity (the lock, model.json, the container) as a known error.</summary>
    private static CISynapseException Translate(RequestFailedException ex, LakeTarget target)
    {
        var container = target.Container.Container;
        return ex switch
        {
            { ErrorCode: "ContainerNotFound" } => new CISynapseException(
                ErrorIds.AzureResourceNotFound,
                ErrorKind.ObjectNotFound,
                $"The container '{container}' of account '{target.Container.AccountName}' does not exist.",
                container,
                ex)
            {
                RecommendedAction = "Create the container, or fix the connection's container name.",
            },
            { Status: 401 or 403 } => new CISynapseException(
                ErrorIds.AzureAuthorizationFailed,
                ErrorKind.PermissionDenied,
                $"Access to container '{container}' was refused ({ex.ErrorCode ?? ex.Status.ToString(CultureInfo.InvariantCulture)}).",
                container,
                ex)
            {
                RecommendedAction = "The signed-in identity needs Storage Blob Data Contributor on the storage account or container.",
            },
            _ => new CISynapseException(
                ErrorIds.AzureRequestFailed,
                ErrorKind.ConnectionError,
                $"Landing into container '{container}' at {target.Container.ContainerUri} failed: {FirstLine(ex)}",
                container,
                ex),
        };
    }

    private static string FirstLine(Exception ex) => ex.Message.Split('\n', 2)[0].Trim();

    /// <summary>One entity being landed: its counters, its duration and its first error.</summary>
    private sealed class EntityRun(EntityPlan plan, string folder)
    {
        private readonly Stopwatch _clock = new();
        private readonly object _gate = new();
        private int _files;
        private long _bytes;
        private CISynapseException? _error;

        public EntityPlan Plan { get; } = plan;

        public string Folder { get; } = folder;

        public CISynapseException? Error => Volatile.Read(ref _error);

        public int Files => _files;

        public long Bytes => _bytes;

        public TimeSpan Elapsed => _clock.Elapsed;

        public void Started()
        {
            lock (_gate)
            {
                if (!_clock.IsRunning && _files == 0)
                {
                    _clock.Start();
                }
            }
        }

        public void FileDone(long bytes)
        {
            lock (_gate)
            {
                _files++;
                _bytes += bytes;
                if (_files == Plan.Partitions.Count)
                {
                    _clock.Stop();
                }
            }
        }

        public bool Fail(CISynapseException error)
        {
            lock (_gate)
            {
                _clock.Stop();
                return Interlocked.CompareExchange(ref _error, error, null) is null;
            }
        }
    }
}
