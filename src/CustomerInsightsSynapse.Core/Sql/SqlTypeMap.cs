using System.Globalization;
using CustomerInsightsSynapse.Core.Cdm;

namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>How a CSV text column becomes its view column in the SELECT list.</summary>
public enum SqlTextConversion
{
    /// <summary>The text itself (strings, json, unknown types).</summary>
    None,

    /// <summary><c>TRY_CONVERT(type, NULLIF(text, ''))</c>: numbers, booleans (True/False/1/0), guids.</summary>
    Plain,

    /// <summary><c>TRY_CONVERT(type, NULLIF(text, ''), 126)</c>: ISO 8601 dates and times.</summary>
    Iso8601,

    /// <summary><c>TRY_CONVERT(datetimeoffset(7), NULLIF(text, ''), 127)</c>: ISO 8601 with Z or an offset.</summary>
    Iso8601WithZone,

    /// <summary>ISO 8601 with Z, an offset or neither, normalised to UTC: <c>CONVERT(datetime2(7), SWITCHOFFSET(…, '+00:00'))</c>.</summary>
    Iso8601ToUtc,
}

/// <summary>The serverless SQL type chosen for one CDM attribute, and why it may not fit the data.</summary>
/// <param name="TypeName">The view column's T-SQL type (<c>varchar(300)</c>, <c>decimal(38,18)</c>, <c>datetime2(7)</c>, …).</param>
/// <param name="TextBytes">The width in bytes of the UTF-8 text column a CSV file is read into (1..8000).</param>
/// <param name="Conversion">How the CSV text becomes <paramref name="TypeName"/>.</param>
/// <param name="Warning">Set when the attribute's type, length or precision was not usable and a fallback was chosen.</param>
public sealed record SqlColumnType(string TypeName, int TextBytes, SqlTextConversion Conversion, string? Warning = null)
{
    /// <summary>The column as the OPENROWSET WITH clause declares it over CSV: UTF-8 text of <see cref="TextBytes"/> bytes.</summary>
    public string CsvWithType => string.Create(CultureInfo.InvariantCulture, $"varchar({TextBytes}) COLLATE {SqlTypeMap.TextCollation}");

    /// <summary>
    /// Whether a Parquet file holds the column as UTF-8 text: strings, the types no Parquet type is read as
    /// (uniqueidentifier, datetimeoffset), and time(7), whose Parquet units serverless reads (MILLIS, MICROS) would
    /// drop digits; the view converts them from text as it does over CSV.
    /// </summary>
    public bool ParquetHoldsText => Conversion is SqlTextConversion.None or SqlTextConversion.Iso8601WithZone || TypeName is "uniqueidentifier" or "time(7)";

    /// <summary>
    /// Over Parquet whose footers were not read (files this module converted, or landed before footers were read; see
    /// <see cref="ParquetViewColumns"/>): the view type, or UTF-8 text (see <see cref="ParquetHoldsText"/>).
    /// </summary>
    public string ParquetWithType => ParquetHoldsText ? CsvWithType : TypeName;
}

/// <summary>
/// The one CDM → serverless SQL type map. CDM <c>dataType</c>/<c>dataFormat</c> names are compared
/// case-insensitively. Over CSV every column is read as UTF-8 text (<c>varchar(n) COLLATE
/// Latin1_General_100_BIN2_UTF8</c>) and typed columns are converted in the view's SELECT list with TRY_CONVERT and
/// explicit styles, because the OPENROWSET documentation promises no parsing of ISO 8601 with 'T', 'Z' or offsets,
/// nor of True/False, under parser 2.0. Every view column is nullable: CDM <c>isNullable = false</c> is not enforced
/// by the files. The same table is documented in en-US/about_CustomerInsightsSynapse_SqlTypes.help.txt.
/// </summary>
public static class SqlTypeMap
{
    /// <summary>The longest character column parser 2.0 reads, in bytes ("Maximum character column length is 8000").</summary>
    public const int MaxTextBytes = 8000;

    /// <summary>UTF-8 needs up to 3 bytes for a character of the Basic Multilingual Plane (a surrogate pair: 4 bytes for 2).</summary>
    public const int Utf8BytesPerCharacter = 3;

    /// <summary>The collation of every text column: UTF-8, and the one Parquet string predicate pushdown needs.</summary>
    public const string TextCollation = "Latin1_General_100_BIN2_UTF8";

    public const int DefaultDecimalPrecision = 38;

    public const int DefaultDecimalScale = 18;

    /// <summary>The type for CDM types the map does not know.</summary>
    public const string FallbackType = "varchar(8000)";

    private static readonly SqlTypeMapRow[] TableRows =
    [
        new(["string"], "varchar(n), n = 3 x maxLength bytes, at most 8000; no maxLength: 8000"),
        new(["int16", "smallInteger"], "smallint"),
        new(["int32", "integer"], "int"),
        new(["int64", "bigInteger"], "bigint"),
        new(["double"], "float"),
        new(["float"], "real"),
        new(["decimal"], "decimal(p,s) from precision/scale; default (38,18)"),
        new(["boolean"], "bit"),
        new(["guid"], "uniqueidentifier"),
        new(["date"], "date"),
        new(["dateTime"], "datetime2(7), in UTC"),
        new(["dateTimeOffset"], "datetimeoffset(7)"),
        new(["time"], "time(7)"),
        new(["json"], "varchar(8000)"),
        new(["binary"], "varchar(8000)"),
    ];

