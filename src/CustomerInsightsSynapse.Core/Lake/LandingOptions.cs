namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>How a local file without an ETag is fingerprinted for incremental runs.</summary>
public enum LocalFileFingerprint
{
    /// <summary>
    /// Size and last-write time (UTC ticks), like rsync's quick check: free to compute, so a rerun with nothing
    /// changed reads no data. Misses an edit that keeps size and timestamp, which CDM writers do not do.
    /// </summary>
    SizeAndModifiedTime,

    /// <summary>SHA-256 of the content, read streaming: exact, but a rerun reads every byte again.</summary>
    ContentHash,
}

/// <summary>
/// Tuning for a landing. Memory held by upload buffers is at most
/// <see cref="MaxParallelFiles"/> × <see cref="MaxParallelBlocks"/> × <see cref="BlockSize"/> and does not grow with
/// file size; server-side copies move no data through the client.
/// </summary>
public sealed record LandingOptions
{
    public const long MiB = 1024 * 1024;

    /// <summary>Files uploaded through this process at the same time, across all entities of a run.</summary>
    public int MaxParallelFiles { get; init; } = 8;

    /// <summary>
    /// Blob partitions copied by the storage service at the same time (<see cref="PartitionTransfer.CopiesOnServer"/>).
    /// No byte of them passes through this process and each waits a round trip or two, so a source of thousands of
    /// small partitions lands as fast as the service answers only with many more at once than
    /// <see cref="MaxParallelFiles"/>; a larger blob still copies <see cref="MaxParallelBlocks"/> ranges at a time.
    /// </summary>
    public int MaxParallelCopies { get; init; } = 32;

    /// <summary>
    /// Folder listings of a run's clean-up sent at the same time (one per entity): small requests, so many more than
    /// <see cref="MaxParallelFiles"/>, and a run over tens of entities with nothing to delete waits a round trip or two.
    /// </summary>
    public int MaxParallelListings { get; init; } = 32;

    /// <summary>Blocks of one file uploaded (local) or copied (blob) at the same time.</summary>
    public int MaxParallelBlocks { get; init; } = 4;

    /// <summary>Block size for local uploads; a local file up to this size goes in one request.</summary>
    public long BlockSize { get; init; } = 8 * MiB;

    /// <summary>Blob sources up to this size are copied with one Copy Blob From URL (the service limit is 256 MiB).</summary>
    public long SingleCopyLimit { get; init; } = 256 * MiB;

    /// <summary>Block size for server-side copies of larger blobs (Put Block From URL; service limit 4000 MiB).</summary>
    public long CopyBlockSize { get; init; } = 100 * MiB;

    public LocalFileFingerprint LocalFingerprint { get; init; } = LocalFileFingerprint.SizeAndModifiedTime;

    /// <summary>The export's <c>-LandAs</c>: CSV partitions of a local source are converted to Parquet when it is <see cref="LandingFormat.Parquet"/>.</summary>
    public LandingFormat LandAs { get; init; } = LandingFormat.Csv;

    /// <summary>The export's <c>-InvalidValue</c>: what a conversion to Parquet does with a value that does not convert.</summary>
    public InvalidValueAction InvalidValue { get; init; } = InvalidValueAction.Fail;

    /// <summary>Partitions converted to Parquet at the same time (each converts one row group at a time, about 50 MB); at most <see cref="MaxParallelFiles"/>.</summary>
    public int MaxParallelConversions { get; init; } = 2;

    /// <summary>A row group is written once it holds this many rows (see <see cref="ParquetPartitionWriter"/> for the sizes chosen).</summary>
    public int ParquetRowGroupRows { get; init; } = ParquetPartitionWriter.DefaultRowGroupRows;

    /// <summary>A row group is written once its values came from this many characters of CSV text.</summary>
    public long ParquetRowGroupChars { get; init; } = ParquetPartitionWriter.DefaultRowGroupChars;

    /// <summary>
    /// Lease on <c>{Database}/_lock</c> (15–60 s as the service allows). The shortest lease, so that a crashed run
    /// blocks the next one for at most this long; a live run renews it every <see cref="LockRenewInterval"/>.
    /// </summary>
    public TimeSpan LockDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Leaves two more renewals before the lease expires when one renewal fails for a passing reason.</summary>
    public TimeSpan LockRenewInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Names snapshots and dates garbage; tests move it past <see cref="SnapshotGarbage.LongestLease"/>.</summary>
    internal TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Called after each file is in place; tests use it to stop a run in the middle.</summary>
    internal Func<LandedFile, CancellationToken, Task>? AfterFileLanded { get; init; }

    internal void Validate()
    {
        if (MaxParallelFiles < 1 || MaxParallelCopies < 1 || MaxParallelListings < 1 || MaxParallelBlocks < 1 || BlockSize < 1 || CopyBlockSize < 1 || SingleCopyLimit < 0 || MaxParallelConversions < 1 || ParquetRowGroupRows < 1 || ParquetRowGroupChars < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(LandingOptions), "Parallelism and block sizes must be positive.");
        }

        if (LockRenewInterval >= LockDuration)
        {
            throw new ArgumentOutOfRangeException(nameof(LockRenewInterval), "The lock must be renewed more often than it expires.");
        }
    }
}

/// <summary>One partition file that reached its snapshot folder.</summary>
internal sealed record LandedFile(string Entity, string BlobName, long Bytes);
