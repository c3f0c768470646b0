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
/// The lake's steps of a run, each under the database lock (<see cref="LockedDatabase"/>) and in this order:
/// <see cref="PlanAsync(LockedDatabase, IReadOnlyList{CdmEntity})"/> reads model.json and decides per entity;
/// <see cref="LandAsync(LockedDatabase, LandingPlan)"/> writes <c>{Database}/{Entity}/{snapshotId}/</c>;
/// <see cref="CommitAsync"/> rewrites <c>{Database}/model.json</c> (the only write that makes a new snapshot current);
/// <see cref="PruneAsync"/> deletes each viewed entity's snapshots other than the current and the previous one.
/// An entity that fails keeps its previous snapshot and does not stop the others; a cancelled or killed run
/// commits nothing. Nothing here calls back to the caller: whoever runs the steps decides what comes between them.
/// </summary>
public sealed class LakeLander
{
    private readonly BlobClientFactory _factory;
    private readonly LandingOptions _options;
    private readonly LandingPlanner _planner;
    private readonly PartitionTransfer _transfer;
    private readonly ParquetLanding _parquet;
    private readonly TimeProvider _clock;

    /// <summary>A lander whose clock (naming snapshots, ageing old ones) is <paramref name="clock"/>, or the options' when not given.</summary>
    public LakeLander(BlobClientFactory factory, LandingOptions? options = null, TimeProvider? clock = null)
    {
        _factory = factory;
        _options = options ?? new LandingOptions();
        _options.Validate();
        _clock = clock ?? _options.Clock;
        _planner = new LandingPlanner(factory, _options);
        _transfer = new PartitionTransfer(factory, _options);
        _parquet = new ParquetLanding(_options);
    }

    /// <summary>Who lands (the account and the run), recorded on the database lock so that a refused run can name it.</summary>
    public string? LockHolder { get; init; }

    /// <summary>
    /// Every lake step at once, for a caller with nothing to do between the commit and the clean-up (and no SQL: a lake
    /// CSV entity landing as Parquet fails, see <see cref="ParquetLanding.RefuseServerConversion"/>).
    /// </summary>
    public async Task<LandingResult> LandAsync(LakeTarget target, IReadOnlyList<CdmEntity> entities, OperationContext context)
    {
        LandingPlanner.ValidateNames(target, entities);
        await using var database = await LockAsync(target, context).ConfigureAwait(false);
        try
        {
            var plan = ParquetLanding.RefuseServerConversion(await PlanAsync(database, entities).ConfigureAwait(false), "this landing runs no SQL");
            var landed = await LandAsync(database, plan).ConfigureAwait(false);
            var commit = await CommitAsync(database, landed).ConfigureAwait(false);
            var deleted = await PruneAsync(database, commit).ConfigureAwait(false);
            return commit.Result with { DeletedSnapshots = deleted };
        }
        catch (OperationCanceledException ex) when (database.LostLockError(ex) is { } lost)
        {
            throw lost;
        }
    }

    /// <summary>Takes the database lock; the caller owns it until it disposes the result.</summary>
    public Task<LockedDatabase> LockAsync(LakeTarget target, OperationContext context) =>
        LockedDatabase.AcquireAsync(_factory, target, _options, LockHolder, context);

    /// <summary>Reads model.json (the version the commit will be conditional on) and plans each entity against it.</summary>
    public async Task<LandingPlan> PlanAsync(LockedDatabase database, IReadOnlyList<CdmEntity> entities)
    {
        var target = database.Target;
        LandingPlanner.ValidateNames(target, entities);
        try
        {
            var model = await LakeModel.ReadAsync(database.Container.GetBlobClient(target.ModelPath), target.Database, database.Context.CancellationToken).ConfigureAwait(false);
            return await _planner.PlanAsync(target, entities, model, database.Context).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            throw LakeErrors.Translate(ex, target);
        }
    }

