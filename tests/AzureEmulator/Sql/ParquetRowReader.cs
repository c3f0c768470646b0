using AzureEmulator.Tds;
using Parquet.Schema;
using Parquet.Serialization;

namespace AzureEmulator.Sql;

/// <summary>
/// Parquet through Parquet.Net with the type mapping of develop-openrowset ("Type mapping for Parquet"): BOOLEAN→bit,
/// INT32→int (INT(8)/INT(16)→tinyint/smallint, DATE→date), INT64→bigint, FLOAT→real, DOUBLE→float, DECIMAL→decimal,
/// BYTE_ARRAY UTF8/STRING→varchar/nvarchar, INT96 and INT64 TIMESTAMP adjusted to UTC→datetime2 (not adjusted: bigint),
/// TIME (any unit)→time, UUID→uniqueidentifier.
/// A WITH type outside that mapping fails ("Column 'x' of type 'INT' is not compatible with external data type
/// 'Parquet physical type: DOUBLE'"); names bind case-sensitively and a name not in the file reads as NULL.
/// </summary>
internal sealed class ParquetRowReader(ISqlFileStore files)
{
    public IReadOnlyList<OpenRowsetSource.WithColumn> Infer(IReadOnlyList<SqlFile> sources)
    {
        var (schema, _) = Load(sources[0]);
        return schema.DataFields.Select(f => new OpenRowsetSource.WithColumn(f.Name, Mapped(f), null)).ToList();
    }

    public IEnumerable<object?[]> Read(IReadOnlyList<SqlFile> sources, IReadOnlyList<OpenRowsetSource.WithColumn> columns)
    {
        foreach (var file in sources)
        {
            var (schema, rows) = Load(file);
            var fields = columns.Select(c => schema.DataFields.FirstOrDefault(f => string.Equals(f.Name, c.Name, StringComparison.Ordinal))).ToArray();
            for (var i = 0; i < columns.Count; i++)
            {
                if (fields[i] is { } field && !Compatible(field, columns[i].Type))
                {
                    throw new SqlStatementException(SqlQueryErrors.ParquetIncompatible(columns[i].Name, columns[i].Type, "Parquet physical type: " + Physical(field)));
                }
            }

            foreach (var row in rows)
            {
                var values = new object?[columns.Count + 1];
                values[^1] = file;
                for (var i = 0; i < columns.Count; i++)
                {
                    if (fields[i] is { } field && row.TryGetValue(field.Name, out var value))
                    {
                        values[i] = LocalTimestampUnit(field) is { } unit && value is DateTime local
                            ? (local.Ticks - DateTime.UnixEpoch.Ticks) / unit.Ticks
                            : TicksPerTimeUnit(field) is { } ticks && value is int or long
                            ? TimeSpan.FromTicks((long)(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) * ticks))
                            : Value(value, columns[i].Type);
                    }
                }

                yield return values;
            }
        }
    }

    private (ParquetSchema Schema, IList<Dictionary<string, object?>> Rows) Load(SqlFile file)
    {
        using var stream = files.Open(file.Account, file.Container, file.Name) ?? throw new SqlStatementException(SqlQueryErrors.CannotOpen(file.Url));
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        var result = ParquetSerializer.DeserializeUntypedAsync(copy).GetAwaiter().GetResult();
        return (result.Schema, result.Data.Select(d => d.ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal)).ToList());
    }

    private static string Physical(DataField field) => field.SchemaElement?.Type?.ToString() ?? field.ClrType.Name;

    private static Type ClrOf(DataField field) => Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;

    /// <summary>
    /// The unit of an INT64 TIMESTAMP not adjusted to UTC, which the mapping reads as bigint (the count of units since
    /// 1970, "explicitly adjust bigint value with the timezone offset before converting it to a datetime value").
    /// </summary>
    private static TimeSpan? LocalTimestampUnit(DataField field) =>
        field.SchemaElement?.LogicalType?.TIMESTAMP is { IsAdjustedToUTC: false } timestamp
            ? timestamp.Unit?.MILLIS is not null ? TimeSpan.FromMilliseconds(1) : timestamp.Unit?.MICROS is not null ? TimeSpan.FromTicks(10) : null
            : null;

    /// <summary>
    /// Ticks (100 ns) per unit of a TIME column, whose values Parquet.Net hands over as the raw INT32/INT64 count of
    /// units since midnight: 10,000 for MILLIS, 10 for MICROS, 0.01 for NANOS; null for any other column.
    /// </summary>
    private static decimal? TicksPerTimeUnit(DataField field) =>
        field.SchemaElement?.LogicalType?.TIME?.Unit is { } unit
            ? unit.MILLIS is not null ? 10_000m : unit.MICROS is not null ? 10m : 0.01m
            : null;

    private static SqlType Mapped(DataField field) => LocalTimestampUnit(field) is not null ? SqlType.BigInt : TicksPerTimeUnit(field) is not null ? new SqlType(SqlTypeKind.Time, Scale: 7)
        : field.SchemaElement?.LogicalType?.DATE is not null ? new SqlType(SqlTypeKind.Date)
        : ClrOf(field) switch
    {
        var t when t == typeof(bool) => SqlType.Bit,
        var t when t == typeof(sbyte) || t == typeof(byte) => new SqlType(SqlTypeKind.TinyInt),
        var t when t == typeof(short) => new SqlType(SqlTypeKind.SmallInt),
        var t when t == typeof(int) => SqlType.Int,
        var t when t == typeof(long) => SqlType.BigInt,
        var t when t == typeof(float) => new SqlType(SqlTypeKind.Real),
        var t when t == typeof(double) => new SqlType(SqlTypeKind.Float),
        var t when t == typeof(decimal) => new SqlType(SqlTypeKind.Decimal, Precision: 38, Scale: 18),
        var t when t == typeof(string) || t == typeof(ReadOnlyMemory<char>) => new SqlType(SqlTypeKind.Varchar, 8000, Collation: "Latin1_General_100_BIN2_UTF8"),
        var t when t == typeof(DateOnly) => new SqlType(SqlTypeKind.Date),
        var t when t == typeof(DateTime) => new SqlType(SqlTypeKind.DateTime2, Scale: 7),
        var t when t == typeof(TimeOnly) || t == typeof(TimeSpan) => new SqlType(SqlTypeKind.Time, Scale: 7),
        var t when t == typeof(Guid) => new SqlType(SqlTypeKind.UniqueIdentifier),
        var t => throw new SqlStatementException(SqlQueryErrors.NotImplemented($"the Parquet type {t.Name} of column '{field.Name}'")),
    };

    private static bool Compatible(DataField field, SqlType type)
    {
        var mapped = Mapped(field);
        return mapped.Kind == type.Kind || (mapped.IsText && type.IsText);
    }

    private static object? Value(object? value, SqlType type) => value switch
    {
        null => null,
        ReadOnlyMemory<char> text => text.ToString(),
        DateOnly d => d.ToDateTime(TimeOnly.MinValue),
        TimeOnly t => t.ToTimeSpan(),
        DateTime d => DateTime.SpecifyKind(d, DateTimeKind.Unspecified),
        sbyte s => (byte)s,
        decimal m => Math.Round(m, Math.Min((int)type.Scale, 28)),
        _ => value,
    };
}
