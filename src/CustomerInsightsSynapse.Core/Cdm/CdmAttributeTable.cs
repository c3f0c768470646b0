namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>
/// The attributes of one read, each made once: attributes are immutable and kept for as long as the model, and entities
/// repeat the same attributes (the same name, type and shape) from one to the next, so an attribute met again is the
/// instance made the first time. Fewer long-lived objects spare the garbage collector copying each of them through its
/// generations. The read-ahead workers use one table at once, without a lock (an attribute is added by a compare-exchange
/// into an empty slot); it keeps at most <see cref="MaxAttributes"/> attributes, and makes any further one each time.
/// </summary>
internal sealed class CdmAttributeTable
{
    private const int SlotCount = 8192;
    private const int MaxAttributes = SlotCount * 3 / 4;

    // Open addressing: an attribute is in the first slot from its hash on that holds it or is empty. Slots are only ever
    // filled, never emptied, so a lookup that meets an empty slot knows the attribute is not in the table.
    private readonly CdmAttribute?[] _slots = new CdmAttribute?[SlotCount];
    private int _count;

    /// <summary>The attribute with these values (equal to a new <see cref="CdmAttribute"/> of them), made once per read.</summary>
    public CdmAttribute Get(string name, string dataType, int? maxLength, int? precision, int? scale, bool? isNullable, string? description)
    {
        // The optional values are hashed as ints: hashing an int? through the generic HashCode.Add boxes it in unoptimized code.
        var slot = HashCode.Combine(name, dataType, description, maxLength ?? -1, precision ?? -1, scale ?? -1, isNullable is { } nullable ? (nullable ? 1 : 0) : -1) & (SlotCount - 1);
        CdmAttribute? made = null;
        for (var probes = 0; probes < SlotCount; probes++, slot = (slot + 1) & (SlotCount - 1))
        {
            var held = Volatile.Read(ref _slots[slot]);
            if (held is null)
            {
                if (Volatile.Read(ref _count) >= MaxAttributes)
                {
                    break;
                }

                made ??= new CdmAttribute(name, dataType, maxLength, precision, scale, isNullable, description);
                held = Interlocked.CompareExchange(ref _slots[slot], made, null);
                if (held is null)
                {
                    Interlocked.Increment(ref _count);
                    return made;
                }
            }

            // Strings compare as the record compares them (ordinal), so a shared attribute equals the one it stands for.
            if (string.Equals(held.Name, name, StringComparison.Ordinal)
                && string.Equals(held.DataType, dataType, StringComparison.Ordinal)
                && held.MaxLength == maxLength
                && held.Precision == precision
                && held.Scale == scale
                && held.IsNullable == isNullable
                && string.Equals(held.Description, description, StringComparison.Ordinal))
            {
                return held;
            }
        }

        return made ?? new CdmAttribute(name, dataType, maxLength, precision, scale, isNullable, description);
    }
}
