using System.Globalization;
using System.Text;
using AzureEmulator.Tds;
using Parquet;
using Parquet.Schema;

namespace AzureEmulator.Sql;

/// <summary>
/// Writes a CETAS result as Snappy-compressed Parquet files named <c>&lt;guid&gt;_&lt;n&gt;.parquet</c> (Azure's naming is not
/// documented; nothing reads these names) into one folder. Types: varchar/nvarchar → BYTE_ARRAY UTF8; bit → BOOLEAN;
/// tinyint → INT32 INT(8, unsigned); smallint → INT32 INT(16, signed); int → INT32; bigint → INT64; real → FLOAT;
/// float → DOUBLE; decimal(p,s) → DECIMAL(p,s) (INT32 up to 9 digits, INT64 up to 18, else FIXED_LEN_BYTE_ARRAY);
/// date → INT32 DATE; datetime2 → INT64 TIMESTAMP(NANOS, adjusted to UTC: serverless maps it to datetime2); time →
/// INT64 TIME(NANOS, not adjusted to UTC: a time of day). Nanosecond units keep datetime2(7) and time(7) exactly.
/// Each type reads back through <see cref="ParquetRowReader"/>'s documented map as itself. Other types are refused
/// (their CETAS encoding is not documented). A failed write deletes the files it wrote.
/// </summary>
internal sealed class ParquetResultWriter(ISqlFileStore files, string account, string container, string folder)
{
    public const int RowGroupRows = 100_000;
    public const int FileRows = 1_000_000;
    private const int MaxLobBytes = 1024 * 1024;

