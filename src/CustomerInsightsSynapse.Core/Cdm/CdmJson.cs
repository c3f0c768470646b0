using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>
/// Lenient JSON access for CDM documents: property names compared without case, booleans and numbers that
/// may be strings, BOMs, comments and trailing commas.
/// </summary>
internal static class CdmJson
{
    /// <summary>
    /// The reading rules of every CDM document (comments skipped, trailing commas allowed, at most
    /// <paramref name="maxDepth"/> levels), for a forward reader; <see cref="Parse"/> parses by the same rules.
    /// </summary>
    public static JsonReaderOptions ReaderOptions(int maxDepth) =>
        new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = maxDepth };

    private static JsonDocumentOptions DocumentOptions(int maxDepth)
    {
        var rules = ReaderOptions(maxDepth);
        return new JsonDocumentOptions { AllowTrailingCommas = rules.AllowTrailingCommas, CommentHandling = rules.CommentHandling, MaxDepth = rules.MaxDepth };
    }

    /// <summary>A document's bytes as UTF-8 without a byte order mark: the same bytes past a UTF-8 mark, UTF-16 (with its mark) converted.</summary>
    public static ReadOnlyMemory<byte> Utf8(ReadOnlyMemory<byte> bytes)
    {
        var b = bytes.Span;
        if (b.Length >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
        {
            return bytes[3..];
        }

        if (b.Length >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)))
        {
            var encoding = b[0] == 0xFF ? Encoding.Unicode : Encoding.BigEndianUnicode;
            return Encoding.UTF8.GetBytes(encoding.GetString(b[2..]));
        }

        return bytes;
    }

    /// <summary>Parses a document; the returned document reads from <paramref name="bytes"/> (unless they were UTF-16).</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> bytes, string document, int maxDepth)
    {
        var utf8 = Utf8(bytes);
        try
        {
            var json = JsonDocument.Parse(utf8, DocumentOptions(maxDepth));
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                json.Dispose();
                throw CdmErrors.Invalid(document, "the document is not a JSON object.");
            }

            return json;
        }
        catch (JsonException ex) when (NestsDeeperThan(utf8.Span, maxDepth))
        {
            throw CdmErrors.TooDeep(document, maxDepth, ex);
        }
        catch (JsonException ex)
        {
            throw CdmErrors.Invalid(document, $"it is not JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).", ex);
        }
    }

    /// <summary>
    /// Whether a document that failed to parse went deeper than the limit before it failed. (The parser's own
    /// messages cannot tell: a truncated document fails with "expected depth to be zero".)
    /// </summary>
    private static bool NestsDeeperThan(ReadOnlySpan<byte> utf8, int maxDepth)
    {
        var reader = new Utf8JsonReader(utf8, ReaderOptions(maxDepth + 1));
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth >= maxDepth)
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
        }

        return false;
    }

    /// <summary>A property by name, exact match first, then ignoring case.</summary>
    public static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        value = default;
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (element.TryGetProperty(name, out value))
        {
            return true;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Several properties of one object from one pass over it, by the rule of <see cref="TryGet"/> (an exact name first,
    /// else the first name equal ignoring case); a missing one is <see cref="JsonValueKind.Undefined"/>. A name written
    /// without escapes is compared as its raw UTF-8 bytes (ignoring ASCII case when it and the names asked for are ASCII),
    /// so a name is only turned into a string when it is escaped or non-ASCII and none of those asked for.
    /// </summary>
    public static void GetAll(JsonElement element, PropertyNames names, Span<JsonElement> values)
    {
        values.Clear();
        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        Span<bool> exact = stackalloc bool[names.Count];
        foreach (var property in element.EnumerateObject())
        {
            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            if (raw.IndexOf((byte)'\\') < 0)
            {
                MatchUnescapedName(raw, property, names, values, exact);
            }
            else
            {
                MatchName(property, names, values, exact);
            }
        }
    }

    /// <summary>A name written without escapes is its own UTF-8 bytes, and when it is ASCII its case is ASCII's, so no string is made.</summary>
    private static void MatchUnescapedName(ReadOnlySpan<byte> name, JsonProperty property, PropertyNames names, Span<JsonElement> values, Span<bool> exact)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (name.SequenceEqual(names.Utf8(i)))
            {
                values[i] = property.Value;
                exact[i] = true;
                return;
            }
        }

        if (!names.AllAscii || !Ascii.IsValid(name))
        {
            MatchName(property, names, values, exact);
            return;
        }

        for (var i = 0; i < names.Count; i++)
        {
            if (!exact[i] && values[i].ValueKind == JsonValueKind.Undefined && Ascii.EqualsIgnoreCase(name, names.Utf8(i)))
            {
                values[i] = property.Value;
            }
        }
    }

    private static void MatchName(JsonProperty property, PropertyNames names, Span<JsonElement> values, Span<bool> exact)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (property.NameEquals(names.Utf8(i)))
            {
                values[i] = property.Value;
                exact[i] = true;
                return;
            }
        }

        var name = property.Name;
        for (var i = 0; i < names.Count; i++)
        {
            if (!exact[i] && values[i].ValueKind == JsonValueKind.Undefined && string.Equals(name, names.Name(i), StringComparison.OrdinalIgnoreCase))
            {
                values[i] = property.Value;
            }
        }
    }

    public static string? String(JsonElement element, string name) =>
        TryGet(element, name, out var value) ? AsString(value) : null;

    public static string? AsString(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    public static string? AsStringOrNull(JsonElement value) => value.ValueKind == JsonValueKind.Undefined ? null : AsString(value);

    public static bool? Bool(JsonElement element, string name) =>
        TryGet(element, name, out var value) ? AsBool(value) : null;

    public static bool? AsBool(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => ParseBool(value.GetString()),
        JsonValueKind.Number => value.TryGetInt64(out var n) ? n != 0 : null,
        _ => null,
    };

    public static bool? ParseBool(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => null,
    };

    public static int? Int(JsonElement element, string name) =>
        TryGet(element, name, out var value) ? AsInt(value) : null;

    public static int? AsInt(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.TryGetInt32(out var n) ? n : value.TryGetDouble(out var d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue ? (int)d : null,
        JsonValueKind.String => ParseInt(value.GetString()),
        _ => null,
    };

    public static int? ParseInt(string? text) =>
        int.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    public static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        TryGet(element, name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [];
}

/// <summary>The property names <see cref="CdmJson.GetAll"/> looks up, with their UTF-8 bytes made once.</summary>
internal sealed class PropertyNames
{
    private readonly string[] _names;
    private readonly byte[][] _utf8;

    public PropertyNames(params string[] names)
    {
        _names = names;
        _utf8 = names.Select(Encoding.UTF8.GetBytes).ToArray();
        AllAscii = names.All(name => Ascii.IsValid(name));
    }

    /// <summary>Whether every name is ASCII (then ignoring case is ASCII's case rule).</summary>
    public bool AllAscii { get; }

    public int Count => _names.Length;

    public string Name(int index) => _names[index];

    public ReadOnlySpan<byte> Utf8(int index) => _utf8[index];
}
