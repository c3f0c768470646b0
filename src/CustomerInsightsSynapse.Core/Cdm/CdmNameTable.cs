using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>
/// The attribute names of one read, each made into a string once: entity documents repeat some names from entity to
/// entity (keys, timestamps; in some folders every name), and the strings are kept for as long as the model, so a name
/// met again is the string made the first time. Names written with escapes, non-ASCII or long ones are not kept (made
/// each time, as before). The read-ahead workers use one table at once, without a lock.
/// </summary>
/// <remarks>
/// Open addressing over fixed arrays: a name is in one of the <see cref="MaxProbes"/> slots from its hash on, so a name
/// not in the table (most of them, in folders whose entities have their own attributes) costs at most that many
/// compares of ints lying side by side, however full the table is; a name that finds those slots taken is made each
/// time. A slot is taken by a compare-exchange of its hash code (0 is empty) and its string written after: a lookup
/// that meets the code before the string makes its own string, equal to it.
/// </remarks>
internal sealed class CdmNameTable
{
    /// <summary>The most slots one lookup looks at.</summary>
    internal const int MaxProbes = 8;

    private const int DefaultSlotCount = 32768;
    private const int MaxLength = 128;

    private readonly int[] _codes;
    private readonly string?[] _texts;
    private readonly int _mask;

    public CdmNameTable()
        : this(DefaultSlotCount)
    {
    }

    /// <param name="slotCount">A power of two: the most names the table keeps.</param>
    internal CdmNameTable(int slotCount)
    {
        if (slotCount < MaxProbes || (slotCount & (slotCount - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(slotCount), slotCount, "The slot count must be a power of two of at least MaxProbes.");
        }

        _codes = new int[slotCount];
        _texts = new string?[slotCount];
        _mask = slotCount - 1;
    }

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
    private string Get(ReadOnlySpan<byte> ascii) => Get(ascii, out _);

    /// <summary>The string of ASCII bytes, from the table when it was made before; <paramref name="probes"/> is how many slots were looked at.</summary>
    internal string Get(ReadOnlySpan<byte> ascii, out int probes)
    {
        var hash = new HashCode();
        hash.AddBytes(ascii);
        var code = hash.ToHashCode() is var h && h != 0 ? h : 1;
        var slot = code & _mask;
        for (probes = 1; probes <= MaxProbes; probes++, slot = (slot + 1) & _mask)
        {
            var held = Volatile.Read(ref _codes[slot]);
            if (held == 0)
            {
                held = Interlocked.CompareExchange(ref _codes[slot], code, 0);
                if (held == 0)
                {
                    var made = Encoding.ASCII.GetString(ascii);
                    Volatile.Write(ref _texts[slot], made);
                    return made;
                }
            }

            if (held == code && Volatile.Read(ref _texts[slot]) is { } text && Ascii.Equals(ascii, text))
            {
                return text;
            }
        }

        probes = MaxProbes;
        return Encoding.ASCII.GetString(ascii);
    }
}
