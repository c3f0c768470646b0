namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>
/// The slots of <see cref="CdmNameTable"/>: open addressing over fixed arrays, used
/// by the read-ahead workers at once without a lock. A value is in one of the <see cref="MaxProbes"/> slots from its hash
/// on, so a value not there (most of them, in folders whose entities have their own attributes) costs at most that many
/// compares of ints lying side by side, however full the slots are; a value that finds those slots taken is not kept.
/// A slot is taken by a compare-exchange of its hash code (0 is empty), with its value made before and written just
/// after: a lookup that meets the code before the value waits for the value, so two threads never keep two equal values.
/// </summary>
internal sealed class CdmInternSlots<T>
    where T : class
{
    /// <summary>The most slots one lookup looks at.</summary>
    public const int MaxProbes = 8;

    private readonly int[] _codes;
    private readonly T?[] _values;
    private readonly int _mask;

    /// <param name="slotCount">A power of two of at least <see cref="MaxProbes"/>: the most values kept.</param>
    public CdmInternSlots(int slotCount)
    {
        if (slotCount < MaxProbes || (slotCount & (slotCount - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(slotCount), slotCount, "The slot count must be a power of two of at least MaxProbes.");
        }

        _codes = new int[slotCount];
        _values = new T?[slotCount];
        _mask = slotCount - 1;
    }

    /// <summary>The code a hash is kept under (never 0, which marks an empty slot).</summary>
    public static int CodeOf(int hash) => hash != 0 ? hash : 1;

    /// <summary>The first slot a code is looked for in.</summary>
    public int FirstSlot(int code) => code & _mask;

    /// <summary>The slot looked at after <paramref name="slot"/>.</summary>
    public int Next(int slot) => (slot + 1) & _mask;

    /// <summary>
    /// The value in <paramref name="slot"/> when it is kept under <paramref name="code"/> (to be compared by the caller);
    /// null when the slot holds another code or is <paramref name="empty"/>.
    /// </summary>
    public T? Held(int slot, int code, out bool empty)
    {
        var held = Volatile.Read(ref _codes[slot]);
        empty = held == 0;
        if (held != code)
        {
            return null;
        }

        // The thread that took the slot writes its value right after the compare-exchange, with nothing in between that can fail.
        var spin = default(SpinWait);
        T? value;
        while ((value = Volatile.Read(ref _values[slot])) is null)
        {
            spin.SpinOnce();
        }

        return value;
    }

    /// <summary>Keeps <paramref name="value"/> in <paramref name="slot"/> under <paramref name="code"/> when the slot is still empty.</summary>
    public bool TryTake(int slot, int code, T value)
    {
        if (Interlocked.CompareExchange(ref _codes[slot], code, 0) != 0)
        {
            return false;
        }

        Volatile.Write(ref _values[slot], value);
        return true;
    }
}
