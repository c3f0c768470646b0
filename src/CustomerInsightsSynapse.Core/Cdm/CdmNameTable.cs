using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>
/// The attribute names of one read, each made into a string once: entity documents repeat the same names from entity
/// to entity, and the strings are kept for as long as the model, so a name met again is the string made the first
/// time. Names written with escapes, non-ASCII or long ones are not kept (made each time, as before). The read-ahead
/// workers use one table at once; a table holds at most <see cref="MaxNames"/> names.
/// </summary>
internal sealed class CdmNameTable
{
    private const int BucketCount = 4096;
    private const int MaxNames = 65536;
    private const int MaxLength = 128;

    private readonly Entry?[] _buckets = new Entry?[BucketCount];
    private int _count;

    /// <summary>The attributes of the same read, each made once.</summary>
    public CdmAttributeTable Attributes { get; } = new();

    /// <summary>The text of a JSON value as <see cref="CdmJson.AsStringOrNull"/> reads it; a plain ASCII string is taken from the table.</summary>
    public string? AsStringOrNull(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return CdmJson.AsStringOrNull(value);
        }

        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.Length < 2 || raw.Length - 2 > MaxLength || raw[0] != (byte)'"' || raw.IndexOf((byte)'\\') >= 0)
        {
            return value.GetString();
        }

        var text = raw[1..^1];
        return Ascii.IsValid(text) ? Get(text) : value.GetString();
    }

    /// <summary>The text of the string token <paramref name="reader"/> is on, as <see cref="AsStringOrNull"/> reads a string value.</summary>
    public string StringOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length > MaxLength || !Ascii.IsValid(reader.ValueSpan))
        {
            return reader.GetString()!;
        }

        return Get(reader.ValueSpan);
    }

    /// <summary>The string of ASCII bytes, from the table when it was made before.</summary>
    private string Get(ReadOnlySpan<byte> ascii)
    {
        var hash = new HashCode();
        hash.AddBytes(ascii);
        var code = hash.ToHashCode();
        ref var head = ref _buckets[code & (BucketCount - 1)];
        for (var entry = Volatile.Read(ref head); entry is not null; entry = entry.Next)
        {
            if (entry.Code == code && Ascii.Equals(ascii, entry.Text))
            {
                return entry.Text;
            }
        }

        var made = Encoding.ASCII.GetString(ascii);
        if (Interlocked.Increment(ref _count) <= MaxNames)
        {
            var added = new Entry(made, code);
            Entry? seen;
            do
            {
                seen = Volatile.Read(ref head);
                added.Next = seen;
            }
            while (Interlocked.CompareExchange(ref head, added, seen) != seen);
        }

        return made;
    }

    private sealed class Entry(string text, int code)
    {
        public string Text { get; } = text;

        public int Code { get; } = code;

        public Entry? Next { get; set; }
    }
}
