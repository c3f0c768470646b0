using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>What a Parquet column's values are, once serverless SQL has read them with its documented type.</summary>
public enum ParquetValueKind
{
    /// <summary>UTF-8 text (BYTE_ARRAY STRING/UTF8/ENUM/JSON, and nested LIST/MAP/struct groups read as JSON).</summary>
    Text,

    /// <summary>Bytes without a text type (BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY, BSON): varbinary/binary.</summary>
    Binary,

    Boolean,

    /// <summary>Integers (tinyint, smallint, int, bigint, decimal(20,0) for unsigned INT64; TIMESTAMP not adjusted to UTC is bigint).</summary>
    Integer,

    /// <summary>FLOAT (real) and DOUBLE (float).</summary>
    Float,

    Decimal,

    Date,

    Time,

    /// <summary>INT96 and INT64 TIMESTAMP adjusted to UTC (MILLIS/MICROS): datetime2.</summary>
    DateTime,

    /// <summary>FIXED_LEN_BYTE_ARRAY UUID: uniqueidentifier.</summary>
    Uuid,

    /// <summary>A type serverless SQL cannot read (TIME/TIMESTAMP in NANOS, INTERVAL, FLOAT16, …).</summary>
    Unsupported,
}

/// <summary>
/// One top-level column of a Parquet file as its footer declares it.
/// </summary>
/// <param name="Name">The column name (serverless binds WITH columns to it case-sensitively).</param>
/// <param name="PhysicalType">The physical type (<c>INT64</c>, <c>BYTE_ARRAY</c>, …), or <c>group</c> for a nested column.</param>
/// <param name="LogicalType">The logical/converted type (<c>STRING</c>, <c>DECIMAL(18,4)</c>, <c>TIMESTAMP(MICROS,UTC)</c>, …), or null.</param>
/// <param name="SqlType">The SQL type the documented Parquet type mapping gives it (strings without length: the view chooses it).</param>
/// <param name="Kind">What its values are once read.</param>
public sealed record ParquetColumn(string Name, string PhysicalType, string? LogicalType, string SqlType, ParquetValueKind Kind)
{
    /// <summary>The type as messages show it: <c>INT64</c>, <c>BYTE_ARRAY (STRING)</c>.</summary>
    [JsonIgnore]
    public string Description => LogicalType is null ? PhysicalType : PhysicalType + " (" + LogicalType + ")";
}

