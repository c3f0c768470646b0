using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>What a run does with one entity.</summary>
public enum PlannedAction
{
    /// <summary>Source and attributes match the entity's current snapshot: nothing to move.</summary>
    Unchanged,

    /// <summary>A new snapshot is needed.</summary>
    Land,

    /// <summary>The source could not be read (a partition is missing, for example); see <see cref="EntityPlan.Error"/>.</summary>
    Failed,
}

/// <summary>The plan for one entity: the action, what would move, and the fingerprint that decided it.</summary>
public sealed record EntityPlan(
    CdmEntity Entity,
    PlannedAction Action,
    IReadOnlyList<SourcePartition> Partitions,
    string? Fingerprint,
    string? CurrentSnapshotId,
    CISynapseException? Error = null)
{
    public string Name => Entity.Name;

    /// <summary>Files to move (0 when unchanged).</summary>
    public int Files => Action == PlannedAction.Land ? Partitions.Count : 0;

    /// <summary>Bytes to move (0 when unchanged).</summary>
    public long Bytes => Action == PlannedAction.Land ? Partitions.Sum(p => p.Size) : 0;
}

/// <summary>The plan for a database: one entry per selected entity, in selection order.</summary>
public sealed record LandingPlan(LakeTarget Target, IReadOnlyList<EntityPlan> Entities)
{
    public int Files => Entities.Sum(e => e.Files);

    public long Bytes => Entities.Sum(e => e.Bytes);

    internal LakeModel? Model { get; init; }
}
