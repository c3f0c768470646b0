using System.Globalization;
using CustomerInsightsSynapse.Core.Cdm;

namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>The serverless SQL type chosen for one CDM attribute, and why it may not fit the data.</summary>
/// <param name="TypeName">The T-SQL type as written in the OPENROWSET WITH clause (<c>nvarchar(100)</c>, <c>decimal(38,18)</c>, …).</param>
/// <param name="Warning">Set when the attribute's type, length or precision was not usable and a fallback was chosen.</param>
public sealed record SqlColumnType(string TypeName, string? Warning = null);

/// <summary>
/// The one CDM → serverless SQL type map. CDM <c>dataType</c>/<c>dataFormat</c> names are compared
/// case-insensitively. Every view column is nullable: the OPENROWSET WITH clause cannot declare NOT NULL,
/// and CDM <c>isNullable = false</c> is not enforced by the files, so a NOT NULL promise would be untrue.
/// The same table is documented in en-US/about_CustomerInsightsSynapse_SqlTypes.help.txt.
/// </summary>
public static class SqlTypeMap
{
    /// <summary>The longest nvarchar declared (parser 2.0 reads at most 8000 bytes per character column).</summary>
    public const int MaxStringLength = 4000;

    public const int DefaultDecimalPrecision = 38;

    public const int DefaultDecimalScale = 18;

    /// <summary>The type for CDM types the map does not know.</summary>
    public const string FallbackType = "nvarchar(4000)";

    private static readonly SqlTypeMapRow[] TableRows =
    [
        new(["string"], "nvarchar(n), n = maxLength when 1..4000, else 4000"),
        new(["int16", "smallInteger"], "smallint"),
        new(["int32", "integer"], "int"),
        new(["int64", "bigInteger"], "bigint"),
        new(["double"], "float"),
        new(["float"], "real"),
        new(["decimal"], "decimal(p,s) from precision/scale; default (38,18)"),
        new(["boolean"], "bit"),
        new(["guid"], "uniqueidentifier"),
        new(["date"], "date"),
        new(["dateTime"], "datetime2(7)"),
        new(["dateTimeOffset"], "datetimeoffset(7)"),
        new(["time"], "time(7)"),
        new(["json"], "nvarchar(max)"),
        new(["binary"], "varbinary(max)"),
    ];

    /// <summary>The rows whose SQL type does not depend on length or precision, by CDM name.</summary>
    private static readonly Dictionary<string, string> FixedTypes = TableRows
        .Where(row => !row.CdmTypes.Contains("string") && !row.CdmTypes.Contains("decimal"))
        .SelectMany(row => row.CdmTypes.Select(name => (name, row.SqlType)))
        .ToDictionary(pair => pair.name, pair => pair.SqlType, StringComparer.OrdinalIgnoreCase);

    private static readonly string[] StringTypeNames = CreateStringTypeNames();

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
            return new SqlColumnType(fixedType);
        }

        var shown = dataType.Length == 0 ? "(none)" : $"'{SqlQuoting.Printable(dataType)}'";
        return new SqlColumnType(
            FallbackType,
            $"attribute '{SqlQuoting.Printable(attribute.Name)}' has the CDM data type {shown}, which has no SQL mapping; it is read as {FallbackType}.");
    }

    private static SqlColumnType MapString(CdmAttribute attribute)
    {
        var length = attribute.MaxLength;
        if (length is >= 1 and <= MaxStringLength)
        {
            return new SqlColumnType(StringTypeNames[length.Value]);
        }

        var warning = length > MaxStringLength
            ? $"attribute '{SqlQuoting.Printable(attribute.Name)}' has maxLength {length}, more than the {MaxStringLength} characters a serverless CSV column holds; it is read as {FallbackType} and longer values do not fit."
            : null;
        return new SqlColumnType(FallbackType, warning);
    }

    private static SqlColumnType MapDecimal(CdmAttribute attribute)
    {
        if (attribute.Precision is null && attribute.Scale is null)
        {
            return new SqlColumnType(DecimalType(DefaultDecimalPrecision, DefaultDecimalScale));
        }

        var precision = attribute.Precision ?? DefaultDecimalPrecision;
        var scale = attribute.Scale ?? 0;
        if (precision is < 1 or > 38 || scale < 0 || scale > precision)
        {
            return new SqlColumnType(
                DecimalType(DefaultDecimalPrecision, DefaultDecimalScale),
                $"attribute '{SqlQuoting.Printable(attribute.Name)}' has decimal precision {Show(attribute.Precision)} and scale {Show(attribute.Scale)}, which SQL cannot declare (precision 1..38, scale 0..precision); it is read as decimal({DefaultDecimalPrecision},{DefaultDecimalScale}).");
        }

        return new SqlColumnType(DecimalType(precision, scale));
    }

    private static string DecimalType(int precision, int scale) =>
        string.Create(CultureInfo.InvariantCulture, $"decimal({precision},{scale})");

    private static string Show(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "(none)";

    private static string[] CreateStringTypeNames()
    {
        var names = new string[MaxStringLength + 1];
        for (var i = 1; i <= MaxStringLength; i++)
        {
            names[i] = string.Create(CultureInfo.InvariantCulture, $"nvarchar({i})");
        }

        return names;
    }
}

/// <summary>One row of the documented type map.</summary>
/// <param name="CdmTypes">The CDM data type names (compared case-insensitively).</param>
/// <param name="SqlType">What they become in serverless SQL.</param>
public sealed record SqlTypeMapRow(IReadOnlyList<string> CdmTypes, string SqlType);