    /// <summary>Refuses a result CETAS cannot store: a column without a name, a repeated name, or a type without a documented encoding.</summary>
    public static void Validate(IReadOnlyList<SqlColumn> columns, string table)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var column in columns)
        {
            if (string.IsNullOrEmpty(column.Name))
            {
                throw new SqlStatementException(CetasErrors.ColumnNameMissing());
            }

            if (!seen.Add(column.Name))
            {
                throw new SqlStatementException(CetasErrors.DuplicateColumn(column.Name, table));
            }

            _ = Field(column);
        }
    }

    /// <summary>Writes every row; returns how many. Reading the rows may fail (a conversion error): the files written so far are deleted.</summary>
    public long Write(Rowset rowset)
    {
        var fields = rowset.Columns.Select(Field).ToArray();
        var schema = new ParquetSchema(fields);
        var prefix = Guid.NewGuid().ToString("D");
        var written = new List<string>();
        long total = 0;
        try
        {
            var buffer = new List<object?[]>(RowGroupRows);
            using var enumerator = rowset.Rows.GetEnumerator();
            var more = true;
            while (more)
            {
                using var file = new MemoryStream();
                long inFile = 0;
                var writer = ParquetWriter.CreateAsync(schema, file, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy }).GetAwaiter().GetResult();
                try
                {
                    while (inFile < FileRows && (more = Fill(enumerator, buffer, rowset.Columns)))
                    {
                        WriteGroup(writer, fields, rowset.Columns, buffer);
                        inFile += buffer.Count;
                    }

                    if (inFile == 0 && written.Count == 0)
                    {
                        // An empty result still gets one file with the schema, so the folder can be read.
                        WriteGroup(writer, fields, rowset.Columns, buffer);
                    }
                }
                finally
                {
                    writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }

                if (inFile > 0 || written.Count == 0)
                {
                    var name = $"{folder}{prefix}_{written.Count + 1}.parquet";
                    files.Write(account, container, name, file.GetBuffer().AsMemory(0, (int)file.Length));
                    written.Add(name);
                    total += inFile;
                }
            }
        }
        catch
        {
            foreach (var name in written)
            {
                files.Delete(account, container, name);
            }

            throw;
        }

        return total;
    }

    /// <summary>The next row group's rows into <paramref name="buffer"/>; false when there were none left.</summary>
    private static bool Fill(IEnumerator<object?[]> rows, List<object?[]> buffer, IReadOnlyList<SqlColumn> columns)
    {
        buffer.Clear();
        while (buffer.Count < RowGroupRows && rows.MoveNext())
        {
            var row = rows.Current;
            for (var i = 0; i < row.Length; i++)
            {
                if (row[i] is string text && text.Length > MaxLobBytes / 4 && Encoding.UTF8.GetByteCount(text) > MaxLobBytes)
                {
                    throw new SqlStatementException(CetasErrors.LobTooLarge(columns[i].Name));
                }
            }

            buffer.Add(row);
        }

        return buffer.Count > 0;
    }

    private static void WriteGroup(ParquetWriter writer, DataField[] fields, IReadOnlyList<SqlColumn> columns, List<object?[]> rows)
    {
        using var group = writer.CreateRowGroup();
        for (var i = 0; i < fields.Length; i++)
        {
            WriteColumn(group, fields[i], columns[i].Type, rows, i).GetAwaiter().GetResult();
        }

        group.CompleteValidate();
    }

    private static DataField Field(SqlColumn column) => column.Type.Kind switch
    {
        SqlTypeKind.Varchar or SqlTypeKind.NVarchar => new DataField<string>(column.Name),
        SqlTypeKind.Bit => new DataField<bool?>(column.Name),
        SqlTypeKind.TinyInt => new DataField<byte?>(column.Name),
        SqlTypeKind.SmallInt => new DataField<short?>(column.Name),
        SqlTypeKind.Int => new DataField<int?>(column.Name),
        SqlTypeKind.BigInt => new DataField<long?>(column.Name),
        SqlTypeKind.Real => new DataField<float?>(column.Name),
        SqlTypeKind.Float => new DataField<double?>(column.Name),
        SqlTypeKind.Decimal => new DecimalDataField(column.Name, column.Type.Precision, column.Type.Scale, isNullable: true),
        SqlTypeKind.Date => new DataField<DateOnly?>(column.Name),
        SqlTypeKind.DateTime2 => new DateTimeDataField(column.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Nanos, isNullable: true),
        SqlTypeKind.Time => new TimeDataField(column.Name, TimeUnitPrecision.Nanos, isNullable: true) { IsAdjustedToUtc = false },
        _ => throw new SqlStatementException(CetasErrors.UnsupportedType(column.Name, column.Type)),
    };

    private static Task WriteColumn(ParquetRowGroupWriter group, DataField field, SqlType type, List<object?[]> rows, int index) => type.Kind switch
    {
        SqlTypeKind.Varchar or SqlTypeKind.NVarchar => group.WriteAsync(field, rows.Select(r => (string?)r[index]).ToList()!),
        SqlTypeKind.Bit => Write<bool>(group, field, rows, index, v => (bool)v),
        SqlTypeKind.TinyInt => Write(group, field, rows, index, v => Convert.ToByte(v, CultureInfo.InvariantCulture)),
        SqlTypeKind.SmallInt => Write(group, field, rows, index, v => Convert.ToInt16(v, CultureInfo.InvariantCulture)),
        SqlTypeKind.Int => Write(group, field, rows, index, v => Convert.ToInt32(v, CultureInfo.InvariantCulture)),
        SqlTypeKind.BigInt => Write(group, field, rows, index, v => Convert.ToInt64(v, CultureInfo.InvariantCulture)),
        SqlTypeKind.Real => Write(group, field, rows, index, v => Convert.ToSingle(v, CultureInfo.InvariantCulture)),
        SqlTypeKind.Float => Write(group, field, rows, index, v => Convert.ToDouble(v, CultureInfo.InvariantCulture)),
        SqlTypeKind.Decimal => Write(group, field, rows, index, v => Convert.ToDecimal(v, CultureInfo.InvariantCulture)),
        SqlTypeKind.Date => Write(group, field, rows, index, v => DateOnly.FromDateTime((DateTime)v)),
        SqlTypeKind.DateTime2 => Write(group, field, rows, index, v => DateTime.SpecifyKind((DateTime)v, DateTimeKind.Utc)),
        SqlTypeKind.Time => Write(group, field, rows, index, v => ((TimeSpan)v).Ticks * 100),
        _ => throw new InvalidOperationException("validated before writing"),
    };

    private static Task Write<T>(ParquetRowGroupWriter group, DataField field, List<object?[]> rows, int index, Func<object, T> convert)
        where T : struct
    {
        var values = new T?[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            values[i] = rows[i][index] is { } value ? convert(value) : null;
        }

        return group.WriteAsync<T>(field, values.AsMemory());
    }
}
