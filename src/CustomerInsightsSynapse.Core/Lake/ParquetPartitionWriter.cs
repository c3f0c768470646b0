using System.Globalization;
using System.Text;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Sql;
using nietras.SeparatedValues;
using Parquet;
using Parquet.Schema;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>Values of one column that did not convert to its type in one partition: how many, and the first few.</summary>
public sealed record InvalidColumnValues(string Column, string ViewType, long Count, IReadOnlyList<string> Samples);

/// <summary>What converting one partition produced: its rows, and per column the values that did not convert.</summary>
public sealed record ParquetConversionResult(long Rows, int RowGroups, IReadOnlyList<InvalidColumnValues> Invalid);

/// <summary>
/// Converts one CSV partition to one typed, Snappy-compressed Parquet file in a single streaming pass: the CSV is
/// read with Sep as the view reads it (skipLines, a header binding columns by name or else columns by position,
/// delimiter, double-quote quoting with doubled quotes, a quoted empty value an empty string and an unquoted one
/// NULL; the declared encoding, UTF-8 by default); each value goes through <see cref="ParquetValueParser"/> into
/// the column type of <see cref="ParquetColumnWriter"/>. A row group is written as soon as it holds
/// <see cref="DefaultRowGroupRows"/> rows or values from <see cref="DefaultRowGroupChars"/> characters of CSV,
/// so memory holds one row group whatever the file's size. The size: serverless SQL reads a Parquet file's column
/// chunks with ranged reads and skips whole row groups by their min/max statistics, so row groups of a few MB
/// (4 Mi characters of CSV, tens of thousands of CI rows) keep reads and skipping effective; and converting a row
/// group allocates about ten times its text (UTF-16 strings, then encoding and compression buffers), about 50 MB,
/// so the two conversions a landing runs at once (<see cref="LandingOptions.MaxParallelConversions"/>) stay far
/// below the 300 MB a landing may use, for a partition of any size.
/// Values that do not convert are counted per column; with <see cref="InvalidValueAction.Fail"/> the conversion
/// then throws <c>ParquetValueNotConverted</c> naming the file, the columns and up to 10 values of each.
/// </summary>
public sealed class ParquetPartitionWriter
{
    public const int DefaultRowGroupRows = 1_048_576;

    public const long DefaultRowGroupChars = 4L * 1024 * 1024;

    private readonly CdmEntity _entity;
    private readonly CdmPartition _partition;
    private readonly string _partitionName;
    private readonly InvalidValueAction _invalidValue;
    private readonly int _rowGroupRows;
    private readonly long _rowGroupChars;

    public ParquetPartitionWriter(CdmEntity entity, CdmPartition partition, InvalidValueAction invalidValue, int rowGroupRows = DefaultRowGroupRows, long rowGroupChars = DefaultRowGroupChars)
    {
        _entity = entity;
        _partition = partition;
        _partitionName = LandingPlanner.Describe(partition.Location);
        _invalidValue = invalidValue;
        _rowGroupRows = rowGroupRows;
        _rowGroupChars = rowGroupChars;
        Csv = CheckCsv(entity, partition);
    }

    private CsvFormat Csv { get; }

    /// <summary>Reads <paramref name="csv"/> to its end and writes the Parquet file to <paramref name="destination"/> (written front to back, never sought).</summary>
    public async Task<ParquetConversionResult> ConvertAsync(Stream csv, Stream destination, CancellationToken cancellationToken)
    {
        var columns = _entity.Attributes.Select(ParquetColumnWriter.For).ToArray();
        var schema = new ParquetSchema(columns.Select(c => (Field)c.Field).ToArray());
        // Whether a column is dictionary-encoded is decided from its first 1,024 values, not from a scan of the whole
        // row group: ids, e-mails and timestamps are almost all distinct, and the full scan cost a third of the
        // conversion's CPU time (measured with the bench's generated Customer entity).
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy, UseBigDecimal = true, DictionaryEncodingSampleSize = 1024 };