/// <summary>
/// The documented Parquet → serverless SQL type mapping (develop-openrowset, "Type mapping for Parquet"), keyed by
/// physical and logical type. The same table is in the help of Invoke-CISynapseExport.
/// </summary>
public static class ParquetTypeMap
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly ParquetTypeMapRow[] TableRows =
    [
        new("BOOLEAN", null, "bit"),
        new("INT32", null, "int"),
        new("INT32", "INT(8,true) / INT(16,true)", "smallint"),
        new("INT32", "INT(8,false)", "tinyint"),
        new("INT32", "INT(16,false) / INT(32,true)", "int"),
        new("INT32", "INT(32,false)", "bigint"),
        new("INT32", "DATE", "date"),
        new("INT32", "TIME(MILLIS)", "time"),
        new("INT32 / INT64 / BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY", "DECIMAL(p,s)", "decimal(p,s)"),
        new("INT64", null, "bigint"),
        new("INT64", "INT(64,false)", "decimal(20,0)"),
        new("INT64", "TIME(MICROS)", "time"),
        new("INT64", "TIMESTAMP(MILLIS|MICROS), adjusted to UTC", "datetime2"),
        new("INT64", "TIMESTAMP(MILLIS|MICROS), not adjusted to UTC", "bigint"),
        new("INT64", "TIME(NANOS) / TIMESTAMP(NANOS)", "not supported"),
        new("INT96", null, "datetime2"),
        new("FLOAT", null, "real"),
        new("DOUBLE", null, "float"),
        new("BYTE_ARRAY", "STRING / UTF8 / ENUM", "varchar (UTF-8 collation)"),
        new("BYTE_ARRAY", "JSON", "varchar(8000) (UTF-8 collation)"),
        new("BYTE_ARRAY", null, "varbinary"),
        new("BYTE_ARRAY", "BSON", "varbinary(max)"),
        new("FIXED_LEN_BYTE_ARRAY", null, "binary"),
        new("FIXED_LEN_BYTE_ARRAY", "UUID", "uniqueidentifier"),
        new("group", "LIST / MAP / struct", "varchar(8000) (JSON)"),
    ];

    /// <summary>The table as documented.</summary>
    public static IReadOnlyList<ParquetTypeMapRow> Table => TableRows;

    /// <summary>The column a footer's schema element describes (a leaf; nested groups go through <see cref="Nested"/>).</summary>
    public static ParquetColumn Leaf(string name, string physical, string? logical, int? precision = null, int? scale = null, int? bitWidth = null, bool? signed = null, string? unit = null, bool? adjustedToUtc = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(physical);
        ParquetColumn Column(string shownLogical, string sql, ParquetValueKind kind) => new(name, physical, shownLogical, sql, kind);
        ParquetColumn Plain(string sql, ParquetValueKind kind) => new(name, physical, null, sql, kind);

        switch (logical)
        {
            case "STRING" or "UTF8" or "ENUM" when physical == "BYTE_ARRAY":
                return Column(logical, "varchar", ParquetValueKind.Text);
            case "JSON" when physical == "BYTE_ARRAY":
                return Column(logical, "varchar(8000)", ParquetValueKind.Text);
            case "BSON" when physical == "BYTE_ARRAY":
                return Column(logical, "varbinary(max)", ParquetValueKind.Binary);
            case "UUID" when physical == "FIXED_LEN_BYTE_ARRAY":
                return Column(logical, "uniqueidentifier", ParquetValueKind.Uuid);
            case "DECIMAL" when precision is >= 1 and <= 38 && scale is >= 0 && scale <= precision:
                var p = precision.Value.ToString(CultureInfo.InvariantCulture);
                var s = scale!.Value.ToString(CultureInfo.InvariantCulture);
                return Column($"DECIMAL({p},{s})", $"decimal({p},{s})", ParquetValueKind.Decimal);
            case "DATE" when physical == "INT32":
                return Column(logical, "date", ParquetValueKind.Date);
            case "TIME" when (physical, unit) is ("INT32", "MILLIS") or ("INT64", "MICROS"):
                return Column($"TIME({unit})", "time(7)", ParquetValueKind.Time);
            case "TIMESTAMP" when physical == "INT64" && unit is "MILLIS" or "MICROS":
                return adjustedToUtc == false
                    ? Column($"TIMESTAMP({unit})", "bigint", ParquetValueKind.Integer)
                    : Column($"TIMESTAMP({unit},UTC)", "datetime2(7)", ParquetValueKind.DateTime);
            case "INTEGER" when bitWidth is { } width && signed is { } isSigned && (physical == "INT32" ? width is 8 or 16 or 32 : width == 64):
                var shown = string.Create(CultureInfo.InvariantCulture, $"INT({width},{(isSigned ? "true" : "false")})");
                var sql = (width, isSigned) switch
                {
                    (8 or 16, true) => "smallint",
                    (8, false) => "tinyint",
                    (16, false) or (32, true) => "int",
                    (32, false) or (64, true) => "bigint",
                    _ => "decimal(20,0)",
                };
                return Column(shown, sql, ParquetValueKind.Integer);
            case null:
                return physical switch
                {
                    "BOOLEAN" => Plain("bit", ParquetValueKind.Boolean),
                    "INT32" => Plain("int", ParquetValueKind.Integer),
                    "INT64" => Plain("bigint", ParquetValueKind.Integer),
                    "INT96" => Plain("datetime2(7)", ParquetValueKind.DateTime),
                    "FLOAT" => Plain("real", ParquetValueKind.Float),
                    "DOUBLE" => Plain("float", ParquetValueKind.Float),
                    "BYTE_ARRAY" => Plain("varbinary(8000)", ParquetValueKind.Binary),
                    "FIXED_LEN_BYTE_ARRAY" => Plain("binary(8000)", ParquetValueKind.Binary),
                    _ => Plain("(none)", ParquetValueKind.Unsupported),
                };
            default:
                var detail = logical is "TIME" or "TIMESTAMP" && unit is not null ? $"{logical}({unit})" : logical;
                return Column(detail, "(none)", ParquetValueKind.Unsupported);
        }
    }

    /// <summary>A nested column (LIST, MAP or struct group): read as JSON text.</summary>
    public static ParquetColumn Nested(string name, string? logical) =>
        new(name, "group", logical, "varchar(8000)", ParquetValueKind.Text);

    /// <summary>The columns as model.json keeps them for the entity's current snapshot.</summary>
    public static string Serialize(IReadOnlyList<ParquetColumn> columns) => JsonSerializer.Serialize(columns, JsonOptions);

    /// <summary>Columns written by <see cref="Serialize"/>; null when the text is not such a list.</summary>
    public static IReadOnlyList<ParquetColumn>? Deserialize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            var columns = JsonSerializer.Deserialize<List<ParquetColumn>>(text, JsonOptions);
            return columns is null || columns.Any(c => c is null || c.Name is null || c.PhysicalType is null || c.SqlType is null) ? null : columns;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>One row of the documented Parquet type mapping.</summary>
public sealed record ParquetTypeMapRow(string PhysicalType, string? LogicalType, string SqlType);