    /// <summary>
    /// Writes every planned entity's files into a new snapshot folder (an entity converted on the server: into its
    /// staging folder, see <see cref="LandedSnapshot.Staged"/>); an entity that fails leaves no folder.
    /// </summary>
    public async Task<LandedSnapshot> LandAsync(LockedDatabase database, LandingPlan plan)
    {
        var (container, target, context) = (database.Container, database.Target, database.Context);
        var snapshotId = SnapshotId.New(_clock.GetUtcNow());
        var runs = plan.Entities.Where(e => e.Action == PlannedAction.Land)
            .Select(e => new EntityRun(e, e.Partitions.Any(p => p.ConvertOnServer) ? target.StagingFolder(snapshotId, e.Name) : target.SnapshotFolder(e.Name, snapshotId)))
            .ToList();
        // Before any data: a run refused meanwhile can name who holds the lock, and a run killed while landing leaves
        // model.json without the last clean-up's all-clear, so the next run lists the snapshot folders.
        var forgetPruneFrom = runs.Count > 0 ? ForgetPruneFromAsync(container, plan, context.CancellationToken) : Task.FromResult(plan);
        var listing = runs.Count > 0 && !runs.Any(r => r.Plan.Partitions.Any(p => p.ConvertOnServer)) ? ListSnapshotFoldersAsync(container, plan, context) : null;
        try
        {
            return await LandFilesAsync(database, plan, snapshotId, runs, forgetPruneFrom, listing).ConfigureAwait(false);
        }
        catch when (listing is not null)
        {
            // The listing only reads, but it must not outlive the landing (nor end with an exception no one observes).
            await ((Task)listing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
    }

    /// <summary>The rest of <see cref="LandAsync(LockedDatabase, LandingPlan)"/>, once the all-clear's removal and the listing have started.</summary>
    private async Task<LandedSnapshot> LandFilesAsync(LockedDatabase database, LandingPlan plan, string snapshotId, List<EntityRun> runs, Task<LandingPlan> forgetPruneFrom, Task<SnapshotFolders?>? listing)
    {
        var (container, target, context) = (database.Container, database.Target, database.Context);
        await Task.WhenAll(database.Lock.HolderRecorded, forgetPruneFrom).ConfigureAwait(false);
        plan = await forgetPruneFrom.ConfigureAwait(false);
        var progress = new LandingProgressReporter(context.Progress, target.Database, plan.Files, plan.Bytes);
        context.Log.Verbose($"Snapshot {snapshotId}: landing {runs.Count} of {plan.Entities.Count} entities, {plan.Files} files, {plan.Bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes.");

        // Largest first, so that no large file starts last and moves alone at the end (files of one size keep their order).
        var work = runs.SelectMany(r => r.Plan.Partitions.Select(p => new FileWork(r, p, !p.ConvertToParquet && PartitionTransfer.CopiesOnServer(p))))
            .OrderByDescending(w => w.Partition.Size).ToList();
        // The service's copies hold no buffer here, so many run at once; uploads stay at MaxParallelFiles (their memory bound).
        // A file fails only its entity: either loop ends early only when the run is cancelled, which ends the other too.
        try
        {
            await Task.WhenAll(
                LandAllAsync(work.Where(w => w.CopiedOnServer), _options.MaxParallelCopies),
                LandAllAsync(work.Where(w => !w.CopiedOnServer), _options.MaxParallelFiles)).ConfigureAwait(false);
        }
        finally
        {
            progress.Completed();
        }

        Task LandAllAsync(IEnumerable<FileWork> files, int atOnce) => Parallel.ForEachAsync(
            files,
            new ParallelOptions { MaxDegreeOfParallelism = atOnce, CancellationToken = context.CancellationToken },
            (item, itemCt) => LandFileAsync(container, item.Run, item.Partition, progress, context.Log, itemCt));

        var parquetColumns = CheckParquetColumns(runs, context.Log);
        foreach (var failed in runs.Where(r => r.Error is not null))
        {
            await DeleteFolderAsync(container, failed.Folder, context.Log, CancellationToken.None).ConfigureAwait(false);
        }

        var listed = listing is null ? null : await listing.ConfigureAwait(false);
        return new LandedSnapshot(plan, snapshotId, plan.Entities.Select(e => Result(target, e, runs, snapshotId)).ToList())
        {
            // This snapshot's folder of every entity landed, a failed one's too: its deletion may have been refused.
            Folders = listed?.WithLanded(runs.Select(r => target.EntityFolder(r.Plan.Name) + "/"), snapshotId),
            Landed = runs.Where(r => r.Error is null).Select(r => r.Plan).ToList(),
            ParquetColumns = parquetColumns,
            Staged = runs.Where(r => r.Error is null && r.Plan.Partitions.Any(p => p.ConvertOnServer)).ToDictionary(r => r.Plan.Name, r => r.Folder, StringComparer.Ordinal),
        };
    }

    /// <summary>
    /// Removes <see cref="LakeModel.PruneFromMetadata"/> from model.json (on condition of the ETag the plan read, tagged
    /// with a write id as a commit is, so that a lost answer is recognised) and returns the plan with the model as it now
    /// stands, so that the commit is conditional on the new ETag.
    /// </summary>
    private static async Task<LandingPlan> ForgetPruneFromAsync(BlobContainerClient container, LandingPlan plan, CancellationToken ct)
    {
        if (plan.Model is not { ETag: { } etag, PruneFrom: not null } model)
        {
            return plan;
        }

        var writeId = Guid.NewGuid().ToString("N");
        var blob = container.GetBlobClient(plan.Target.ModelPath);
        try
        {
            try
            {
                var written = await blob.SetMetadataAsync(new Dictionary<string, string> { [LakeModel.WriteIdMetadata] = writeId }, new BlobRequestConditions { IfMatch = etag }, ct).ConfigureAwait(false);
                return plan with { Model = model.WrittenAs(written.Value.ETag) };
            }
            catch (Exception ex) when (ex is RequestFailedException or AggregateException or IOException && !ct.IsCancellationRequested)
            {
                var current = (await blob.GetPropertiesAsync(cancellationToken: ct).ConfigureAwait(false)).Value;
                if (current.Metadata.TryGetValue(LakeModel.WriteIdMetadata, out var found) && found == writeId)
                {
                    return plan with { Model = model.WrittenAs(current.ETag) };
                }

                throw;
            }
        }
        catch (RequestFailedException ex)
        {
            throw LakeErrors.Translate(ex, plan.Target);
        }
    }

    /// <summary>
    /// Lists the folders below each folder the clean-up looks into (see <see cref="CleanedFolders"/>: every entity that
    /// will have a current snapshot, and the staging root) while the files land: under the lock no other run adds one,
    /// so the commit can tell whether the clean-up has anything to delete. Null when a listing failed.
    /// </summary>
    private async Task<SnapshotFolders?> ListSnapshotFoldersAsync(BlobContainerClient container, LandingPlan plan, OperationContext context)
    {
        var prefixes = plan.Entities.Where(e => e.Action == PlannedAction.Land || e.CurrentSnapshotId is not null)
            .Select(e => plan.Target.EntityFolder(e.Name) + "/")
            .Append(plan.Target.StagingRoot + "/")
            .ToList();
        var names = new IReadOnlyList<string>[prefixes.Count];
        try
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, prefixes.Count),
                new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelListings, CancellationToken = context.CancellationToken },
                async (i, ct) => names[i] = await ListFoldersAsync(container, prefixes[i], ct).ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or IOException)
        {
            context.Log.Verbose($"Could not list the snapshot folders while landing ({LakeErrors.FirstLine(ex)}); the clean-up lists them after the commit.");
            return null;
        }

