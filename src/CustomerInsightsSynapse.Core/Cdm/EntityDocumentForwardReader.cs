using System.Text;
using System.Text.Json;

namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>
/// Reads the definitions of a resolved entity document in one forward pass over its UTF-8 bytes, without building a
/// <see cref="JsonDocument"/>, by the reading rules of <see cref="CdmJson.ReaderOptions"/>. It reads only the plain
/// form: definitions whose attributes have a name, a known data format or primitive data type, and no traits. For
/// anything else (a property written twice or in another case, traits, an entity attribute or attribute group, a
/// definition that extends another, an unknown data format, any value it would have to read leniently, a document
/// that does not parse) it gives null, and the document is read by <see cref="EntityDefinitionReader"/>, which reads
/// the plain form exactly as this does.
/// </summary>
internal static class EntityDocumentForwardReader
{
    /// <summary>One definition read: its entityName as written (null without one), attributes and description.</summary>
    public sealed record Definition(string? EntityName, IReadOnlyList<CdmAttribute> Attributes, string? Description);

    /// <summary>A property name that is none of those asked for.</summary>
    private const int Unknown = -1;

    /// <summary>A name equal to one asked for only ignoring case, or one written twice: read by the document path's rules.</summary>
    private const int Unusual = -2;

    /// <summary>The root's one property read (index 0), <c>definitions</c>.</summary>
    private static readonly PropertyNames RootProperties = new("definitions");

    /// <summary>A definition's properties read, in the order of <see cref="DefinitionProperty"/>.</summary>
    private static readonly PropertyNames DefinitionProperties = new("entityName", "extendsEntity", "description", "exhibitsTraits", "hasAttributes");

    /// <summary>An attribute's properties read, in the order of <see cref="AttributeProperty"/>.</summary>
    private static readonly PropertyNames AttributeProperties = new("name", "appliedTraits", "dataFormat", "dataType", "precision", "scale", "maximumLength", "isNullable", "description");

    private enum DefinitionProperty
    {
        Unusual = EntityDocumentForwardReader.Unusual,
        Unknown = EntityDocumentForwardReader.Unknown,
        EntityName,
        ExtendsEntity,
        Description,
        ExhibitsTraits,
        HasAttributes,
    }

    private enum AttributeProperty
    {
        Unusual = EntityDocumentForwardReader.Unusual,
        Unknown = EntityDocumentForwardReader.Unknown,
        Name,
        AppliedTraits,
        DataFormat,
        DataType,
        Precision,
        Scale,
        MaximumLength,
        IsNullable,
        Description,
    }

    // A definition's attributes are gathered here, and their names checked for duplicates here, then copied into an array
    // of their exact count: the attributes are not counted before they are read.
    [ThreadStatic]
    private static List<CdmAttribute>? t_attributes;

    [ThreadStatic]
    private static HashSet<string>? t_names;

    /// <summary>The definitions of the document in order, or null when it is not in the plain form (see the class).</summary>
    public static List<Definition>? TryRead(ReadOnlySpan<byte> utf8, int maxDepth, CdmNameTable names)
    {
        var reader = new Utf8JsonReader(utf8, CdmJson.ReaderOptions(maxDepth));
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            List<Definition>? definitions = null;
            var seen = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var property = Property(ref reader, RootProperties, ref seen);
                reader.Read();
                if (property == Unusual || (property == 0 && reader.TokenType != JsonTokenType.StartArray))
                {
                    return null;
                }

                if (property == 0)
                {
                    definitions = ReadDefinitions(ref reader, names);
                    if (definitions is null)
                    {
                        return null;
                    }
                }
                else
                {
                    reader.Skip();
                }
            }

            // Past the root object only comments may follow; anything else fails here as it fails to parse.
            while (reader.Read())
            {
            }

