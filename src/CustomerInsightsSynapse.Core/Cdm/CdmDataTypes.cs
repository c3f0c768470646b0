using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

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

    /// <summary>The data formats as resolved entity documents spell them, most frequent first, as UTF-8, with their canonical names.</summary>
    private static readonly (byte[] Utf8, string Canonical)[] ResolvedSpellings =
        new[] { "String", "Int64", "DateTime", "DateTimeOffset", "Int32", "Decimal", "Boolean", "Guid", "Double", "Date", "Int16", "Byte", "Float", "Time", "Binary", "Char", "Json" }
            .Select(name => (Encoding.UTF8.GetBytes(name), Canonical[name])).ToArray();

    /// <summary>
    /// <see cref="TryNormalize(string?, out string)"/> for a JSON value: a string spelled as resolved entity documents
    /// spell their data formats is matched without making a string of it; anything else is read as text.
    /// </summary>
    public static bool TryNormalize(JsonElement written, out string canonical)
    {
        if (written.ValueKind == JsonValueKind.String)
        {
            var raw = JsonMarshal.GetRawUtf8Value(written);
            var plain = raw.Length >= 2 && raw[0] == (byte)'"' && raw.IndexOf((byte)'\\') < 0;
            var text = plain ? raw[1..^1] : default;
            foreach (var (utf8, name) in ResolvedSpellings)
            {
                if (plain ? text.SequenceEqual(utf8) : written.ValueEquals(utf8))
                {
                    canonical = name;
                    return true;
                }
            }
        }

        return TryNormalize(CdmJson.AsStringOrNull(written), out canonical);
    }

    /// <summary>
    /// <see cref="TryNormalize(JsonElement, out string)"/> for the string token <paramref name="reader"/> is on; its text
    /// (made only when it is not a resolved spelling) is given back in <paramref name="text"/>.
    /// </summary>
    public static bool TryNormalize(ref Utf8JsonReader reader, out string canonical, out string? text)
    {
        text = null;
        var plain = !reader.ValueIsEscaped && !reader.HasValueSequence;
        foreach (var (utf8, name) in ResolvedSpellings)
        {
            if (plain ? reader.ValueSpan.SequenceEqual(utf8) : reader.ValueTextEquals(utf8))
            {
                canonical = name;
                return true;
            }
        }

        text = reader.GetString();
        return TryNormalize(text, out canonical);
    }

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
