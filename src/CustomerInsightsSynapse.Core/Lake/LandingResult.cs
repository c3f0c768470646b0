using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>What happened to one entity in a landing.</summary>
public enum LandingAction
{
    /// <summary>Nothing moved: its current snapshot already holds the source.</summary>
    Unchanged,

    /// <summary>A new snapshot was written and is now current.</summary>
    Landed,

    /// <summary>Landing failed; the entity keeps its previous snapshot.</summary>
    Failed,
}

/// <summary>
/// One entity's outcome. <see cref="SnapshotId"/> and <see cref="SnapshotFolder"/> name the snapshot that is current
/// after the run (the new one when landed, the kept one when unchanged or failed; null if it never landed).
/// </summary>
public sealed record EntityLandingResult(
    string Entity,
    LandingAction Action,
    int Files,
    long Bytes,
    string? SnapshotId,
    string? SnapshotFolder,
    TimeSpan Duration,
    CISynapseException? Error = null)
{
    /// <summary>For a Parquet entity: its current snapshot's file columns as model.json records them (null when not known).</summary>
    public IReadOnlyList<Sql.ParquetColumn>? ParquetColumns { get; init; }

    /// <summary>How many of its CSV files were transcoded to UTF-8 while landing (0 unless landed).</summary>
    public int TranscodedFiles { get; init; }

    /// <summary>The encodings those files were declared in, as the source named them.</summary>
    public IReadOnlyList<string> TranscodedFrom { get; init; } = [];

    /// <summary>Landed as Parquet with <c>-InvalidValue Null</c>: per column, the values that did not convert and were written as NULL.</summary>
    public IReadOnlyList<InvalidColumnValues> NulledValues { get; init; } = [];
}

/// <summary>
/// A landing's outcome: one result per selected entity, whether model.json was rewritten (it is not when nothing
/// landed), and the snapshot folders that cleanup deleted.
/// </summary>
public sealed record LandingResult(
    string Database,
    string SnapshotId,
    bool ModelCommitted,
    IReadOnlyList<EntityLandingResult> Entities,
    IReadOnlyList<string> DeletedSnapshots)
{
    public int Files => Entities.Sum(e => e.Files);

    public long Bytes => Entities.Sum(e => e.Bytes);
}

/// <summary>
/// A snapshot's files written by <see cref="LakeLander.LandAsync(LockedDatabase, LandingPlan)"/>, not yet current:
/// one result per planned entity, as it will be once committed.
/// </summary>
public sealed record LandedSnapshot(LandingPlan Plan, string SnapshotId, IReadOnlyList<EntityLandingResult> Entities)
{
    /// <summary>The entities whose every file landed.</summary>
    internal IReadOnlyList<EntityPlan> Landed { get; init; } = [];

    /// <summary>The file columns of each landed Parquet entity, read from the landed files' footers.</summary>
    internal IReadOnlyDictionary<string, IReadOnlyList<Sql.ParquetColumn>> ParquetColumns { get; init; } = new Dictionary<string, IReadOnlyList<Sql.ParquetColumn>>();

    /// <summary>
    /// The entities whose lake CSV files landed in a staging folder (entity name to container-relative folder) to be
    /// converted to Parquet in their snapshot folder before the commit.
    /// </summary>
    public IReadOnlyDictionary<string, string> Staged { get; init; } = new Dictionary<string, string>();

    /// <summary>The folders the clean-up looks into, as listed while landing plus this snapshot's; null when not listed.</summary>
    internal SnapshotFolders? Folders { get; init; }
}

/// <summary>
/// What <see cref="LakeLander.CommitAsync"/> made current, and the guard to check before each view switch and
/// before the clean-up.
/// </summary>
public sealed record LakeCommit(LandingResult Result, LakeCommitGuard Guard)
{
    internal LandingPlan Plan { get; init; } = null!;

    /// <summary>model.json as committed, with the committed ETag.</summary>
    internal LakeModel Model { get; init; } = null!;

    /// <summary>Each landed entity's model.json entry before the commit (null when it had none), for <see cref="LakeLander.RevertAsync"/>.</summary>
    internal IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonObject?> PreviousEntries { get; init; } = new Dictionary<string, System.Text.Json.Nodes.JsonObject?>();

    /// <summary>The folders the clean-up looks into, as <see cref="LandedSnapshot.Folders"/>; null when they must be listed.</summary>
    internal SnapshotFolders? Folders { get; init; }

    /// <summary>
    /// The ETag of the commit that recorded <see cref="LakeModel.PruneFrom"/> because the clean-up had nothing to delete;
    /// null when it did not. While model.json is still that commit, the clean-up has nothing to do.
    /// </summary>
    internal global::Azure.ETag? PruneFromCommitted { get; init; }
}

/// <summary>The names of the folders below each folder a clean-up looks into (prefixes ending in '/').</summary>
internal sealed class SnapshotFolders(IReadOnlyDictionary<string, IReadOnlyList<string>> names)
{
    /// <summary>The folders below <paramref name="prefix"/>; null when it was not listed.</summary>
    public IReadOnlyList<string>? Below(string prefix) => names.GetValueOrDefault(prefix);

    /// <summary>These folders once <paramref name="snapshotId"/> was written below each of <paramref name="prefixes"/>.</summary>
    public SnapshotFolders WithLanded(IEnumerable<string> prefixes, string snapshotId)
    {
        var landed = prefixes.ToHashSet(StringComparer.Ordinal);
        return new SnapshotFolders(names.ToDictionary(
            n => n.Key,
            n => landed.Contains(n.Key) && !n.Value.Contains(snapshotId) ? (IReadOnlyList<string>)[.. n.Value, snapshotId] : n.Value,
            StringComparer.Ordinal));
    }
}