            return definitions ?? [];
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static List<Definition>? ReadDefinitions(ref Utf8JsonReader reader, CdmNameTable names)
    {
        var definitions = new List<Definition>(1);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                // Not an object: it has no entityName, so it is never the definition asked for.
                reader.Skip();
                continue;
            }

            if (ReadDefinition(ref reader, names) is not { } definition)
            {
                return null;
            }

            definitions.Add(definition);
        }

        return definitions;
    }

    private static Definition? ReadDefinition(ref Utf8JsonReader reader, CdmNameTable names)
    {
        string? entityName = null;
        string? description = null;
        var hasTraits = false;
        CdmAttribute[]? attributes = null;
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = (DefinitionProperty)Property(ref reader, DefinitionProperties, ref seen);
            reader.Read();
            var token = reader.TokenType;
            switch (property)
            {
                case DefinitionProperty.Unusual:
                    return null;
                case DefinitionProperty.EntityName when token is JsonTokenType.String or JsonTokenType.Null:
                    entityName = reader.GetString();
                    break;
                case DefinitionProperty.ExtendsEntity when token is JsonTokenType.Null:
                    break;
                case DefinitionProperty.Description when token is JsonTokenType.String or JsonTokenType.Null:
                    description = reader.GetString();
                    break;
                case DefinitionProperty.ExhibitsTraits:
                    hasTraits = IsNonEmptyArray(reader);
                    reader.Skip();
                    break;
                case DefinitionProperty.HasAttributes when token is JsonTokenType.StartArray:
                    attributes = ReadAttributes(ref reader, names);
                    if (attributes is null)
                    {
                        return null;
                    }

                    break;
                case DefinitionProperty.HasAttributes:
                    // Anything but an array is no attributes.
                    reader.Skip();
                    break;
                case DefinitionProperty.Unknown:
                    reader.Skip();
                    break;
                default:
                    return null;
            }
        }

        // Without a description of its own, a definition is described by its traits, which this does not read.
        return description is null && hasTraits ? null : new Definition(entityName, attributes ?? [], description);
    }

    private static CdmAttribute[]? ReadAttributes(ref Utf8JsonReader reader, CdmNameTable names)
    {
        var read = t_attributes ??= [];
        var seen = t_names ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        read.Clear();
        seen.Clear();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject || ReadAttribute(ref reader, names) is not { } attribute || !seen.Add(attribute.Name))
            {
                return null;
            }

            read.Add(attribute);
        }

        return read.ToArray();
    }

    private static CdmAttribute? ReadAttribute(ref Utf8JsonReader reader, CdmNameTable names)
    {
        string? name = null;
        string? format = null;
        string? typeName = null;
        var typeReadable = true;
        int? precision = null, scale = null, maxLength = null;
        var numbersPlain = true;
        bool? nullable = null;
        string? description = null;
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = (AttributeProperty)Property(ref reader, AttributeProperties, ref seen);
            reader.Read();
            var token = reader.TokenType;
            switch (property)
            {
                case AttributeProperty.Unusual:
                    return null;
                case AttributeProperty.Name when token is JsonTokenType.String:
                    name = names.StringOf(ref reader);
                    break;
                case AttributeProperty.AppliedTraits:
                    if (IsNonEmptyArray(reader))
                    {
                        return null;
                    }

                    reader.Skip();
                    break;
                case AttributeProperty.DataFormat when token is JsonTokenType.String:
                    if (CdmDataTypes.TryNormalize(ref reader, out var known, out var text))
                    {
                        format = known;
                    }
                    else if (!string.IsNullOrWhiteSpace(text))
                    {
                        // An unknown format is kept with a warning, which the document path gives.
                        return null;
                    }

                    break;
                case AttributeProperty.DataFormat when token is JsonTokenType.Null:
                    break;
                case AttributeProperty.DataType when token is JsonTokenType.String or JsonTokenType.Null:
                    typeName = reader.GetString();
                    break;
                case AttributeProperty.DataType:
                    typeReadable = false;
                    reader.Skip();
                    break;
                case AttributeProperty.Precision:
                    numbersPlain &= TryReadInt(ref reader, out precision);
                    break;
                case AttributeProperty.Scale:
                    numbersPlain &= TryReadInt(ref reader, out scale);
                    break;
                case AttributeProperty.MaximumLength:
                    numbersPlain &= TryReadInt(ref reader, out maxLength);
                    break;
                case AttributeProperty.IsNullable:
                    nullable = ReadBool(ref reader);
                    break;
                case AttributeProperty.Description when token is JsonTokenType.String or JsonTokenType.Null:
                    description = reader.GetString();
                    break;
                case AttributeProperty.Unknown:
                    reader.Skip();
                    break;
                default:
                    return null;
            }
        }

        if (string.IsNullOrWhiteSpace(name) || !numbersPlain)
        {
            return null;
        }

        string dataType;
        if (format is not null)
        {
            dataType = format;
        }
        else if (typeReadable && CdmDataTypes.TryNormalize(typeName, out dataType))
        {
            var (impliedPrecision, impliedScale) = CdmDataTypes.ImpliedShape(typeName!);
            precision ??= impliedPrecision;
            scale ??= impliedScale;
        }
        else
        {
            return null;
        }

        return new CdmAttribute(name.Trim(), dataType, maxLength is > 0 ? maxLength : null, precision, scale, nullable, description);
    }

    /// <summary>
    /// Which of <paramref name="known"/> the property name <paramref name="reader"/> is on is (its index), <see cref="Unknown"/>,
    /// or <see cref="Unusual"/> when it equals a known name only ignoring case, or names a property met before in this
    /// object (<paramref name="seen"/>, one bit a known name).
    /// </summary>
    private static int Property(ref Utf8JsonReader reader, PropertyNames known, ref int seen)
    {
        var plain = !reader.ValueIsEscaped && !reader.HasValueSequence;
        for (var i = 0; i < known.Count; i++)
        {
            if (plain ? reader.ValueSpan.SequenceEqual(known.Utf8(i)) : reader.ValueTextEquals(known.Utf8(i)))
            {
                var bit = 1 << i;
                if ((seen & bit) != 0)
                {
                    return Unusual;
                }

                seen |= bit;
                return i;
            }
        }

        if (plain && Ascii.IsValid(reader.ValueSpan))
        {
            for (var i = 0; i < known.Count; i++)
            {
                if (Ascii.EqualsIgnoreCase(reader.ValueSpan, known.Utf8(i)))
                {
                    return Unusual;
                }
            }

            return Unknown;
        }

        var name = reader.GetString();
        for (var i = 0; i < known.Count; i++)
        {
            if (string.Equals(name, known.Name(i), StringComparison.OrdinalIgnoreCase))
            {
                return Unusual;
            }
        }

        return Unknown;
    }

    private static bool IsNonEmptyArray(Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.StartArray && reader.Read() && reader.TokenType != JsonTokenType.EndArray;

    /// <summary>A number or numeric text as <see cref="CdmJson.AsInt"/> reads it; false for a number that is not a plain int.</summary>
    private static bool TryReadInt(ref Utf8JsonReader reader, out int? value)
    {
        value = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                if (!reader.TryGetInt32(out var number))
                {
                    return false;
                }

                value = number;
                return true;
            case JsonTokenType.String:
                value = CdmJson.ParseInt(reader.GetString());
                return true;
            default:
                reader.Skip();
                return true;
        }
    }

    /// <summary>A boolean, boolean text or integer as <see cref="CdmJson.AsBool"/> reads it.</summary>
    private static bool? ReadBool(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            case JsonTokenType.String:
                return CdmJson.ParseBool(reader.GetString());
            case JsonTokenType.Number:
                return reader.TryGetInt64(out var number) ? number != 0 : null;
            default:
                reader.Skip();
                return null;
        }
    }
}