    private static readonly Dictionary<string, SqlColumnType> FixedTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["int16"] = Typed("smallint", SqlTextConversion.Plain),
        ["smallInteger"] = Typed("smallint", SqlTextConversion.Plain),
        ["int32"] = Typed("int", SqlTextConversion.Plain),
        ["integer"] = Typed("int", SqlTextConversion.Plain),
        ["int64"] = Typed("bigint", SqlTextConversion.Plain),
        ["bigInteger"] = Typed("bigint", SqlTextConversion.Plain),
        ["double"] = Typed("float", SqlTextConversion.Plain),
        ["float"] = Typed("real", SqlTextConversion.Plain),
        ["boolean"] = Typed("bit", SqlTextConversion.Plain),
        ["guid"] = Typed("uniqueidentifier", SqlTextConversion.Plain),
        ["date"] = Typed("date", SqlTextConversion.Iso8601),
        ["dateTime"] = Typed("datetime2(7)", SqlTextConversion.Iso8601ToUtc),
        ["dateTimeOffset"] = Typed("datetimeoffset(7)", SqlTextConversion.Iso8601WithZone),
        ["time"] = Typed("time(7)", SqlTextConversion.Iso8601),
        ["json"] = Text(MaxTextBytes),
        ["binary"] = Text(MaxTextBytes),
    };

    /// <summary>The table as documented: CDM names (any case) and the SQL type each becomes.</summary>
    public static IReadOnlyList<SqlTypeMapRow> Table => TableRows;

    /// <summary>Chooses the SQL type for <paramref name="attribute"/>.</summary>
    public static SqlColumnType Map(CdmAttribute attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        var dataType = attribute.DataType?.Trim() ?? string.Empty;
        if (dataType.Equals("string", StringComparison.OrdinalIgnoreCase))
        {
            return MapString(attribute);
        }

        if (dataType.Equals("decimal", StringComparison.OrdinalIgnoreCase))
        {
            return MapDecimal(attribute);
        }

        if (FixedTypes.TryGetValue(dataType, out var fixedType))
        {
            return fixedType;
        }

        var shown = dataType.Length == 0 ? "(none)" : $"'{SqlQuoting.Printable(dataType)}'";
        return Text(MaxTextBytes) with
        {
            Warning = $"attribute '{SqlQuoting.Printable(attribute.Name)}' has the CDM data type {shown}, which has no SQL mapping; it is read as {FallbackType}.",
        };
    }

    /// <summary>The width in bytes of the text column <paramref name="attribute"/> is read into from CSV.</summary>
    public static int TextBytes(CdmAttribute attribute) => Map(attribute).TextBytes;

    private static SqlColumnType MapString(CdmAttribute attribute)
    {
        var length = attribute.MaxLength;
        if (length is >= 1 && (long)length.Value * Utf8BytesPerCharacter <= MaxTextBytes)
        {
            return Text(length.Value * Utf8BytesPerCharacter);
        }

        var warning = length >= 1
            ? $"attribute '{SqlQuoting.Printable(attribute.Name)}' has maxLength {length}, which may need more than the {MaxTextBytes} bytes a serverless CSV column holds; it is read as {FallbackType}, and a file holding a longer value fails that entity's landing."
            : null;
        return Text(MaxTextBytes) with { Warning = warning };
    }

    private static SqlColumnType MapDecimal(CdmAttribute attribute)
    {
        if (attribute.Precision is null && attribute.Scale is null)
        {
            return Typed(DecimalType(DefaultDecimalPrecision, DefaultDecimalScale), SqlTextConversion.Plain);
        }

        var precision = attribute.Precision ?? DefaultDecimalPrecision;
        var scale = attribute.Scale ?? 0;
        if (precision is < 1 or > 38 || scale < 0 || scale > precision)
        {
            return Typed(DecimalType(DefaultDecimalPrecision, DefaultDecimalScale), SqlTextConversion.Plain) with
            {
                Warning = $"attribute '{SqlQuoting.Printable(attribute.Name)}' has decimal precision {Show(attribute.Precision)} and scale {Show(attribute.Scale)}, which SQL cannot declare (precision 1..38, scale 0..precision); it is read as decimal({DefaultDecimalPrecision},{DefaultDecimalScale}).",
            };
        }

        return Typed(DecimalType(precision, scale), SqlTextConversion.Plain);
    }

    /// <summary>
    /// A typed column's text is read at the full 8000 bytes, so that any malformed value reaches TRY_CONVERT (and the
    /// conversion count) instead of failing the whole query for being longer than its column.
    /// </summary>
    private static SqlColumnType Typed(string typeName, SqlTextConversion conversion) => new(typeName, MaxTextBytes, conversion);

    private static SqlColumnType Text(int bytes) =>
        new(string.Create(CultureInfo.InvariantCulture, $"varchar({bytes})"), bytes, SqlTextConversion.None);

    private static string DecimalType(int precision, int scale) =>
        string.Create(CultureInfo.InvariantCulture, $"decimal({precision},{scale})");

    private static string Show(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "(none)";
}

/// <summary>One row of the documented type map.</summary>
/// <param name="CdmTypes">The CDM data type names (compared case-insensitively).</param>
/// <param name="SqlType">What they become in serverless SQL.</param>
public sealed record SqlTypeMapRow(IReadOnlyList<string> CdmTypes, string SqlType);
