using System.Text.Json;

namespace CustomerInsightsSynapse.Core.Azure;

/// <summary>
/// The one reader for the JSON Azure returns (Resource Manager, Graph, Synapse and access tokens): property names
/// compared without case, a missing or mistyped value read as absent, never an exception.
/// </summary>
internal static class TolerantJson
{
    /// <summary>The object found by following <paramref name="path"/>, or an undefined element when any step is missing.</summary>
    public static JsonElement At(JsonElement e, params string[] path)
    {
        foreach (var name in path)
        {
            e = Object(e, name);
        }

        return e;
    }

    public static string? String(JsonElement e, string name) =>
        Property(e, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public static JsonElement Object(JsonElement e, string name) =>
        Property(e, name) is { ValueKind: JsonValueKind.Object } value ? value : default;

    /// <summary>A boolean, or a string that holds one ("true"); null otherwise.</summary>
    public static bool? Bool(JsonElement e, string name) => Property(e, name) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { ValueKind: JsonValueKind.String } value when bool.TryParse(value.GetString(), out var b) => b,
        _ => null,
    };

    public static long? Int64(JsonElement e, string name) =>
        Property(e, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var n) ? n : null;

    public static IReadOnlyList<JsonElement> Array(JsonElement e, string name) =>
        Property(e, name) is { ValueKind: JsonValueKind.Array } value ? value.EnumerateArray().ToArray() : [];

    /// <summary>The string items of an array property, skipping any that are not strings.</summary>
    public static IReadOnlyList<string> Strings(JsonElement e, string name) =>
        Array(e, name).Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToArray();

    /// <summary>Whether the object has the property, whatever its value.</summary>
    public static bool Has(JsonElement e, string name) => Property(e, name) is not null;

    /// <summary>The property's value; an exact-case match wins over a case-insensitive one.</summary>
    private static JsonElement? Property(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (e.TryGetProperty(name, out var exact))
        {
            return exact;
        }

        foreach (var property in e.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }
}