        using var text = new StreamReader(csv, EncodingOf(Csv), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        for (var i = 0; i < Csv.SkipLines && text.ReadLine() is not null; i++)
        {
        }

        using var reader = Sep.New(Csv.Delimiter[0]).Reader(o => o with
        {
            HasHeader = Csv.HasHeader,
            DisableColCountCheck = true,
            DisableQuotesParsing = Csv.Quote.Length == 0,
            Unescape = false,
        }).From(text);
        var positions = Positions(reader, columns);
        var output = new WriteOnlyStream(destination);
        var rows = 0L;
        var groups = 0;
        await using (var writer = await ParquetWriter.CreateAsync(schema, output, options, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            bool more;
            do
            {
                cancellationToken.ThrowIfCancellationRequested();
                (var buffered, more) = Fill(reader, columns, positions, rows);
                if (buffered == 0)
                {
                    break;
                }

                ThrowIfTooLong(columns);
                rows += buffered;
                using (var group = writer.CreateRowGroup())
                {
                    foreach (var column in columns)
                    {
                        await column.WriteAsync(group, cancellationToken).ConfigureAwait(false);
                        column.Clear();
                    }

                    group.CompleteValidate();
                }

                groups++;
            }
            while (more);
        }

        var invalid = columns.Where(c => c.Invalid > 0).Select(c => new InvalidColumnValues(c.Attribute.Name, c.Type.TypeName, c.Invalid, c.Samples.ToList())).ToList();
        if (invalid.Count > 0 && _invalidValue == InvalidValueAction.Fail)
        {
            throw NotConverted(invalid);
        }

        return new ParquetConversionResult(rows, groups, invalid);
    }

    /// <summary>The content type of a landed Parquet file.</summary>
    public const string ContentType = "application/vnd.apache.parquet";

    /// <summary>Reads rows into the columns until a row group is full or the file ends; returns the rows read and whether the file goes on.</summary>
    private (int Rows, bool More) Fill(SepReader reader, ParquetColumnWriter[] columns, int[] positions, long rowsBefore)
    {
        var rows = 0;
        var chars = 0L;
        while (rows < _rowGroupRows && chars < _rowGroupChars)
        {
            if (!reader.MoveNext())
            {
                return (rows, false);
            }

            var row = reader.Current;
            if (row.ColCount == 1 && row[0].Span.IsEmpty)
            {
                continue;
            }

            chars += row.Span.Length;
            rows++;
            for (var i = 0; i < columns.Length; i++)
            {
                var position = positions[i];
                var raw = position >= 0 && position < row.ColCount ? row[position].Span : [];
                if (raw.IsEmpty)
                {
                    columns[i].AddMissing();
                }
                else
                {
                    columns[i].Add(Unquoted(raw), rowsBefore + rows);
                }
            }
        }

        return (rows, true);
    }

    /// <summary>
    /// A field as the view reads it: a quoted value without its quotes and with doubled quotes single (a new string
    /// only then), any other as it is. An unquoted empty field is NULL: the caller tells it apart before.
    /// </summary>
    private ReadOnlySpan<char> Unquoted(ReadOnlySpan<char> raw)
    {
        if (Csv.Quote.Length != 1 || raw.IsEmpty || raw[0] != '"')
        {
            return raw;
        }

        var inner = raw.Length > 1 && raw[^1] == '"' ? raw[1..^1] : raw[1..];
        return inner.Contains("\"\"", StringComparison.Ordinal) ? inner.ToString().Replace("\"\"", "\"", StringComparison.Ordinal) : inner;
    }

    /// <summary>Where each attribute is in a row: by header name when the file has a header (-1 when it lacks the column), else by position.</summary>
    private int[] Positions(SepReader reader, ParquetColumnWriter[] columns)
    {
        if (!Csv.HasHeader)
        {
            return Enumerable.Range(0, columns.Length).ToArray();
        }

        var names = reader.Header.ColNames.Select(n => Unquoted(n).ToString()).ToList();
        return columns.Select(c => names.IndexOf(c.Attribute.Name)).ToArray();
    }

    private void ThrowIfTooLong(ParquetColumnWriter[] columns)
    {
        if (columns.Select(c => c.TooLong).FirstOrDefault(t => t is not null) is { } v)
        {
            throw new Utf8ColumnWidthViolation(_entity.Name, _partitionName, v.Attribute, v.Row, v.Bytes, v.Limit).Error();
        }
    }

    private CISynapseException NotConverted(IReadOnlyList<InvalidColumnValues> invalid)
    {
        var columns = string.Join("; ", invalid.Select(c => string.Create(
            CultureInfo.InvariantCulture,
            $"column '{SqlQuoting.Printable(c.Column)}' ({c.ViewType}): {c.Count} value(s), first {string.Join(", ", c.Samples.Select(s => "'" + SqlQuoting.Printable(s) + "'"))}")));
        return new CISynapseException(
            ErrorIds.ParquetValueNotConverted,
            ErrorKind.InvalidData,
            $"The partition '{SqlQuoting.Printable(_partitionName)}' of entity '{SqlQuoting.Printable(_entity.Name)}' has values that do not convert to their column types, so the entity is not landed as Parquet: {columns}.",
            _entity.Name);
    }

    /// <summary>The CSV settings the conversion reads; what Sep cannot read as the view would is refused with the view's own ErrorIds.</summary>
    private static CsvFormat CheckCsv(CdmEntity entity, CdmPartition partition)
    {
        var csv = partition.Csv ?? CsvFormat.Default;
        var name = SqlQuoting.Printable(entity.Name);
        if (csv.Delimiter is not { Length: 1 } || csv.Delimiter == "\"")
        {
            throw ServerlessSqlGenerator.Unsupported(entity.Name, $"uses the CSV delimiter '{SqlQuoting.Printable(csv.Delimiter ?? string.Empty)}'; converting to Parquet reads a single character other than the quote");
        }

        if (csv.Quote.Length > 0 && csv.Quote != "\"")
        {
            throw ServerlessSqlGenerator.Unsupported(entity.Name, $"uses the quote '{SqlQuoting.Printable(csv.Quote)}'; converting to Parquet reads double quotes or no quoting");
        }

        if (!string.IsNullOrEmpty(csv.Escape) && csv.Escape != csv.Quote)
        {
            throw new CISynapseException(
                ErrorIds.UnsupportedCsvEscape,
                ErrorKind.InvalidData,
                $"The entity '{name}' declares the CSV escape character '{SqlQuoting.Printable(csv.Escape)}'; converting to Parquet reads only quotes escaped by doubling.",
                entity.Name);
        }

        if (!string.IsNullOrEmpty(csv.NewLine) && csv.NewLine is not ("\n" or "\r\n" or "\r"))
        {
            throw ServerlessSqlGenerator.Unsupported(entity.Name, "uses a line end other than LF, CRLF or CR, which converting to Parquet does not read");
        }

        _ = EncodingOf(csv, entity.Name);
        return csv;
    }

    private static Encoding EncodingOf(CsvFormat csv, string? entity = null)
    {
        var name = string.IsNullOrWhiteSpace(csv.Encoding) ? "UTF-8" : csv.Encoding.Trim();
        try
        {
            return name.Replace("-", string.Empty, StringComparison.Ordinal).Equals("UTF8", StringComparison.OrdinalIgnoreCase)
                ? new UTF8Encoding(false, throwOnInvalidBytes: true)
                : Encoding.GetEncoding(name, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
        catch (ArgumentException ex)
        {
            throw new CISynapseException(
                ErrorIds.UnsupportedCsvEncoding,
                ErrorKind.InvalidData,
                $"The entity '{SqlQuoting.Printable(entity ?? string.Empty)}' declares the CSV encoding '{SqlQuoting.Printable(name)}', which .NET does not know, so its files cannot be converted to Parquet.",
                entity,
                ex);
        }
    }

    /// <summary>
    /// The Parquet writer's output: forwards writes and counts them for <see cref="Stream.Position"/> (where each column
    /// chunk starts, for the footer), so the destination, an upload in blocks, never needs to seek.
    /// </summary>
    private sealed class WriteOnlyStream(Stream inner) : ForwardWriteStream
    {
        private long _written;

        protected override long BytesWritten => _written;

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            _written += buffer.Length;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            _written += buffer.Length;
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    }
}
