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
/// <remarks>A lookup looks at <see cref="MaxProbes"/> slots at most (<see cref="CdmInternSlots{T}"/>).</remarks>
internal sealed class CdmNameTable
{
    /// <summary>The most slots one lookup looks at.</summary>
    internal const int MaxProbes = CdmInternSlots<string>.MaxProbes;

    private const int DefaultSlotCount = 32768;
    private const int MaxLength = 128;

    private readonly CdmInternSlots<string> _slots;

    public CdmNameTable()
        : this(DefaultSlotCount)
    {
    }

    /// <param name="slotCount">A power of two of at least <see cref="MaxProbes"/>: the most names the table keeps.</param>
    internal CdmNameTable(int slotCount)
    {
        _slots = new CdmInternSlots<string>(slotCount);
    }

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
        return Ascii.IsValid(text) ? Get(text, HashOfAscii(text), out _) : value.GetString();
    }

    /// <summary>The text of the string token <paramref name="reader"/> is on, as <see cref="AsStringOrNull"/> reads a string value.</summary>
    public string StringOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length > MaxLength || !Ascii.IsValid(reader.ValueSpan))
        {
            return reader.GetString()!;
        }

        return Get(reader.ValueSpan, HashOfAscii(reader.ValueSpan), out _);
    }

    private static int HashOfAscii(ReadOnlySpan<byte> ascii)
    {
        var hash = new HashCode();
        hash.AddBytes(ascii);
        return hash.ToHashCode();
    }

    /// <summary>The string of ASCII bytes, from the table when it was made before; <paramref name="probes"/> is how many slots were looked at.</summary>
    internal string Get(ReadOnlySpan<byte> ascii, out int probes) => Get(ascii, HashOfAscii(ascii), out probes);

    private string Get(ReadOnlySpan<byte> ascii, int hash, out int probes)
    {
        var code = CdmInternSlots<string>.CodeOf(hash);
        var slot = _slots.FirstSlot(code);
        string? made = null;
        for (probes = 1; probes <= MaxProbes; probes++, slot = _slots.Next(slot))
        {
            var held = _slots.Held(slot, code, out var empty);
            if (empty)
            {
                made ??= Encoding.ASCII.GetString(ascii);
                if (_slots.TryTake(slot, code, made))
                {
                    return made;
                }

                held = _slots.Held(slot, code, out _);
            }

            if (held is not null && Ascii.Equals(ascii, held))
            {
                return held;
            }
        }

        probes = MaxProbes;
        return made ?? Encoding.ASCII.GetString(ascii);
    }
}
