using System.Text.Json;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>
/// Reads a resolved entity definition of an entity document (<c>definitions[]</c> item with <c>entityName</c> and a
/// flat <c>hasAttributes</c>). Definitions that need CDM resolution (extendsEntity, entity attributes, attribute
/// groups, semantic data types) are refused.
/// </summary>
internal static class EntityDefinitionReader
{
    /// <summary>The attributes and description of one definition; attribute names are made into strings by <paramref name="names"/>, one table per read.</summary>
    public static (IReadOnlyList<CdmAttribute> Attributes, string? Description) Read(JsonElement definition, string document, string entityName, Action<string> warn, CdmNameTable names)
    {
        if (CdmJson.TryGet(definition, "extendsEntity", out var extends) && extends.ValueKind is not JsonValueKind.Null)
        {
            var baseName = extends.ValueKind == JsonValueKind.String ? extends.GetString() : CdmJson.String(extends, "entityReference") ?? "another entity";
            throw Unresolved(document, entityName, $"it extends '{baseName}'");
        }

        var traits = CdmTrait.ReadList(definition, "exhibitsTraits");
        var description = CdmJson.String(definition, "description") ?? LocalizedText(CdmTrait.Find(traits, "is.localized.describedAs"));
        var hasAttributes = CdmJson.TryGet(definition, "hasAttributes", out var list) && list.ValueKind == JsonValueKind.Array;
        var count = hasAttributes ? list.GetArrayLength() : 0;
        var attributes = new List<CdmAttribute>(count);
        var seen = new HashSet<string>(count, StringComparer.OrdinalIgnoreCase);
        var properties = new JsonElement[AttributeProperties.Count];
        var index = 0;
        if (hasAttributes)
        {
            foreach (var item in list.EnumerateArray())
            {
                var attribute = ReadAttribute(item, properties, document, entityName, index++, warn, names);
                if (!seen.Add(attribute.Name))
                {
                    throw CdmErrors.DuplicateAttribute(document, entityName, attribute.Name);
                }

                attributes.Add(attribute);
            }
        }

        return (attributes, description);
    }

    /// <summary>The properties an attribute is read from, in the order of <see cref="AttributeProperty"/>.</summary>
    private static readonly PropertyNames AttributeProperties = new(
        "name", "appliedTraits", "dataFormat", "dataType", "precision", "scale", "maximumLength", "isNullable", "description", "entity", "attributeGroupReference");

    private enum AttributeProperty
    {
        Name,
        AppliedTraits,
        DataFormat,
        DataType,
        Precision,
        Scale,
        MaximumLength,
        IsNullable,
        Description,
        Entity,
        AttributeGroupReference,
    }

    /// <summary>One attribute; <paramref name="properties"/> is room for its properties, reused from one attribute to the next.</summary>
    private static CdmAttribute ReadAttribute(JsonElement item, JsonElement[] properties, string document, string entityName, int index, Action<string> warn, CdmNameTable names)
    {
        CdmJson.GetAll(item, AttributeProperties, properties);
        JsonElement Get(AttributeProperty property) => properties[(int)property];

        var name = names.AsStringOrNull(Get(AttributeProperty.Name));
        if (string.IsNullOrWhiteSpace(name))
        {
            var what = Get(AttributeProperty.Entity).ValueKind != JsonValueKind.Undefined || Get(AttributeProperty.AttributeGroupReference).ValueKind != JsonValueKind.Undefined
                ? "an entity attribute or attribute group"
                : "an attribute without a name";
            throw Unresolved(document, entityName, $"attribute {index + 1} is {what}");
        }

        var traits = CdmTrait.ReadList(Get(AttributeProperty.AppliedTraits));
        string dataType;
        var (precision, scale) = ((int?)null, (int?)null);
        if (CdmDataTypes.TryNormalize(Get(AttributeProperty.DataFormat), out var known))
        {
            dataType = known;
        }
        else if (CdmJson.AsStringOrNull(Get(AttributeProperty.DataFormat)) is { } format && !string.IsNullOrWhiteSpace(format))
        {
            dataType = format.Trim();
            warn($"Entity '{entityName}' in '{document}': attribute '{name}' has the unknown data format '{dataType}'; it is kept as written.");
        }
        else
        {
            var typeElement = Get(AttributeProperty.DataType);
            var typeName = typeElement.ValueKind == JsonValueKind.String ? typeElement.GetString() : CdmJson.String(typeElement, "dataTypeReference");
            if (!CdmDataTypes.TryNormalize(typeName, out dataType))
            {
                throw Unresolved(document, entityName, $"attribute '{name}' has the data type '{typeName ?? "(none)"}', which needs CDM resolution");
            }

            (precision, scale) = CdmDataTypes.ImpliedShape(typeName!);
        }

        var shaped = CdmTrait.Find(traits, "is.dataFormat.numeric.shaped");
        precision = IntOrNull(Get(AttributeProperty.Precision)) ?? shaped?.IntArgument("precision", 0) ?? precision;
        scale = IntOrNull(Get(AttributeProperty.Scale)) ?? shaped?.IntArgument("scale", 1) ?? scale;
        var maxLength = IntOrNull(Get(AttributeProperty.MaximumLength)) is > 0 and var property ? property : CdmTrait.Find(traits, "is.constrained")?.IntArgument("maximumLength");
        var isNullable = Get(AttributeProperty.IsNullable);
        var nullable = (isNullable.ValueKind == JsonValueKind.Undefined ? null : CdmJson.AsBool(isNullable)) ?? (CdmTrait.Find(traits, "is.nullable") is not null ? true : null);
        var description = CdmJson.AsStringOrNull(Get(AttributeProperty.Description)) ?? LocalizedText(CdmTrait.Find(traits, "is.localized.describedAs"));
        return new CdmAttribute(name.Trim(), dataType, maxLength is > 0 ? maxLength : null, precision, scale, nullable, description);
    }

    private static int? IntOrNull(JsonElement value) => value.ValueKind == JsonValueKind.Undefined ? null : CdmJson.AsInt(value);

    /// <summary>The first text of a localized-table trait argument (<c>entityReference.constantValues[0][1]</c>).</summary>
    private static string? LocalizedText(CdmTrait? trait)
    {
        if (trait?.Argument("localizedTable", 0) is not { ValueKind: JsonValueKind.Object } argument
            || !CdmJson.TryGet(argument, "entityReference", out var reference)
            || !CdmJson.TryGet(reference, "constantValues", out var rows)
            || rows.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var row in rows.EnumerateArray())
        {
            if (row.ValueKind == JsonValueKind.Array && row.GetArrayLength() >= 2 && row[1].ValueKind == JsonValueKind.String)
            {
                return row[1].GetString();
            }
        }

        return null;
    }

    private static CISynapseException Unresolved(string document, string entityName, string problem) =>
        new(ErrorIds.UnresolvedEntityDocument, ErrorKind.InvalidData, $"The entity '{entityName}' in '{document}' is not a resolved definition: {problem}. Save the folder with resolved entity documents (the CDM SDK's resolved form) and read it again.", entityName);
}
