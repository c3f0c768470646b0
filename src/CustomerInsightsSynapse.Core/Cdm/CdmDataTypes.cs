namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>
/// Normalizes the data type names of model.json (<c>dataType</c>), resolved entity documents (<c>dataFormat</c>,
/// PascalCase) and the primitive <c>dataType</c> names of entity documents to one camelCase spelling.
/// </summary>
internal static class CdmDataTypes
{
    private static readonly Dictionary<string, string> Canonical = new(StringComparer.OrdinalIgnoreCase)
    {
        ["unclassified"] = "unclassified",
        ["unknown"] = "unclassified",
        ["string"] = "string",
        ["char"] = "char",
        ["int16"] = "int16",
        ["int32"] = "int32",
        ["int64"] = "int64",
        ["byte"] = "byte",
        ["float"] = "float",
        ["double"] = "double",
        ["decimal"] = "decimal",
        ["boolean"] = "boolean",
        ["guid"] = "guid",
        ["binary"] = "binary",
        ["date"] = "date",
        ["time"] = "time",
        ["dateTime"] = "dateTime",
        ["dateTimeOffset"] = "dateTimeOffset",
        ["json"] = "json",
    };

    /// <summary>Primitive data type names of the CDM foundations (entity documents' <c>dataType</c>) that are not formats.</summary>
    private static readonly Dictionary<string, string> Primitive = new(StringComparer.OrdinalIgnoreCase)
    {
        ["integer"] = "int32",
        ["smallInteger"] = "int16",
        ["bigInteger"] = "int64",
        ["tinyInteger"] = "byte",
        ["fixedDecimal"] = "decimal",
        ["variableDecimal"] = "decimal",
        ["entityId"] = "guid",
        ["text"] = "string",
    };

    /// <summary>The canonical name of a known data type or format; false for anything else.</summary>
    public static bool TryNormalize(string? written, out string canonical)
    {
        canonical = string.Empty;
        if (string.IsNullOrWhiteSpace(written))
        {
            return false;
        }

        var trimmed = written.Trim();
        if (Canonical.TryGetValue(trimmed, out var name) || Primitive.TryGetValue(trimmed, out name))
        {
            canonical = name;
            return true;
        }

        return false;
    }

    /// <summary>The precision and scale a primitive type name implies (fixedDecimal is decimal(19,4)).</summary>
    public static (int? Precision, int? Scale) ImpliedShape(string written) =>
        string.Equals(written.Trim(), "fixedDecimal", StringComparison.OrdinalIgnoreCase) ? (19, 4) : (null, null);
}
