namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>
/// The attributes of one read, each made once: attributes are immutable and kept for as long as the model, and entities
/// often repeat the same attributes (the same name, type and shape) from one to the next, so an attribute met again is
/// the instance made the first time. Fewer long-lived objects spare the garbage collector copying each of them through
/// its generations. The read-ahead workers use one table at once, without a lock.
/// </summary>
/// <remarks>
/// Open addressing over fixed arrays, as <see cref="CdmNameTable"/>: an attribute is in one of the
/// <see cref="MaxProbes"/> slots from its hash on, so an attribute not in the table (most of them, in folders whose
/// entities have their own attributes) costs at most that many compares of ints lying side by side, however full the
/// table is; an attribute that finds those slots taken is made each time. A slot is taken by a compare-exchange of its
/// hash code (0 is empty) and its attribute written after: a lookup that meets the code before the attribute makes its
/// own, equal to it.
/// </remarks>
internal sealed class CdmAttributeTable
{
    /// <summary>The most slots one lookup looks at.</summary>
    internal const int MaxProbes = 8;

    private const int DefaultSlotCount = 16384;

    private readonly int[] _codes;
    private readonly CdmAttribute?[] _attributes;
    private readonly int _mask;

    public CdmAttributeTable()
        : this(DefaultSlotCount)
    {
    }

    /// <param name="slotCount">A power of two: the most attributes the table keeps.</param>
    internal CdmAttributeTable(int slotCount)
    {
        if (slotCount < MaxProbes || (slotCount & (slotCount - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(slotCount), slotCount, "The slot count must be a power of two of at least MaxProbes.");
        }

        _codes = new int[slotCount];
        _attributes = new CdmAttribute?[slotCount];
        _mask = slotCount - 1;
    }

    /// <summary>The attribute with these values (equal to a new <see cref="CdmAttribute"/> of them), made once per read.</summary>
    public CdmAttribute Get(string name, string dataType, int? maxLength, int? precision, int? scale, bool? isNullable, string? description) =>
        Get(name, dataType, maxLength, precision, scale, isNullable, description, out _);

    /// <summary>As <see cref="Get(string, string, int?, int?, int?, bool?, string?)"/>; <paramref name="probes"/> is how many slots were looked at.</summary>
    internal CdmAttribute Get(string name, string dataType, int? maxLength, int? precision, int? scale, bool? isNullable, string? description, out int probes)
    {
        // The optional values are hashed as ints: hashing an int? through the generic HashCode.Add boxes it in unoptimized code.
        var hash = HashCode.Combine(name, dataType, description, maxLength ?? -1, precision ?? -1, scale ?? -1, isNullable is { } nullable ? (nullable ? 1 : 0) : -1);
        var code = hash != 0 ? hash : 1;
        var slot = code & _mask;
        for (probes = 1; probes <= MaxProbes; probes++, slot = (slot + 1) & _mask)
        {
            var held = Volatile.Read(ref _codes[slot]);
            if (held == 0)
            {
                held = Interlocked.CompareExchange(ref _codes[slot], code, 0);
                if (held == 0)
                {
                    var made = new CdmAttribute(name, dataType, maxLength, precision, scale, isNullable, description);
                    Volatile.Write(ref _attributes[slot], made);
                    return made;
                }
            }

            // Strings compare as the record compares them (ordinal), so a shared attribute equals the one it stands for.
            if (held == code
                && Volatile.Read(ref _attributes[slot]) is { } attribute
                && string.Equals(attribute.Name, name, StringComparison.Ordinal)
                && string.Equals(attribute.DataType, dataType, StringComparison.Ordinal)
                && attribute.MaxLength == maxLength
                && attribute.Precision == precision
                && attribute.Scale == scale
                && attribute.IsNullable == isNullable
                && string.Equals(attribute.Description, description, StringComparison.Ordinal))
            {
                return attribute;
            }
        }

        probes = MaxProbes;
        return new CdmAttribute(name, dataType, maxLength, precision, scale, isNullable, description);
    }
}
