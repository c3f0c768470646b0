using System.Buffers.Binary;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Sql;
using global::Azure;
using global::Azure.Storage.Blobs.Models;
using global::Azure.Storage.Blobs.Specialized;
using Parquet;
using Parquet.Meta;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>Reads <paramref name="count"/> bytes of a file from <paramref name="offset"/>.</summary>
public delegate Task<byte[]> ReadFileRange(long offset, int count, CancellationToken cancellationToken);

/// <summary>A Parquet file's top-level columns as its footer declares them, and how many bytes were read to learn them.</summary>
public sealed record ParquetFileSchema(string File, IReadOnlyList<ParquetColumn> Columns, long BytesRead);

/// <summary>
/// Reads a Parquet file's schema from its footer only: the last 8 bytes (footer length and <c>PAR1</c>), then the
/// footer itself; no data page is read. Works over any range reader: a local file, or a blob through ranged GETs.
/// </summary>
public static class ParquetFooter
{
    /// <summary>The footer length (4 bytes, little-endian) and the magic <c>PAR1</c> that end every Parquet file.</summary>
    public const int TailLength = 8;

    /// <summary>The largest footer read (a footer is metadata: a few KB per column and row group).</summary>
    public const int MaxFooterLength = 64 * 1024 * 1024;

    private static readonly byte[] Magic = "PAR1"u8.ToArray();

