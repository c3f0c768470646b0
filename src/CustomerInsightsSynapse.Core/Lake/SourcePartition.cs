using CustomerInsightsSynapse.Core.Cdm;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>
/// A partition as the planner found it: where it lands inside the snapshot folder (<see cref="RelativePath"/>,
/// keeping the source file names), its size, and the token that changes when its content changes
/// (a blob's ETag; for a local file its size and modified time, or its SHA-256, as <see cref="LandingOptions.LocalFingerprint"/> says).
/// </summary>
public sealed record SourcePartition(CdmPartition Partition, string RelativePath, long Size, string Version)
{
    public bool IsBlob => Partition.IsBlob;

    /// <summary>Whether the CSV partition is converted to Parquet while it is landed (its <see cref="RelativePath"/> then ends in <c>.parquet</c>).</summary>
    public bool ConvertToParquet { get; init; }

    /// <summary>
    /// Whether the lake CSV partition is copied into the run's staging folder and converted to Parquet there by
    /// serverless SQL (CETAS) before the commit; its bytes never pass through this machine.
    /// </summary>
    public bool ConvertOnServer { get; init; }

    /// <summary>Whether the partition lands as Parquet it was not already: converted here or on the server.</summary>
    public bool LandsConverted => ConvertToParquet || ConvertOnServer;
}
