using System.Buffers.Binary;
using Azure.Storage.Blobs;
using CustomerInsightsSynapse.Core.Lake;
using Parquet;
using Parquet.Meta;

namespace CustomerInsightsSynapse.Bench;

/// <summary>
/// What a one-column aggregate over a landed Parquet file must read: the compressed chunks of that column in every
/// row group (their page headers included) and the footer with its 8-byte tail.
/// </summary>
internal sealed record ParquetFileBytes(string File, long FileBytes, long FooterBytes, long ColumnBytes, long AllColumnsBytes)
{
    /// <summary>The column's chunks and the footer.</summary>
    public long AggregateBytes => ColumnBytes + FooterBytes;
}

internal static class ParquetColumnBytes
{
    private const int TailLength = 8;
    private static readonly byte[] Magic = "PAR1"u8.ToArray();

    /// <summary>Reads the footer of a landed blob (two ranged GETs) and sums the chunk sizes of <paramref name="column"/>.</summary>
    public static async Task<ParquetFileBytes> ReadBlobAsync(BlobClient blob, string column, CancellationToken cancellationToken)
    {
        var length = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value.ContentLength;
        return await ReadAsync(ParquetFooter.ForBlob(blob), blob.Name, length, column, cancellationToken);
    }

    /// <summary>Reads the footer of a file of <paramref name="length"/> bytes through <paramref name="read"/> and sums the chunk sizes of <paramref name="column"/>.</summary>
    public static async Task<ParquetFileBytes> ReadAsync(ReadFileRange read, string file, long length, string column, CancellationToken cancellationToken)
    {
        var tail = await read(length - TailLength, TailLength, cancellationToken);
        if (!tail.AsSpan(4).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{file} does not end with PAR1.");
        }

        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
        var footer = await read(length - TailLength - footerLength, footerLength, cancellationToken);

        // Parquet.Net reads the metadata from a stand-in holding only the magic, the footer and the tail.
        var standIn = new byte[Magic.Length + footerLength + TailLength];
        Magic.CopyTo(standIn, 0);
        footer.CopyTo(standIn, Magic.Length);
        tail.CopyTo(standIn, Magic.Length + footerLength);
        using var stream = new MemoryStream(standIn, writable: false);
        await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken);
        return Sum(file, length, footerLength + TailLength, reader.Metadata ?? throw new InvalidDataException($"{file} has no metadata."), column);
    }

    /// <summary>
    /// Sums the chunk sizes. A file written by Parquet.Net is its magic, its column chunks one after another, then
    /// the footer and tail: the sum of every chunk must close that account exactly, or the sizes are not what a
    /// reader fetches and the figure would mean nothing.
    /// </summary>
    public static ParquetFileBytes Sum(string file, long fileBytes, long footerBytes, FileMetaData metadata, string column)
    {
        long columnBytes = 0;
        long allBytes = 0;
        var found = false;
        foreach (var chunk in metadata.RowGroups.SelectMany(g => g.Columns))
        {
            var chunkMetadata = chunk.MetaData ?? throw new InvalidDataException($"{file}: a column chunk has no metadata.");
            allBytes += chunkMetadata.TotalCompressedSize;
            if (chunkMetadata.PathInSchema.Count == 1 && chunkMetadata.PathInSchema[0] == column)
            {
                columnBytes += chunkMetadata.TotalCompressedSize;
                found = true;
            }
        }

        if (!found && metadata.NumRows > 0)
        {
            throw new InvalidDataException($"{file} has no column '{column}'.");
        }

        if (Magic.Length + allBytes + footerBytes != fileBytes)
        {
            throw new InvalidDataException($"{file}: magic ({Magic.Length}) + column chunks ({allBytes}) + footer ({footerBytes}) = {Magic.Length + allBytes + footerBytes} bytes, but the file has {fileBytes}.");
        }

        return new ParquetFileBytes(file, fileBytes, footerBytes, columnBytes, allBytes);
    }
}