    /// <summary>The schema of the Parquet file <paramref name="file"/> of <paramref name="length"/> bytes.</summary>
    public static async Task<ParquetFileSchema> ReadAsync(ReadFileRange read, string file, long length, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (length < Magic.Length + TailLength)
        {
            throw Invalid(file, $"has {length} bytes, fewer than a Parquet file's magic and footer");
        }

        var tail = await read(length - TailLength, TailLength, cancellationToken).ConfigureAwait(false);
        if (tail.Length != TailLength || !tail.AsSpan(4).SequenceEqual(Magic))
        {
            throw Invalid(file, "does not end with 'PAR1' (it is not Parquet, is cut short, or its footer is encrypted)");
        }

        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (footerLength <= 0 || footerLength > MaxFooterLength || footerLength > length - TailLength - Magic.Length)
        {
            throw Invalid(file, $"declares a footer of {footerLength} bytes, which does not fit the file");
        }

        var footer = await read(length - TailLength - footerLength, footerLength, cancellationToken).ConfigureAwait(false);
        if (footer.Length != footerLength)
        {
            throw Invalid(file, "ended before its footer was read");
        }

        FileMetaData metadata;
        try
        {
            metadata = await ParseAsync(footer, tail, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw Invalid(file, "has a footer that cannot be read: " + LakeErrors.FirstLine(ex), ex);
        }

        return new ParquetFileSchema(file, Columns(file, metadata), TailLength + footerLength);
    }

    /// <summary>The schema of a blob: its length and version from its properties, then the footer's two ranges on condition of that version.</summary>
    public static async Task<ParquetFileSchema> ReadBlobAsync(BlobBaseClient blob, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        return await ReadAsync(ForBlob(blob, properties.ETag), blob.Name, properties.ContentLength, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Range reads of an open, seekable file (a local partition).</summary>
    public static ReadFileRange ForStream(Stream file) => async (offset, count, ct) =>
    {
        file.Position = offset;
        var buffer = new byte[count];
        var read = await file.ReadAtLeastAsync(buffer, count, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        return read == count ? buffer : buffer[..read];
    };

    /// <summary>
    /// The schema of a source partition before it lands: a local file opened as the lander opens it (inside its CDM
    /// folder), or a source blob through ranged GETs on condition of the version the planner saw.
    /// </summary>
    public static async Task<ParquetFileSchema> ReadSourceAsync(BlobClientFactory factory, SourcePartition source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(source);
        var name = LandingPlanner.Describe(source.Partition.Location);
        if (source.IsBlob)
        {
            var location = BlobLocation.Parse(source.Partition.Location);
            var blob = factory.Container(location).GetBlobClient(location.Path);
            return await ReadAsync(ForBlob(blob, new ETag("\"" + source.Version + "\"")), name, source.Size, cancellationToken).ConfigureAwait(false);
        }

        await using var file = LocalSourceFiles.Open(source.Partition.LocalFolder, source.Partition.Location, "the partition", bufferSize: 1, FileOptions.Asynchronous | FileOptions.RandomAccess);
        return await ReadAsync(ForStream(file), name, file.Length, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// For -WhatIf: the columns a Parquet entity's source files agree on, checked against its attributes as landing
    /// checks them; null (and the reason in <paramref name="warnings"/>) when they cannot be used, or for CSV.
    /// </summary>
    public static async Task<IReadOnlyList<ParquetColumn>?> PreviewColumnsAsync(BlobClientFactory factory, EntityPlan plan, List<string> warnings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var sources = plan.Partitions.Where(p => p.Partition.Format == PartitionFormat.Parquet).ToList();
        if (sources.Count == 0)
        {
            return null;
        }

        try
        {
            var files = new List<(string File, IReadOnlyList<ParquetColumn> Columns)>(sources.Count);
            foreach (var source in sources)
            {
                var schema = await ReadSourceAsync(factory, source, cancellationToken).ConfigureAwait(false);
                files.Add((schema.File, schema.Columns));
            }

            var agreed = ParquetViewColumns.Agree(plan.Name, files);
            ParquetViewColumns.Plan(plan.Entity, agreed, files[0].File);
            return agreed;
        }
        catch (CISynapseException ex)
        {
            warnings.Add($"Entity '{plan.Name}' would not land: {ex.Message}");
            return null;
        }
        catch (Exception ex) when (ex is RequestFailedException or IOException or UnauthorizedAccessException)
        {
            warnings.Add($"Entity '{plan.Name}': the footers of its Parquet files could not be read ({LakeErrors.FirstLine(ex)}); the plan's view shows the CDM types.");
            return null;
        }
    }

    /// <summary>Ranged GETs of a blob, each on condition that it is still the version <paramref name="ifMatch"/> when given.</summary>
    public static ReadFileRange ForBlob(BlobBaseClient blob, ETag? ifMatch = null) => async (offset, count, ct) =>
    {
        var options = new BlobDownloadOptions
        {
            Range = new HttpRange(offset, count),
            Conditions = ifMatch is { } etag ? new BlobRequestConditions { IfMatch = etag } : null,
        };
        var content = await blob.DownloadContentAsync(options, ct).ConfigureAwait(false);
        return content.Value.Content.ToArray();
    };

    /// <summary>
    /// Parquet.Net parses the footer from a stand-in file holding only the magic, the footer and the tail: the data
    /// pages it describes are never needed to learn the schema.
    /// </summary>
    private static async Task<FileMetaData> ParseAsync(byte[] footer, byte[] tail, CancellationToken cancellationToken)
    {
        var standIn = new byte[Magic.Length + footer.Length + TailLength];
        Magic.CopyTo(standIn, 0);
        footer.CopyTo(standIn, Magic.Length);
        tail.CopyTo(standIn, Magic.Length + footer.Length);
        using var stream = new MemoryStream(standIn, writable: false);
        await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        return reader.Metadata ?? throw new InvalidDataException("the footer holds no file metadata");
    }

    private static List<ParquetColumn> Columns(string file, FileMetaData metadata)
    {
        var elements = metadata.Schema ?? [];
        if (elements.Count == 0)
        {
            throw Invalid(file, "has a footer without a schema");
        }

        var columns = new List<ParquetColumn>();
        var index = 1;
        var roots = elements[0].NumChildren ?? 0;
        for (var i = 0; i < roots && index < elements.Count; i++)
        {
            var element = elements[index];
            if (element.NumChildren is > 0)
            {
                columns.Add(ParquetTypeMap.Nested(element.Name, Logical(element)));
                index = SkipSubtree(elements, index);
                continue;
            }

            columns.Add(Leaf(element));
            index++;
        }

        return columns;
    }

    /// <summary>The index after the element at <paramref name="index"/> and all its descendants (the schema is a depth-first list).</summary>
    private static int SkipSubtree(List<SchemaElement> elements, int index)
    {
        var pending = 1;
        while (pending > 0 && index < elements.Count)
        {
            pending += (elements[index].NumChildren ?? 0) - 1;
            index++;
        }

        return index;
    }

    private static ParquetColumn Leaf(SchemaElement element)
    {
        var physical = element.Type switch
        {
            Parquet.Meta.Type.BOOLEAN => "BOOLEAN",
            Parquet.Meta.Type.INT32 => "INT32",
            Parquet.Meta.Type.INT64 => "INT64",
            Parquet.Meta.Type.INT96 => "INT96",
            Parquet.Meta.Type.FLOAT => "FLOAT",
            Parquet.Meta.Type.DOUBLE => "DOUBLE",
            Parquet.Meta.Type.BYTE_ARRAY => "BYTE_ARRAY",
            Parquet.Meta.Type.FIXED_LEN_BYTE_ARRAY => "FIXED_LEN_BYTE_ARRAY",
            _ => "(unknown)",
        };
        var logical = element.LogicalType;
        if (logical is not null)
        {
            if (logical.DECIMAL is { } dec)
            {
                return ParquetTypeMap.Leaf(element.Name, physical, "DECIMAL", dec.Precision, dec.Scale);
            }

            if (logical.INTEGER is { } integer)
            {
                return ParquetTypeMap.Leaf(element.Name, physical, "INTEGER", bitWidth: integer.BitWidth, signed: integer.IsSigned);
            }

            if (logical.TIMESTAMP is { } timestamp)
            {
                return ParquetTypeMap.Leaf(element.Name, physical, "TIMESTAMP", unit: Unit(timestamp.Unit), adjustedToUtc: timestamp.IsAdjustedToUTC);
            }

            if (logical.TIME is { } time)
            {
                return ParquetTypeMap.Leaf(element.Name, physical, "TIME", unit: Unit(time.Unit), adjustedToUtc: time.IsAdjustedToUTC);
            }

            if (Logical(element) is { } name)
            {
                return ParquetTypeMap.Leaf(element.Name, physical, name);
            }
        }

        return element.ConvertedType switch
        {
            null => ParquetTypeMap.Leaf(element.Name, physical, null),
            ConvertedType.UTF8 => ParquetTypeMap.Leaf(element.Name, physical, "UTF8"),
            ConvertedType.ENUM => ParquetTypeMap.Leaf(element.Name, physical, "ENUM"),
            ConvertedType.JSON => ParquetTypeMap.Leaf(element.Name, physical, "JSON"),
            ConvertedType.BSON => ParquetTypeMap.Leaf(element.Name, physical, "BSON"),
            ConvertedType.DATE => ParquetTypeMap.Leaf(element.Name, physical, "DATE"),
            ConvertedType.DECIMAL => ParquetTypeMap.Leaf(element.Name, physical, "DECIMAL", element.Precision, element.Scale ?? 0),
            ConvertedType.TIME_MILLIS => ParquetTypeMap.Leaf(element.Name, physical, "TIME", unit: "MILLIS"),
            ConvertedType.TIME_MICROS => ParquetTypeMap.Leaf(element.Name, physical, "TIME", unit: "MICROS"),
            ConvertedType.TIMESTAMP_MILLIS => ParquetTypeMap.Leaf(element.Name, physical, "TIMESTAMP", unit: "MILLIS", adjustedToUtc: true),
            ConvertedType.TIMESTAMP_MICROS => ParquetTypeMap.Leaf(element.Name, physical, "TIMESTAMP", unit: "MICROS", adjustedToUtc: true),
            ConvertedType.INT_8 => ParquetTypeMap.Leaf(element.Name, physical, "INTEGER", bitWidth: 8, signed: true),
            ConvertedType.INT_16 => ParquetTypeMap.Leaf(element.Name, physical, "INTEGER", bitWidth: 16, signed: true),
            ConvertedType.INT_32 => ParquetTypeMap.Leaf(element.Name, physical, "INTEGER", bitWidth: 32, signed: true),
            ConvertedType.INT_64 => ParquetTypeMap.Leaf(element.Name, physical, "INTEGER", bitWidth: 64, signed: true),
            ConvertedType.UINT_8 => ParquetTypeMap.Leaf(element.Name, physical, "INTEGER", bitWidth: 8, signed: false),
            ConvertedType.UINT_16 => ParquetTypeMap.Leaf(element.Name, physical, "INTEGER", bitWidth: 16, signed: false),
            ConvertedType.UINT_32 => ParquetTypeMap.Leaf(element.Name, physical, "INTEGER", bitWidth: 32, signed: false),
            ConvertedType.UINT_64 => ParquetTypeMap.Leaf(element.Name, physical, "INTEGER", bitWidth: 64, signed: false),
            var other => ParquetTypeMap.Leaf(element.Name, physical, other.ToString()),
        };
    }

    /// <summary>The name of a logical type that carries no parameters, or null.</summary>
    private static string? Logical(SchemaElement element)
    {
        var logical = element.LogicalType;
        return logical switch
        {
            null => element.ConvertedType is ConvertedType.LIST or ConvertedType.MAP or ConvertedType.MAP_KEY_VALUE ? element.ConvertedType.ToString() : null,
            { STRING: not null } => "STRING",
            { ENUM: not null } => "ENUM",
            { JSON: not null } => "JSON",
            { BSON: not null } => "BSON",
            { UUID: not null } => "UUID",
            { DATE: not null } => "DATE",
            { LIST: not null } => "LIST",
            { MAP: not null } => "MAP",
            { FLOAT16: not null } => "FLOAT16",
            { VARIANT: not null } => "VARIANT",
            { GEOMETRY: not null } => "GEOMETRY",
            { GEOGRAPHY: not null } => "GEOGRAPHY",
            { UNKNOWN: not null } => "UNKNOWN",
            _ => null,
        };
    }

    private static string? Unit(TimeUnit? unit) => unit switch
    {
        { MILLIS: not null } => "MILLIS",
        { MICROS: not null } => "MICROS",
        { NANOS: not null } => "NANOS",
        _ => null,
    };

    private static CISynapseException Invalid(string file, string problem, Exception? inner = null) =>
        new(ErrorIds.InvalidParquetFile, ErrorKind.InvalidData, $"The Parquet file '{file}' {problem}.", file, inner);
}
