using System.Security.Cryptography;
using System.Text;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using global::Azure.Storage.Blobs;
using global::Azure.Storage.Blobs.Models;
using global::Azure.Storage.Blobs.Specialized;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>
/// Landing as Parquet (<see cref="LandingOptions.LandAs"/>): which partitions are converted, where they land, what
/// the fingerprint adds, and the conversion of a local CSV partition (a lake CSV partition is converted by serverless
/// SQL instead: see <see cref="SourcePartition.ConvertOnServer"/>) while it is uploaded in blocks of
/// <see cref="LandingOptions.BlockSize"/>, <see cref="LandingOptions.MaxParallelBlocks"/> staged at a time
/// (<see cref="ConcurrentBlockUploadStream"/>) and committed only once the whole partition converted. At most
/// <see cref="LandingOptions.MaxParallelConversions"/> partitions convert at the same time (the work is CPU-bound,
/// and each holds a row group and at most <see cref="LandingOptions.MaxParallelBlocks"/> + 1 blocks in memory).
/// </summary>
internal sealed class ParquetLanding(LandingOptions options)
{
    private const string ParquetExtension = ".parquet";

    private readonly SemaphoreSlim _conversions = new(Math.Min(options.MaxParallelConversions, options.MaxParallelFiles));

    /// <summary>Whether the partition is converted: a local CSV partition of an export that lands as Parquet.</summary>
    public static bool Converts(LandingOptions options, CdmPartition partition) =>
        options.LandAs == LandingFormat.Parquet && partition.Format == PartitionFormat.Csv && !partition.IsBlob;

    /// <summary>Whether the partition is converted by serverless SQL: a lake CSV partition of an export that lands as Parquet.</summary>
    public static bool ConvertsOnServer(LandingOptions options, CdmPartition partition) =>
        options.LandAs == LandingFormat.Parquet && partition.Format == PartitionFormat.Csv && partition.IsBlob;

    /// <summary>
    /// The plan with every entity that would be converted on the server Failed with <c>ParquetConversionNeedsApply</c>,
    /// because <paramref name="why"/> no SQL runs; nothing of theirs is staged.
    /// </summary>
    internal static LandingPlan RefuseServerConversion(LandingPlan plan, string why) => plan with
    {
        Entities = plan.Entities.Select(e => e.Action == PlannedAction.Land && e.Partitions.Any(p => p.ConvertOnServer)
            ? e with
            {
                Action = PlannedAction.Failed,
                Error = new CISynapseException(
                    ErrorIds.ParquetConversionNeedsApply,
                    ErrorKind.InvalidOperation,
                    $"The entity '{e.Name}' has CSV partitions in the lake, which serverless SQL converts to Parquet as the run lands them, but {why}; the entity keeps its previous snapshot.",
                    e.Name)
                {
                    RecommendedAction = RecommendedActions.For(ErrorIds.ParquetConversionNeedsApply),
                },
            }
            : e).ToList(),
    };

    /// <summary>Where a converted partition lands: its path with <c>.parquet</c> in place of <c>.csv</c> (or added).</summary>
    public static string LandedPath(string relativePath) =>
        (relativePath.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? relativePath[..^4] : relativePath) + ParquetExtension;

    /// <summary>
    /// The fingerprint of an entity landed as Parquet: the source's, and the settings that shape the written files,
    /// so that changing -LandAs or -InvalidValue lands the entity again.
    /// </summary>
    public static string Fingerprint(string sourceFingerprint, LandingOptions options)
    {
        var text = $"{sourceFingerprint}\nlandAs={options.LandAs}\ninvalidValue={options.InvalidValue}\nparquet=1";
        return "sha256:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
    }

    /// <summary>The entity as its snapshot holds it: with Parquet partitions when its files were converted.</summary>
    public static CdmEntity AsLanded(CdmEntity entity, bool convertedToParquet) =>
        convertedToParquet && entity.Partitions.Any(p => p.Format == PartitionFormat.Csv)
            ? entity with { Partitions = entity.Partitions.Select(p => p with { Format = PartitionFormat.Parquet, Csv = null }).ToList() }
            : entity;

    /// <summary>Converts the local CSV partition into <paramref name="destination"/> while reading it once; reports CSV bytes read.</summary>
    public async Task<ParquetConversionResult> LandAsync(CdmEntity entity, SourcePartition source, BlobClient destination, Action<long> bytesMoved, CancellationToken cancellationToken)
    {
        await _conversions.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var file = LocalSourceFiles.Open(
                source.Partition.LocalFolder,
                source.Partition.Location,
                "the partition",
                bufferSize: 1,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
            if (file.Length != source.Size)
            {
                throw new CISynapseException(
                    ErrorIds.PartitionLandingFailed,
                    ErrorKind.InvalidData,
                    $"The partition '{LandingPlanner.Describe(source.Partition.Location)}' changed while it was being landed.",
                    source.Partition.Location)
                {
                    RecommendedAction = "Run the export again once the source has finished writing.",
                };
            }

            var writer = new ParquetPartitionWriter(entity, source.Partition, options.InvalidValue, options.ParquetRowGroupRows, options.ParquetRowGroupChars);
            var blob = destination.GetParentBlobContainerClient().GetBlockBlobClient(destination.Name);
            var headers = new BlobHttpHeaders { ContentType = ParquetPartitionWriter.ContentType };
            await using var output = new ConcurrentBlockUploadStream(blob, options.BlockSize, options.MaxParallelBlocks, headers, cancellationToken);
            var converted = await writer.ConvertAsync(new ReportingReadStream(file, bytesMoved), output, cancellationToken).ConfigureAwait(false);
            await output.CompleteAsync(cancellationToken).ConfigureAwait(false);
            return converted;
        }
        finally
        {
            _conversions.Release();
        }
    }

    /// <summary>A file read front to back that reports each chunk's length as moved.</summary>
    private sealed class ReportingReadStream(Stream inner, Action<long> bytesRead) : ForwardReadStream
    {
        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            bytesRead(read);
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            bytesRead(read);
            return read;
        }
    }
}
