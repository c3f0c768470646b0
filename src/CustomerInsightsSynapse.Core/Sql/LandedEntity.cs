using CustomerInsightsSynapse.Core.Cdm;

namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>
/// An entity whose data is complete in the lake: <paramref name="SnapshotFolder"/> is the container-relative
/// folder holding its data files (<c>{Database}/{Entity}/{snapshotId}</c>). The view reads every file directly
/// in that folder (not sub-folders), so the lake lands only data files there.
/// </summary>
public sealed record LandedEntity(CdmEntity Entity, string SnapshotFolder);
