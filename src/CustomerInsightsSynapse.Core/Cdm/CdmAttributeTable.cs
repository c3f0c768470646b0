namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>
/// The attributes of one read, each made once: attributes are immutable and kept for as long as the model, and entities
/// often repeat the same attributes (the same name, type and shape) from one to the next, so an attribute met again is
/// the instance made the first time. Fewer long-lived objects spare the garbage collector copying each of them through
/// its generations. The read-ahead workers use one table at once, without a lock.
/// </summary>
/// <remarks>A lookup looks at <see cref="MaxProbes"/> slots at most (<see cref="CdmInternSlots{T}"/>).</remarks>
internal sealed class CdmAttributeTable
{
    /// <summary>The most slots one lookup looks at.</summary>
    internal const int MaxProbes = CdmInternSlots<CdmAttribute>.MaxProbes;

    private const int DefaultSlotCount = 16384;

    private readonly CdmInternSlots<CdmAttribute> _slots;

    public CdmAttributeTable()
        : this(DefaultSlotCount)
    {
    }

    /// <param name="slotCount">A power of two of at least <see cref="MaxProbes"/>: the most attributes the table keeps.</param>
    internal CdmAttributeTable(int slotCount)
    {
        _slots = new CdmInternSlots<CdmAttribute>(slotCount);
    }

    /// <summary>The attribute with these values (equal to a new <see cref="CdmAttribute"/> of them), made once per read.</summary>
    public CdmAttribute Get(string name, string dataType, int? maxLength, int? precision, int? scale, bool? isNullable, string? description) =>
        Get(name, CdmNameTable.HashOf(name), dataType, maxLength, precision, scale, isNullable, description, out _);

    /// <summary>As <see cref="Get(string, string, int?, int?, int?, bool?, string?)"/> for a name whose <see cref="CdmNameTable.HashOf"/> is known.</summary>
    public CdmAttribute Get(string name, int nameHash, string dataType, int? maxLength, int? precision, int? scale, bool? isNullable, string? description) =>
        Get(name, nameHash, dataType, maxLength, precision, scale, isNullable, description, out _);

    /// <summary>As <see cref="Get(string, string, int?, int?, int?, bool?, string?)"/>; <paramref name="probes"/> is how many slots were looked at.</summary>
    internal CdmAttribute Get(string name, string dataType, int? maxLength, int? precision, int? scale, bool? isNullable, string? description, out int probes) =>
        Get(name, CdmNameTable.HashOf(name), dataType, maxLength, precision, scale, isNullable, description, out probes);

    private CdmAttribute Get(string name, int nameHash, string dataType, int? maxLength, int? precision, int? scale, bool? isNullable, string? description, out int probes)
    {
        // The optional values are hashed as ints: hashing an int? through the generic HashCode.Add boxes it in unoptimized code.
        var hash = HashCode.Combine(nameHash, dataType, description, maxLength ?? -1, precision ?? -1, scale ?? -1, isNullable is { } nullable ? (nullable ? 1 : 0) : -1);
        var code = CdmInternSlots<CdmAttribute>.CodeOf(hash);
        var slot = _slots.FirstSlot(code);
        CdmAttribute? made = null;
        for (probes = 1; probes <= MaxProbes; probes++, slot = _slots.Next(slot))
        {
            var held = _slots.Held(slot, code, out var empty);
            if (empty)
            {
                made ??= new CdmAttribute(name, dataType, maxLength, precision, scale, isNullable, description);
                if (_slots.TryTake(slot, code, made))
                {
                    return made;
                }

                held = _slots.Held(slot, code, out _);
            }

            // Strings compare as the record compares them (ordinal), so a shared attribute equals the one it stands for.
            if (held is not null
                && string.Equals(held.Name, name, StringComparison.Ordinal)
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

        probes = MaxProbes;
        return made ?? new CdmAttribute(name, dataType, maxLength, precision, scale, isNullable, description);
    }
}