        return new SnapshotFolders(prefixes.Select((p, i) => (p, names[i])).ToDictionary(f => f.p, f => f.Item2, StringComparer.Ordinal));
    }

    /// <summary>
    /// For each landed Parquet entity: the columns its files' footers agree on, matched to its CDM attributes
    /// (<see cref="Sql.ParquetViewColumns"/>). Files that disagree, or a column no documented conversion brings to its
    /// attribute's type, fail the entity here, before anything is committed, so its view never moves.
    /// </summary>
    private static Dictionary<string, IReadOnlyList<Sql.ParquetColumn>> CheckParquetColumns(List<EntityRun> runs, IOperationLog log)
    {
        var columns = new Dictionary<string, IReadOnlyList<Sql.ParquetColumn>>(StringComparer.Ordinal);
        foreach (var run in runs.Where(r => r.Error is null && !r.ParquetFiles.IsEmpty))
        {
            var files = run.ParquetFiles.OrderBy(f => f.File, StringComparer.Ordinal).ToList();
            try
            {
                var agreed = Sql.ParquetViewColumns.Agree(run.Plan.Name, files.Select(f => (f.File, f.Columns)).ToList());
                Sql.ParquetViewColumns.Plan(run.Plan.Entity, agreed, files[0].File);
                columns[run.Plan.Name] = agreed;
                log.Verbose($"Entity '{run.Plan.Name}': read the footers of {files.Count} Parquet files ({files.Sum(f => f.BytesRead).ToString("N0", CultureInfo.InvariantCulture)} bytes).");
            }
            catch (CISynapseException error)
            {
                if (run.Fail(error))
                {
                    log.Warning($"Entity '{run.Plan.Name}' was not landed and keeps its previous snapshot: {error.Message}");
                }
            }
        }

        return columns;
    }

    /// <summary>
    /// Makes the landed snapshots current by rewriting model.json (not written when nothing landed). The result's
    /// guard is what a caller checks before each view switch and what <see cref="PruneAsync"/> checks before deleting.
    /// When the folders listed while landing leave the clean-up nothing to delete, the new model.json carries the
    /// clean-up's record (<see cref="LakeModel.PruneFrom"/>): one round trip instead of the clean-up's check and record.
    /// </summary>
    public async Task<LakeCommit> CommitAsync(LockedDatabase database, LandedSnapshot landed)
    {
        var (container, target, context) = (database.Container, database.Target, database.Context);
        var model = landed.Plan.Model ?? LakeModel.Empty(target.Database);
        var previous = landed.Landed.ToDictionary(p => p.Name, p => model.EntryCopy(p.Name), StringComparer.Ordinal);
        foreach (var plan in landed.Landed)
        {
            var folder = target.SnapshotFolder(plan.Name, landed.SnapshotId);
            model.SetEntity(plan.Entity, landed.SnapshotId, plan.Fingerprint!, plan.Partitions.Select(p => (p, container.GetBlobClient(BlobPaths.Combine(folder, p.RelativePath)).Uri)).ToList(), landed.ParquetColumns.GetValueOrDefault(plan.Name));
        }

        var committedTag = model.ETag;
        DateTimeOffset? pruneFrom = null;
        if (landed.Landed.Count > 0)
        {
            var now = _clock.GetUtcNow();
            pruneFrom = landed.Folders is { } folders ? NothingToDeleteUntil(folders, CleanedFolders(target, landed.Plan, landed.Entities.Select(e => (e.Entity, e.SnapshotId))), now) : null;
            try
            {
                committedTag = await WriteModelAsync(container, target, model, now, pruneFrom, context.Log, context.CancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex)
            {
                throw LakeErrors.Translate(ex, target);
            }

            context.Log.Verbose($"Committed {target.ModelPath}: {string.Join(", ", landed.Landed.Select(p => p.Name))} now at snapshot {landed.SnapshotId}.");
        }

        var entities = landed.Entities.Select(e => e with { ParquetColumns = model.ParquetColumns(e.Entity) }).ToList();
        var result = new LandingResult(target.Database, landed.SnapshotId, landed.Landed.Count > 0, entities, []);
        return new LakeCommit(result, new LakeCommitGuard(database, committedTag))
        {
            Plan = landed.Plan,
            Model = model.WrittenAs(committedTag),
            PreviousEntries = previous,
            Folders = landed.Folders,
            PruneFromCommitted = pruneFrom is null ? null : committedTag,
        };
    }

    /// <summary>
    /// Makes the previous snapshot of each entity in <paramref name="failed"/> current again (its model.json entry as
    /// it was before <paramref name="commit"/>, or no entry when it had none), on condition that model.json is still
    /// this run's commit. The entities are Failed in the returned commit with their error; its guard is the new ETag.
    /// </summary>
    public async Task<LakeCommit> RevertAsync(LockedDatabase database, LakeCommit commit, IReadOnlyDictionary<string, CISynapseException> failed)
    {
        var (container, target, context) = (database.Container, database.Target, database.Context);
        var model = commit.Model;
        foreach (var entity in failed.Keys)
        {
            model.RestoreEntry(entity, commit.PreviousEntries[entity]);
        }

        ETag reverted;
        try
        {
            reverted = await WriteModelAsync(container, target, model, _clock.GetUtcNow(), null, context.Log, context.CancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            throw LakeErrors.Translate(ex, target);
        }

        context.Log.Verbose($"Reverted {target.ModelPath}: {string.Join(", ", failed.Keys)} back on their previous snapshots.");
        var entities = commit.Result.Entities.Select(e =>
        {
            if (!failed.TryGetValue(e.Entity, out var error))
            {
                return e;
            }

            var previous = commit.Plan.Entities.Single(p => p.Name == e.Entity).CurrentSnapshotId;
            return e with
            {
                Action = LandingAction.Failed,
                SnapshotId = previous,
                SnapshotFolder = previous is null ? null : target.SnapshotFolder(e.Entity, previous),
                Error = error,
                ParquetColumns = model.ParquetColumns(e.Entity),
                TranscodedFiles = 0,
                TranscodedFrom = [],
            };
        }).ToList();
        return new LakeCommit(commit.Result with { Entities = entities }, new LakeCommitGuard(database, reverted))
        {
            Plan = commit.Plan,
            Model = model.WrittenAs(reverted),
            PreviousEntries = commit.PreviousEntries,
            Folders = commit.Folders,
        };
    }

    /// <summary>
    /// Once the views read the committed snapshots: deletes, for every entity that has a current snapshot, the other
    /// snapshot folders older than the longest lease (by when no live run can still be landing into them), keeping
    /// the one its view read until this run. Returns the deleted folders. When every listing completed, records on
    /// model.json when the next clean-up can first find something to delete (<see cref="LakeModel.PruneFrom"/>); a run
    /// that landed nothing lists nothing before that time. The folders listed while landing are not listed again; when
    /// they held nothing to delete, the commit carried that record and, while model.json is still that commit, this
    /// sends nothing.
    /// </summary>
    public async Task<IReadOnlyList<string>> PruneAsync(LockedDatabase database, LakeCommit commit)
    {
        var (container, target, context) = (database.Container, database.Target, database.Context);
        var now = _clock.GetUtcNow();
        if (commit.Plan.Model?.PruneFrom is { } pruneFrom && now < pruneFrom)
        {
            context.Log.Verbose($"No snapshot folder of '{target.Database}' can be deleted before {pruneFrom.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC (recorded by the last clean-up); nothing listed.");
            return [];
        }

        if (commit.PruneFromCommitted is { } recorded && recorded == commit.Guard.Committed)
        {
            context.Log.Verbose($"No snapshot folder of '{target.Database}' can be deleted yet (listed while landing; recorded with the commit); nothing listed.");
            return [];
        }

        // The folders are listed (unless they were while landing) while the guard checks the lock and model.json; nothing
        // is deleted before it passed.
        var guard = commit.Result.ModelCommitted ? commit.Guard.EnsureCurrentAsync(context.CancellationToken) : Task.CompletedTask;
        var notBefore = now - SnapshotGarbage.LongestLease;
        var cleaned = CleanedFolders(target, commit.Plan, commit.Result.Entities.Select(e => (e.Entity, e.SnapshotId))).ToList();
        var pruned = new PrunedFolders[cleaned.Count];
        // One listing per folder, many at a time: a run with nothing to delete costs a round trip or two, not one per entity.
        // No cancellation token here: each listing reports its own cancellation as a warning.
        var listings = Parallel.ForEachAsync(
            Enumerable.Range(0, cleaned.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelListings },
            async (i, _) => pruned[i] = await PruneFoldersAsync(container, cleaned[i], commit.Folders?.Below(cleaned[i].Prefix), notBefore, guard, context).ConfigureAwait(false));
        try
        {
            await listings.ConfigureAwait(false);
        }
        catch when (guard.IsFaulted || guard.IsCanceled)
        {
        }

        await guard.ConfigureAwait(false);
        if (pruned.All(p => p.Complete) && commit.Guard.Committed is { } committed)
        {
            var next = pruned.Select(p => p.NextDeletable).Append(now + PruneFromHorizon).Min();
            await RecordPruneFromAsync(container, target, committed, next, context.Log, context.CancellationToken).ConfigureAwait(false);
        }

        return [.. pruned.SelectMany(p => p.Deleted)];
    }

    /// <summary>
    /// The longest a clean-up records that nothing can be deleted: past it a run lists again, so that folders no run of
    /// this module knew it left (an older module version killed while landing) are found within this time.
    /// </summary>
    internal static readonly TimeSpan PruneFromHorizon = TimeSpan.FromDays(1);

    /// <summary>What a clean-up deleted in one folder, whether every listing and deletion completed, and when the first folder it left can be deleted.</summary>
    private sealed record PrunedFolders(IReadOnlyList<string> Deleted, bool Complete, DateTimeOffset NextDeletable);

    /// <summary>A folder the clean-up looks into: its prefix, the snapshot it keeps as current and as previous, and what it holds (for messages).</summary>
    private sealed record CleanedFolder(string Prefix, string? Current, string? Previous, string What);

    /// <summary>
    /// The folders a clean-up looks into, given each entity's current snapshot after the run: the snapshot folders of
    /// every entity of <paramref name="plan"/> that has one (keeping the one its view read until this run), and the
    /// staging root (folders of killed runs: a run deletes its own once converted).
    /// </summary>
    private static IEnumerable<CleanedFolder> CleanedFolders(LakeTarget target, LandingPlan plan, IEnumerable<(string Entity, string? SnapshotId)> current)
    {
        var currentOf = current.ToDictionary(e => e.Entity, e => e.SnapshotId, StringComparer.Ordinal);
        foreach (var entity in plan.Entities.Where(e => currentOf.GetValueOrDefault(e.Name) is not null))
        {
            yield return new CleanedFolder(target.EntityFolder(entity.Name) + "/", currentOf[entity.Name], entity.CurrentSnapshotId, $"Old snapshots of entity '{entity.Name}'");
        }

        yield return new CleanedFolder(target.StagingRoot + "/", null, null, "Staging folders of killed runs");
    }

    /// <summary>
    /// Of the snapshot folders <paramref name="names"/> below one cleaned folder: those that can be deleted at
    /// <paramref name="notBefore"/> plus the longest lease, and when the first of the others (but the current one) can be.
    /// </summary>
    private static (List<string> Deletable, DateTimeOffset NextDeletable) Garbage(IEnumerable<string> names, CleanedFolder folder, DateTimeOffset notBefore)
    {
        var deletable = new List<string>();
        var next = DateTimeOffset.MaxValue;
        foreach (var name in names)
        {
            if (name == folder.Current || !SnapshotId.TryGetTime(name, out var started))
            {
                continue;
            }

            if (started >= notBefore || name == folder.Previous)
            {
                next = Min(next, started + SnapshotGarbage.LongestLease);
            }
            else
            {
                deletable.Add(name);
            }
        }

        return (deletable, next);
    }

    /// <summary>
    /// When the folders listed while landing leave the clean-up nothing to delete at <paramref name="now"/>: the time it
    /// would record (<see cref="LakeModel.PruneFrom"/>), to be written with the commit; otherwise null.
    /// </summary>
    private static DateTimeOffset? NothingToDeleteUntil(SnapshotFolders folders, IEnumerable<CleanedFolder> cleaned, DateTimeOffset now)
    {
        var next = now + PruneFromHorizon;
        foreach (var folder in cleaned)
        {
            if (folders.Below(folder.Prefix) is not { } names)
            {
                return null;
            }

            var (deletable, nextDeletable) = Garbage(names, folder, now - SnapshotGarbage.LongestLease);
            if (deletable.Count > 0)
            {
                return null;
            }

            next = Min(next, nextDeletable);
        }

        return next;
    }

    /// <summary>The names of the folders directly below <paramref name="prefix"/>.</summary>
    private static async Task<IReadOnlyList<string>> ListFoldersAsync(BlobContainerClient container, string prefix, CancellationToken ct)
    {
        var folders = new List<string>();
        await foreach (var item in container.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Delimiter = "/", Prefix = prefix }, ct).ConfigureAwait(false))
        {
            if (item.IsPrefix)
            {
                folders.Add(item.Prefix[prefix.Length..].TrimEnd('/'));
            }
        }

        return folders;
    }

    /// <summary>Records <paramref name="pruneFrom"/> on model.json, on condition that it is still the committed one; a failure only costs the next run a listing.</summary>
    private static async Task RecordPruneFromAsync(BlobContainerClient container, LakeTarget target, ETag committed, DateTimeOffset pruneFrom, IOperationLog log, CancellationToken ct)
    {
        try
        {
            await container.GetBlobClient(target.ModelPath).SetMetadataAsync(LakeModel.PruneFromMetadataOf(pruneFrom), new BlobRequestConditions { IfMatch = committed }, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or IOException or OperationCanceledException)
        {
            log.Verbose($"Could not record on {target.ModelPath} when the next clean-up can find something ({LakeErrors.FirstLine(ex)}); the next run lists the snapshot folders.");
        }
    }

    /// <summary>
    /// Deletes the snapshot folders below <paramref name="folder"/> that <see cref="Garbage"/> finds deletable, listing
    /// them first unless <paramref name="listed"/> names them; the folders left other than the current one can be
    /// deleted by a later run from their start plus the longest lease. Deletes only once <paramref name="guard"/> passed.
    /// </summary>
    private static async Task<PrunedFolders> PruneFoldersAsync(BlobContainerClient container, CleanedFolder folder, IReadOnlyList<string>? listed, DateTimeOffset notBefore, Task guard, OperationContext context)
    {
        var folders = listed ?? [];
        Exception? error = null;
        if (listed is null)
        {
            try
            {
                folders = await ListFoldersAsync(container, folder.Prefix, context.CancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RequestFailedException or OperationCanceledException)
            {
                error = ex;
            }
        }

        await guard.ConfigureAwait(false);
        var deleted = new List<string>();
        var complete = error is null;
        var (deletable, nextDeletable) = Garbage(folders, folder, notBefore);
        try
        {
            foreach (var name in deletable)
            {
                if (await DeleteFolderAsync(container, folder.Prefix + name, context.Log, context.CancellationToken).ConfigureAwait(false))
                {
                    deleted.Add(folder.Prefix + name);
                }
                else
                {
                    complete = false;
                }
            }
        }
        catch (Exception ex) when (ex is RequestFailedException or OperationCanceledException)
        {
            error ??= ex;
            complete = false;
        }

        if (error is not null)
        {
            context.Log.Warning($"{folder.What} were not all deleted ({LakeErrors.FirstLine(error)}); the next run tries again.");
        }

        return new PrunedFolders(deleted, complete, nextDeletable);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

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
            string how;
            if (partition.ConvertToParquet)
            {
                run.Nulled((await _parquet.LandAsync(run.Plan.Entity, partition, blob, progress.BytesMoved, ct).ConfigureAwait(false)).Invalid);
                how = "converted to Parquet while uploading";
            }
            else
            {
                how = await _transfer.LandAsync(run.Plan.Entity, partition, blob, progress.BytesMoved, ct).ConfigureAwait(false);
                if (partition.Partition.Format == PartitionFormat.Parquet)
                {
                    run.ParquetFiles.Add(await ParquetFooter.ReadBlobAsync(blob, ct).ConfigureAwait(false));
                }
            }

            run.FileDone(partition.Size);
            progress.FileDone();
            log.Verbose($"Landed {blob.Name} ({partition.Size.ToString("N0", CultureInfo.InvariantCulture)} bytes, {how}).");
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
                $"Landing '{LandingPlanner.Describe(partition.Partition.Location)}' of entity '{run.Plan.Name}' failed: {LakeErrors.FirstLine(ex)}",
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
    private static async Task<ETag> WriteModelAsync(BlobContainerClient container, LakeTarget target, LakeModel model, DateTimeOffset now, DateTimeOffset? pruneFrom, IOperationLog log, CancellationToken ct)
    {
        var conditions = model.ETag is { } etag ? new BlobRequestConditions { IfMatch = etag } : new BlobRequestConditions { IfNoneMatch = ETag.All };
        var writeId = Guid.NewGuid().ToString("N");
        var metadata = pruneFrom is { } time ? LakeModel.PruneFromMetadataOf(time) : [];
        metadata[LakeModel.WriteIdMetadata] = writeId;
        var blob = container.GetBlobClient(target.ModelPath);
        try
        {
            var response = await blob.UploadAsync(
                model.Serialize(now),
                new BlobUploadOptions
                {
                    Conditions = conditions,
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                    Metadata = metadata,
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

    /// <summary>
    /// Deletes every blob below <paramref name="folder"/>; a refusal is a warning (the folder is garbage a later
    /// clean-up finds) and returns false.
    /// </summary>
    internal static async Task<bool> DeleteFolderAsync(BlobContainerClient container, string folder, IOperationLog log, CancellationToken ct)
    {
        try
        {
            await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = folder + "/" }, ct).ConfigureAwait(false))
            {
                await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: ct).ConfigureAwait(false);
            }

            log.Verbose($"Deleted folder {folder}.");
            return true;
        }
        catch (RequestFailedException ex)
        {
            log.Warning($"Could not delete {folder} ({LakeErrors.FirstLine(ex)}).");
            return false;
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
            _ => new EntityLandingResult(plan.Name, LandingAction.Landed, run!.Files, run.Bytes, snapshotId, Folder(snapshotId), run.Elapsed)
            {
                TranscodedFiles = plan.Partitions.Count(p => !p.ConvertToParquet && CsvEncodings.TranscodedFrom(p.Partition) is not null),
                TranscodedFrom = plan.Partitions
                    .Where(p => !p.ConvertToParquet && CsvEncodings.TranscodedFrom(p.Partition) is not null)
                    .Select(p => p.Partition.Csv!.Encoding)
                    .Distinct(StringComparer.OrdinalIgnoreCase)
                    .ToList(),
                NulledValues = run.NulledValues,
            },
        };
    }

    /// <summary>
    /// One file to land: a class, not a tuple, so that the parallel loop over the files runs the shared code of every
    /// loop over references instead of a value-type instantiation compiled for this loop alone.
    /// </summary>
    private sealed record FileWork(EntityRun Run, SourcePartition Partition, bool CopiedOnServer);

    /// <summary>One entity being landed: its counters, its duration and its first error.</summary>
    private sealed class EntityRun(EntityPlan plan, string folder)
    {
        private readonly Stopwatch _clock = new();
        private readonly object _gate = new();
        private int _files;
        private long _bytes;
        private readonly Dictionary<string, InvalidColumnValues> _nulled = new(StringComparer.Ordinal);
        private CISynapseException? _error;

        public EntityPlan Plan { get; } = plan;

        public string Folder { get; } = folder;

        public CISynapseException? Error => Volatile.Read(ref _error);

        /// <summary>The footers of the entity's landed Parquet files.</summary>
        public System.Collections.Concurrent.ConcurrentBag<ParquetFileSchema> ParquetFiles { get; } = [];

        public int Files => _files;

        public long Bytes => _bytes;

        public TimeSpan Elapsed => _clock.Elapsed;

        /// <summary>Per column, the values written as NULL in all its converted files (samples from the first files).</summary>
        public IReadOnlyList<InvalidColumnValues> NulledValues
        {
            get
            {
                lock (_gate)
                {
                    return _nulled.Values.ToList();
                }
            }
        }

        public void Nulled(IReadOnlyList<InvalidColumnValues> columns)
        {
            lock (_gate)
            {
                foreach (var column in columns)
                {
                    _nulled[column.Column] = _nulled.TryGetValue(column.Column, out var sum)
                        ? sum with { Count = sum.Count + column.Count, Samples = sum.Samples.Concat(column.Samples).Take(ParquetColumnWriter.SampleLimit).ToList() }
                        : column;
                }
            }
        }

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
