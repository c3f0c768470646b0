using CustomerInsightsSynapse.Core.Cdm;

namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>
/// An entity whose data is complete in the lake: <paramref name="SnapshotFolder"/> is the container-relative
/// folder holding its data files (<c>{Database}/{Entity}/{snapshotId}</c>). The view reads every file of that folder,
/// at any depth, so the lake lands only data files there.
/// </summary>
public sealed record LandedEntity(CdmEntity Entity, string SnapshotFolder)
{
    /// <summary>
    /// For a Parquet entity: the columns its snapshot's files declare in their footers (see
    /// <see cref="ParquetViewColumns"/>); null when they are not known, and the view then declares the CDM types.
    /// </summary>
    public IReadOnlyList<ParquetColumn>? ParquetColumns { get; init; }
}
