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
    CISynapseException? Error = null);

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
