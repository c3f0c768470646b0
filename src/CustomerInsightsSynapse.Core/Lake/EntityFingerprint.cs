using System.Security.Cryptography;
using System.Text.Json;
using CustomerInsightsSynapse.Core.Cdm;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>
/// The fingerprint of an entity's source: SHA-256 over a canonical JSON of its attributes (in order, with types),
/// and its partitions sorted by relative path (path, size, version token, format and CSV settings; a partition
/// transcoded to UTF-8 has its version token marked so).
/// Equal fingerprints mean the landed snapshot already holds this data.
/// </summary>
public static class EntityFingerprint
{
    private const int Version = 1;

    public static string Compute(IReadOnlyList<CdmAttribute> attributes, IReadOnlyList<SourcePartition> partitions)
    {
        var canonical = new
        {
            v = Version,
            attributes = attributes.Select(a => new { a.Name, a.DataType, a.MaxLength, a.Precision, a.Scale, a.IsNullable }),
            partitions = partitions
                .OrderBy(p => p.RelativePath, StringComparer.Ordinal)
                .Select(p => new
                {
                    path = p.RelativePath,
                    size = p.Size,
                    version = LandedVersion(p),
                    format = p.Partition.Format.ToString(),
                    csv = p.Partition.Format == PartitionFormat.Csv ? p.Partition.Csv ?? CsvFormat.Default : null,
                }),
        };
        var json = JsonSerializer.SerializeToUtf8Bytes(canonical);
        return "sha256:" + Convert.ToHexString(SHA256.HashData(json)).ToLowerInvariant();
    }

    /// <summary>
    /// The partition's version token, marked for a partition transcoded to UTF-8: a snapshot landed from the same
    /// source before transcoding existed holds the source's bytes, and must not count as holding this data.
    /// </summary>
    private static string LandedVersion(SourcePartition partition) =>
        CsvEncodings.TranscodedFrom(partition.Partition) is null ? partition.Version : "utf-8:" + partition.Version;

    /// <summary>SHA-256 of a file's content, read in 1 MiB chunks (memory does not grow with the file).</summary>
    public static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return "sha256:" + Convert.ToHexString(hash).ToLowerInvariant();
    }

}
