using System.Text.Json;

namespace CustomerInsightsSynapse.Core.Tests.Contract;

/// <summary>
/// Checks a JSON body against an OpenAPI 2.0 schema of the specifications: $ref (local and across files), allOf,
/// type, required properties, properties, additionalProperties (as a schema), items and enum. Enums marked
/// x-ms-enum modelAsString are open (Azure may add values) and are not enforced; readOnly properties are not required
/// in a request; null in an optional property counts as absent (Resource Manager itself answers null for unset
/// optional properties, such as a role assignment's condition or a list's nextLink). Each problem names the JSON path.
/// </summary>
public sealed class SchemaValidator(SpecCatalog catalog)
{
    public IReadOnlyList<string> Validate(JsonElement value, JsonElement schema, string file, bool isRequest)
    {
        var problems = new List<string>();
        Check(value, schema, file, "$", isRequest, problems, 0);
        return problems;
    }

    private void Check(JsonElement value, JsonElement schema, string file, string path, bool isRequest, List<string> problems, int depth)
    {
        if (depth > 32)
        {
            return;
        }

        (schema, file) = catalog.ResolveSchema(file, schema);
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (schema.TryGetProperty("allOf", out var allOf))
        {
            foreach (var part in allOf.EnumerateArray())
            {
                Check(value, part, file, path, isRequest, problems, depth + 1);
            }
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            if (!(schema.TryGetProperty("x-nullable", out var nullable) && nullable.ValueKind == JsonValueKind.True) && TypeOf(schema) is { } declared && declared != "object")
            {
                problems.Add($"{path}: null where the schema asks for {declared}");
            }

            return;
        }

        if (TypeOf(schema) is { } type && !HasType(value, type))
        {
            problems.Add($"{path}: {value.ValueKind} where the schema asks for {type}");
            return;
        }

        if (schema.TryGetProperty("enum", out var values) && value.ValueKind == JsonValueKind.String && !IsOpenEnum(schema)
            && !values.EnumerateArray().Any(v => string.Equals(v.GetString(), value.GetString(), StringComparison.OrdinalIgnoreCase)))
        {
            problems.Add($"{path}: '{value.GetString()}' is not one of {string.Join(", ", values.EnumerateArray().Select(v => v.GetString()))}");
        }

        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                Check(item, items, file, $"{path}[{index++}]", isRequest, problems, depth + 1);
            }
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var properties = schema.TryGetProperty("properties", out var p) ? p : default;
        var requiredNames = schema.TryGetProperty("required", out var required) ? required.EnumerateArray().Select(r => r.GetString()!).ToHashSet(StringComparer.Ordinal) : [];
        foreach (var name in requiredNames)
        {
            var readOnly = properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(name, out var declared)
                && catalog.ResolveSchema(file, declared).Element is { ValueKind: JsonValueKind.Object } resolved
                && resolved.TryGetProperty("readOnly", out var ro) && ro.ValueKind == JsonValueKind.True;
            if (!value.TryGetProperty(name, out _) && !(isRequest && readOnly))
            {
                problems.Add($"{path}: the required property '{name}' is missing");
            }
        }

        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Null && !requiredNames.Contains(property.Name))
            {
                continue;
            }

            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var propertySchema))
            {
                Check(property.Value, propertySchema, file, $"{path}.{property.Name}", isRequest, problems, depth + 1);
            }
            else if (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.Object)
            {
                Check(property.Value, additional, file, $"{path}.{property.Name}", isRequest, problems, depth + 1);
            }
        }
    }

    /// <summary>The declared type; a schema that declares properties but no type (ErrorResponse, ErrorDetail) describes an object.</summary>
    private static string? TypeOf(JsonElement schema) =>
        schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString()
        : schema.TryGetProperty("properties", out _) ? "object"
        : null;

    private static bool IsOpenEnum(JsonElement schema) =>
        schema.TryGetProperty("x-ms-enum", out var extension) && extension.TryGetProperty("modelAsString", out var open) && open.ValueKind == JsonValueKind.True;

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "number" => value.ValueKind == JsonValueKind.Number,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        _ => true,
    };
}
