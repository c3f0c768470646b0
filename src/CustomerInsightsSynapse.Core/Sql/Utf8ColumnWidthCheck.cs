using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>A CSV value longer than the text column its view reads it into.</summary>
/// <param name="Entity">The entity.</param>
/// <param name="Partition">The partition file (its name, or its location).</param>
/// <param name="Attribute">The attribute whose column is too narrow.</param>
/// <param name="Row">The data row, counted from 1 after skipped lines and the header.</param>
/// <param name="Bytes">The value's length in UTF-8 bytes.</param>
/// <param name="Limit">The column's width in bytes (<see cref="SqlColumnType.TextBytes"/>).</param>
public sealed record Utf8ColumnWidthViolation(string Entity, string Partition, string Attribute, long Row, long Bytes, int Limit)
{
    /// <summary>The <see cref="ErrorIds.TextValueTooLong"/> error that fails the entity's landing.</summary>
    public CISynapseException Error() =>
        new(
            ErrorIds.TextValueTooLong,
            ErrorKind.LimitsExceeded,
            string.Create(
                CultureInfo.InvariantCulture,
                $"The value of attribute '{SqlQuoting.Printable(Attribute)}' in row {Row} of '{SqlQuoting.Printable(Partition)}' (entity '{SqlQuoting.Printable(Entity)}') is {Bytes} bytes in UTF-8, more than the {Limit} bytes of its view column; serverless SQL would fail every query of the view, so the entity is not landed."),
            Entity);
}

/// <summary>
/// Finds, in the bytes of one CSV partition as they pass through the module, the first value longer than the
/// UTF-8 text column the view reads it into. Serverless SQL parser 2.0 fails every query of a view whose files hold
/// such a value, so landing calls this for each CSV partition it streams and fails that entity (see
/// <see cref="ThrowIfTooLong"/>) before its view moves. Pure: feed <see cref="Append"/> the file's bytes in any
/// chunks, then call <see cref="Complete"/>. Reads the CSV as the view does: skipLines, header (columns by name),
/// delimiter, quote (doubled inside quoted values), line end.
/// </summary>
public sealed class Utf8ColumnWidthCheck
{
    private const byte LineFeed = (byte)'\n';
    private const byte CarriageReturn = (byte)'\r';

    /// <summary>The fewest bytes <see cref="SkipValuesThatFit"/> takes at once; shorter stretches are read value by value.</summary>
    private const int ShortestSkip = 64;

    /// <summary>The bytes that can end an unquoted value, per delimiter and line end: built once, not once per file.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, SearchValues<byte>> UnquotedStopsCache = new();

    private readonly string _entity;
    private readonly string _partition;
    private readonly CdmEntity _entityDefinition;
    private readonly byte _delimiter;
    private readonly int _quote;
    private readonly byte _lineEnd;
    private readonly SearchValues<byte> _unquotedStops;
    private readonly bool _wideVectors;
    private readonly List<byte> _headerField = [];
    private readonly List<string> _headerNames = [];
    private (string Attribute, int Limit)?[] _columns = null!;
    private long[] _widths = null!;
    private long _narrowestColumn;
    private long _linesToSkip;
    private bool _inHeader;
    private State _state = State.FieldStart;
    private long _fieldBytes;
    private bool _pendingCarriageReturn;
    private int _column;
    private long _row = 1;
    private bool _rowHasContent;

    private Utf8ColumnWidthCheck(CdmEntity entity, CdmPartition partition, CsvFormat csv, byte delimiter, int quote, byte lineEnd, bool wideVectors)
    {
        _wideVectors = wideVectors;
        _entity = entity.Name;
        _entityDefinition = entity;
        _partition = partition.Name ?? partition.Location;
        _delimiter = delimiter;
        _quote = quote;
        _lineEnd = lineEnd;
        _unquotedStops = UnquotedStopsCache.GetOrAdd((delimiter << 8) | lineEnd, static key => SearchValues.Create((byte)key == LineFeed ? [(byte)(key >> 8), (byte)key, CarriageReturn] : [(byte)(key >> 8), (byte)key]));
        _inHeader = csv.HasHeader;
        _linesToSkip = Math.Max(0, csv.SkipLines);
        SetColumns(csv.HasHeader ? [] : entity.Attributes.Select(a => ((string, int)?)(a.Name, SqlTypeMap.TextBytes(a))));
    }

    private enum State
    {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }

    /// <summary>Quoted values <see cref="MeasureUnquotedFields"/> measured without leaving its loop (for tests).</summary>
    internal long QuotedValuesInStride { get; private set; }

    /// <summary>Rows <see cref="CountQuotedRowsThatFit"/> counted (for tests).</summary>
    internal long RowsCountedWithQuotes { get; private set; }

    /// <summary>Bytes read one at a time by the state machine, outside every vectorized path (for tests).</summary>
    internal long BytesReadOneByOne { get; private set; }

    /// <summary>The first value found too long, once found.</summary>
    public Utf8ColumnWidthViolation? Violation { get; private set; }

    /// <summary>
    /// A check for one CSV partition of <paramref name="entity"/>, or null when the partition is not CSV or its
    /// delimiter, quote or line end is not a single byte in UTF-8 (those files are not checked).
    /// </summary>
    public static Utf8ColumnWidthCheck? For(CdmEntity entity, CdmPartition partition) => For(entity, partition, Vector512.IsHardwareAccelerated);

    /// <summary>
    /// <see cref="For(CdmEntity, CdmPartition)"/>, counting quoted rows with one 512-bit vector per 64 bytes when
    /// <paramref name="wideVectors"/> (where the processor has them: a third of the 256-bit path's compares and mask
    /// extractions), else with two 256-bit vectors; tests take both paths on any processor.
    /// </summary>
    internal static Utf8ColumnWidthCheck? For(CdmEntity entity, CdmPartition partition, bool wideVectors)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(partition);
        if (partition.Format != PartitionFormat.Csv)
        {
            return null;
        }

        var csv = partition.Csv ?? CsvFormat.Default;
        var newLine = string.IsNullOrEmpty(csv.NewLine) || csv.NewLine == "\r\n" ? "\n" : csv.NewLine;
        if (!SingleByte(csv.Delimiter, out var delimiter) || !SingleByte(newLine, out var lineEnd))
        {
            return null;
        }

        var quote = -1;
        if (!string.IsNullOrEmpty(csv.Quote))
        {
            if (!SingleByte(csv.Quote, out var quoteByte))
            {
                return null;
            }

            quote = quoteByte;
        }

        return new Utf8ColumnWidthCheck(entity, partition, csv, delimiter, quote, lineEnd, wideVectors);
    }

    /// <summary>
    /// Reads the next bytes of the file: the bytes of a value up to the next byte that can end it are counted in one
    /// vectorized search, the rest one byte at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Append(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length && Violation is null)
        {
            var rest = bytes[i..];
            if (_linesToSkip > 0)
            {
                var end = rest.IndexOf(_lineEnd);
                if (end < 0)
                {
                    return;
                }

                _linesToSkip--;
                i += end + 1;
                continue;
            }

            var skipped = CountQuotedRowsThatFit(rest);
            if (skipped == 0)
            {
                skipped = SkipValuesThatFit(rest);
            }

            if (skipped == 0)
            {
                skipped = MeasureUnquotedFields(rest);
            }

            if (skipped > 0)
            {
                i += skipped;
                continue;
            }

            var run = _state switch
            {
                State.Unquoted when !_pendingCarriageReturn => rest.IndexOfAny(_unquotedStops),
                State.Quoted => rest.IndexOf((byte)_quote),
                _ => 0,
            };
            if (run != 0)
            {
                var value = run < 0 ? rest : rest[..run];
                CountRun(value);
                i += value.Length;
                continue;
            }

            Read(rest[0]);
            BytesReadOneByOne++;
            i++;
        }
    }

    /// <summary>
    /// Outside quotes, a stretch no longer than the narrowest checked column (less the bytes of the value it
    /// continues) cannot hold a value too long: its rows and fields are only counted, each in one vectorized pass,
    /// instead of read value by value. The stretch ends before a quote that opens a value, and before a trailing carriage
    /// return (which may belong to the next line end). Returns the bytes taken, 0 when the stretch would be too short.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int SkipValuesThatFit(ReadOnlySpan<byte> rest)
    {
        if (_inHeader || _pendingCarriageReturn || _state is not (State.FieldStart or State.Unquoted) || _narrowestColumn - _fieldBytes < ShortestSkip)
        {
            return 0;
        }

        var stretch = rest[..(int)Math.Min(rest.Length, _narrowestColumn - _fieldBytes)];
        if (OpeningQuote(stretch) is var quote and >= 0)
        {
            stretch = stretch[..quote];
        }

        if (_lineEnd == LineFeed && !stretch.IsEmpty && stretch[^1] == CarriageReturn)
        {
            stretch = stretch[..^1];
        }

        if (stretch.Length < ShortestSkip)
        {
            return 0;
        }

        var lastLineEnd = stretch.LastIndexOf(_lineEnd);
        if (lastLineEnd >= 0)
        {
            _row += stretch.Count(_lineEnd) - EmptyLines(stretch);
            var lastRow = stretch[(lastLineEnd + 1)..];
            _column = lastRow.Count(_delimiter);
            _rowHasContent = !lastRow.IsEmpty;
        }
        else
        {
            _column += stretch.Count(_delimiter);
            _rowHasContent = true;
        }

        var lastEnd = stretch.LastIndexOfAny(_delimiter, _lineEnd);
        _fieldBytes = lastEnd < 0 ? _fieldBytes + stretch.Length : stretch.Length - 1 - lastEnd;
        _state = lastEnd == stretch.Length - 1 ? State.FieldStart : State.Unquoted;
        return stretch.Length;
    }

    /// <summary>
    /// Rows of values no longer than the narrowest checked column, quoted or not, are counted 64 bytes at a time without
    /// reading their values: which bytes are inside quotes is the running parity of the quotes (a doubled quote closes
    /// and reopens), delimiters and line ends outside quotes count fields and rows, and a value is only measured against
    /// the narrowest column where it runs across 64-byte blocks (inside one it is no longer than any column this path takes).
    /// Bytes after a closing quote are the value's, as the state machine reads them. A block stops it when a quote
    /// outside quotes is neither at a value's start nor right after a closing quote (the state machine reads it as a
    /// byte), or a value may be too long. A carriage return is measured as a byte of its value, also the one of a CRLF
    /// line end, which the state machine leaves out: a measure one byte high only stops the count sooner.
    /// Takes the bytes up to and including the last delimiter or line end outside quotes of the blocks before; returns 0
    /// when it takes none.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int CountQuotedRowsThatFit(ReadOnlySpan<byte> rest)
    {
        if (!VectorsCanRead || _quote < 0 || _narrowestColumn < ShortestSkip)
        {
            return 0;
        }

        ref var start = ref MemoryMarshal.GetReference(rest);
        var (delimiters, lineEnds, quotes, _) = Separators();
        var (wideDelimiters, wideLineEnds, wideQuotes) = (Vector512.Create(_delimiter), Vector512.Create(_lineEnd), Vector512.Create((byte)_quote));
        var wide = _wideVectors;

        // Bit 0 of each carry: what the byte before the 64 bytes was.
        var inside = 0UL;
        var afterStop = _state == State.FieldStart ? 1UL : 0UL;
        var afterClosingQuote = 0UL;
        var afterRowEnd = !_rowHasContent && _fieldBytes == 0 && _column == 0 ? 1UL : 0UL;
        var sinceStop = _fieldBytes;
        var (rows, column, lastLineEnds, taken) = (0L, _column, 0UL, 0);
        const int Width = 64;
        for (var at = 0; at + Width <= rest.Length; at += Width)
        {
            ulong quoteBits, lineEndBits, delimiterBits;
            if (wide)
            {
                var block = Vector512.LoadUnsafe(ref start, (nuint)at);
                quoteBits = Vector512.Equals(block, wideQuotes).ExtractMostSignificantBits();
                lineEndBits = Vector512.Equals(block, wideLineEnds).ExtractMostSignificantBits();
                delimiterBits = Vector512.Equals(block, wideDelimiters).ExtractMostSignificantBits();
            }
            else
            {
                var low = Vector256.LoadUnsafe(ref start, (nuint)at);
                var high = Vector256.LoadUnsafe(ref start, (nuint)(at + Vector256<byte>.Count));
                quoteBits = Bits(low, high, quotes);
                lineEndBits = Bits(low, high, lineEnds);
                delimiterBits = Bits(low, high, delimiters);
            }

            var quoted = PrefixXor(quoteBits) ^ inside;
            var opening = quoteBits & quoted;
            var closing = quoteBits & ~quoted;
            lineEndBits &= ~quoted;
            var stops = (delimiterBits & ~quoted) | lineEndBits;
            if ((opening & ~((stops << 1) | afterStop | (closing << 1) | afterClosingQuote)) != 0)
            {
                break;
            }

            if (stops == 0)
            {
                sinceStop += Width;
                if (sinceStop > _narrowestColumn)
                {
                    break;
                }
            }
            else
            {
                if (sinceStop + BitOperations.TrailingZeroCount(stops) > _narrowestColumn)
                {
                    break;
                }

                // The bytes after the block's last stop; its line ends moved up to put that stop at bit 63 (set: it ends a row).
                var afterLastStop = BitOperations.LeadingZeroCount(stops);
                sinceStop = afterLastStop;
                rows += BitOperations.PopCount(lineEndBits & ~((lineEndBits << 1) | afterRowEnd));
                column = lineEndBits != 0
                    ? BitOperations.PopCount(stops & ~(ulong.MaxValue >> BitOperations.LeadingZeroCount(lineEndBits)))
                    : column + BitOperations.PopCount(stops);
                lastLineEnds = lineEndBits << afterLastStop;
                taken = at + Width - afterLastStop;
            }

            inside = (ulong)((long)quoted >> (Width - 1));
            afterStop = stops >> (Width - 1);
            afterClosingQuote = closing >> (Width - 1);
            afterRowEnd = lineEndBits >> (Width - 1);
        }

        if (taken == 0)
        {
            return 0;
        }

        RowsCountedWithQuotes += rows;
        (_row, _column, _rowHasContent, _fieldBytes, _state) = (_row + rows, column, (long)lastLineEnds >= 0, 0, State.FieldStart);
        return taken;
    }

    /// <summary>
    /// Whether the vectorized paths may read on: 256-bit vectors, past the header, outside quotes, no carriage return
    /// waiting for its line feed, and a delimiter apart from the line end.
    /// </summary>
    private bool VectorsCanRead =>
        Vector256.IsHardwareAccelerated && !_inHeader && !_pendingCarriageReturn && _state is (State.FieldStart or State.Unquoted) && _delimiter != _lineEnd;

    /// <summary>The delimiter, line end, quote and carriage return, each in every byte of a vector.</summary>
    private (Vector256<byte> Delimiters, Vector256<byte> LineEnds, Vector256<byte> Quotes, Vector256<byte> CarriageReturns) Separators() =>
        (Vector256.Create(_delimiter), Vector256.Create(_lineEnd), Vector256.Create((byte)_quote), Vector256.Create(CarriageReturn));

    /// <summary>Bit i of the result: whether an odd number of the bits 0..i of <paramref name="bits"/> are set.</summary>
    private static ulong PrefixXor(ulong bits)
    {
        if (Pclmulqdq.IsSupported)
        {
            // A carry-less multiplication by all ones is the running XOR of the bits.
            return Pclmulqdq.CarrylessMultiply(Vector128.CreateScalar(bits), Vector128<ulong>.AllBitsSet, 0).ToScalar();
        }

        bits ^= bits << 1;
        bits ^= bits << 2;
        bits ^= bits << 4;
        bits ^= bits << 8;
        bits ^= bits << 16;
        return bits ^ (bits << 32);
    }

    /// <summary>Bit i: whether byte i of the 64 bytes in <paramref name="low"/> and <paramref name="high"/> is <paramref name="value"/>'s.</summary>
    private static ulong Bits(Vector256<byte> low, Vector256<byte> high, Vector256<byte> value) =>
        Vector256.Equals(low, value).ExtractMostSignificantBits() | ((ulong)Vector256.Equals(high, value).ExtractMostSignificantBits() << 32);

    /// <summary>
    /// Outside quotes, 32 bytes at a time: the delimiters and line ends of each 256-bit vector are found in one compare,
    /// and each value between two of them is measured against its own column, as reading the bytes one by one would
    /// (narrow columns, or a quote in every row, where <see cref="SkipValuesThatFit"/> cannot take stretches). A simple
    /// quoted value at a field's start (see <see cref="QuotedValueEnd"/>) is measured in stride, up to the delimiter or
    /// line end after it; another quote, or a carriage return not right before a delimiter or line end of its vector,
    /// stops it (the state machine reads them), as does the last partial vector. Returns the bytes taken.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int MeasureUnquotedFields(ReadOnlySpan<byte> rest)
    {
        if (!VectorsCanRead)
        {
            return 0;
        }

        ref var start = ref MemoryMarshal.GetReference(rest);
        var (delimiters, lineEnds, quotes, carriageReturns) = Separators();
        var crEndsLines = _lineEnd == LineFeed;
        var widths = _widths;

        // The reading state in locals for the loop; written back when it stops, or before a value too long is reported.
        var (column, fieldBytes, row, rowHasContent, atFieldStart) = (_column, _fieldBytes, _row, _rowHasContent, _state == State.FieldStart);
        var taken = 0;
        while (taken + Vector256<byte>.Count <= rest.Length)
        {
            var block = Vector256.LoadUnsafe(ref start, (nuint)taken);
            var lineEndBits = Vector256.Equals(block, lineEnds).ExtractMostSignificantBits();
            var stops = Vector256.Equals(block, delimiters).ExtractMostSignificantBits() | lineEndBits;
            var end = Vector256<byte>.Count;

            // A carriage return right before a delimiter or line end of the same vector is not the value's (CRLF line ends).
            var endingCarriageReturns = crEndsLines ? Vector256.Equals(block, carriageReturns).ExtractMostSignificantBits() : 0u;
            var readByStateMachine = _quote < 0 ? 0u : Vector256.Equals(block, quotes).ExtractMostSignificantBits();
            if (endingCarriageReturns != 0)
            {
                readByStateMachine |= endingCarriageReturns & ~(stops >> 1);
                endingCarriageReturns &= stops >> 1;
            }

            if (readByStateMachine != 0)
            {
                end = BitOperations.TrailingZeroCount(readByStateMachine);
                stops &= (1u << end) - 1;
            }

            var valueStart = 0;
            while (stops != 0)
            {
                var stop = BitOperations.TrailingZeroCount(stops);
                stops &= stops - 1;
                if (stop > valueStart)
                {
                    fieldBytes += stop - valueStart;
                    if (endingCarriageReturns != 0)
                    {
                        fieldBytes -= (long)((endingCarriageReturns >> (stop - 1)) & 1);
                    }

                    rowHasContent = true;
                }

                var endsLine = (lineEndBits & (1u << stop)) != 0;
                if (!endsLine || rowHasContent || fieldBytes > 0 || column > 0)
                {
                    if ((uint)column < (uint)widths.Length && fieldBytes > widths[column])
                    {
                        (_column, _fieldBytes, _row) = (column, fieldBytes, row);
                        EndField();
                        return taken + stop + 1;
                    }

                    (fieldBytes, column, rowHasContent) = endsLine ? (0, 0, false) : (0, column + 1, true);
                    row += endsLine ? 1 : 0;
                }

                atFieldStart = true;
                valueStart = stop + 1;
            }

            if (end > valueStart)
            {
                fieldBytes += end - valueStart;
                rowHasContent = true;
                atFieldStart = false;
            }

            taken += end;
            if (end == Vector256<byte>.Count)
            {
                continue;
            }

            if (end != valueStart || !atFieldStart || rest[taken] != _quote || QuotedValueEnd(rest, taken) is not (var stopAfter and >= 0))
            {
                break;
            }

            fieldBytes = stopAfter - taken - (rest[stopAfter - 1] == _quote ? 2 : 3);
            if ((uint)column < (uint)widths.Length && fieldBytes > widths[column])
            {
                (_column, _fieldBytes, _row) = (column, fieldBytes, row);
                EndField();
                return stopAfter + 1;
            }

            var quotedEndsLine = rest[stopAfter] == _lineEnd;
            (fieldBytes, column, rowHasContent) = quotedEndsLine ? (0, 0, false) : (0, column + 1, true);
            row += quotedEndsLine ? 1 : 0;
            QuotedValuesInStride++;
            taken = stopAfter + 1;
        }

        (_column, _fieldBytes, _row, _rowHasContent, _state) = (column, fieldBytes, row, rowHasContent, atFieldStart ? State.FieldStart : State.Unquoted);
        return taken;
    }

    /// <summary>
    /// Where the delimiter or line end after the quoted value that opens at <paramref name="openingQuote"/> is, when
    /// the value is simple: its first quote after the opening one closes it and the delimiter or line end follows right
    /// away, or after a carriage return with line feed line ends (so no doubled quote, no other byte after the closing
    /// quote). Otherwise -1: the state machine reads it.
    /// </summary>
    private int QuotedValueEnd(ReadOnlySpan<byte> rest, int openingQuote)
    {
        var closing = rest[(openingQuote + 1)..].IndexOf((byte)_quote);
        if (closing < 0)
        {
            return -1;
        }

        var stop = openingQuote + closing + 2;
        if (_lineEnd == LineFeed && _quote != CarriageReturn && stop < rest.Length && rest[stop] == CarriageReturn)
        {
            stop++;
        }

        return stop < rest.Length && (rest[stop] == _delimiter || rest[stop] == _lineEnd) ? stop : -1;
    }

    /// <summary>
    /// Where a quote opens a value in <paramref name="stretch"/> (first byte of a field), or -1: a quote first in the
    /// stretch at a field's start, or the first quote right after a delimiter or a line end.
    /// </summary>
    private int OpeningQuote(ReadOnlySpan<byte> stretch)
    {
        if (_quote < 0)
        {
            return -1;
        }

        return _state == State.FieldStart && stretch[0] == (byte)_quote ? 0 : FirstAfterEither(stretch, (byte)_quote, _delimiter, _lineEnd);
    }

    /// <summary>Line ends in <paramref name="stretch"/> that end no row: right after another, or first in a row still empty.</summary>
    private int EmptyLines(ReadOnlySpan<byte> stretch)
    {
        var first = stretch[0] == _lineEnd && !_rowHasContent && _fieldBytes == 0 && _column == 0 ? 1 : 0;
        return first + CountAfter(stretch, _lineEnd, _lineEnd);
    }

    /// <summary>The first index of <paramref name="value"/> right after <paramref name="before"/> or <paramref name="orBefore"/>, or -1.</summary>
    internal static int FirstAfterEither(ReadOnlySpan<byte> bytes, byte value, byte before, byte orBefore) =>
        AfterEither(bytes, value, before, orBefore, count: false);

    /// <summary>How many times <paramref name="value"/> comes right after <paramref name="before"/>.</summary>
    internal static int CountAfter(ReadOnlySpan<byte> bytes, byte value, byte before) =>
        AfterEither(bytes, value, before, before, count: true);

    /// <summary>
    /// The first index (from 1) of <paramref name="value"/> right after <paramref name="before"/> or
    /// <paramref name="orBefore"/> in <paramref name="bytes"/>, or -1; with <paramref name="count"/>, how many there
    /// are. One pass, each 256-bit vector compared with itself shifted by one byte.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int AfterEither(ReadOnlySpan<byte> bytes, byte value, byte before, byte orBefore, bool count)
    {
        var found = 0;
        var i = 1;
        if (Vector256.IsHardwareAccelerated && bytes.Length > Vector256<byte>.Count)
        {
            ref var start = ref MemoryMarshal.GetReference(bytes);
            var values = Vector256.Create(value);
            var befores = Vector256.Create(before);
            var orBefores = Vector256.Create(orBefore);
            for (; i + Vector256<byte>.Count <= bytes.Length; i += Vector256<byte>.Count)
            {
                var previous = Vector256.LoadUnsafe(ref start, (nuint)(i - 1));
                var matches = Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)i), values)
                    & (Vector256.Equals(previous, befores) | Vector256.Equals(previous, orBefores));
                if (matches != Vector256<byte>.Zero)
                {
                    var bits = matches.ExtractMostSignificantBits();
                    if (!count)
                    {
                        return i + BitOperations.TrailingZeroCount(bits);
                    }

                    found += BitOperations.PopCount(bits);
                }
            }
        }

        // The rest, or all of it without 256-bit vectors: from one occurrence of the value to the next.
        for (; i < bytes.Length && bytes[i..].IndexOf(value) is var next and >= 0; i++)
        {
            i += next;
            if (bytes[i - 1] == before || bytes[i - 1] == orBefore)
            {
                if (!count)
                {
                    return i;
                }

                found++;
            }
        }

        return count ? found : -1;
    }

    /// <summary>The view columns the file's columns are read into, in order (null: not checked), and their widths.</summary>
    private void SetColumns(IEnumerable<(string Attribute, int Limit)?> columns)
    {
        _columns = [.. columns];
        _widths = [.. _columns.Select(c => c?.Limit ?? long.MaxValue)];
        _narrowestColumn = _widths.DefaultIfEmpty(long.MaxValue).Min();
    }

    /// <summary>Ends the file (a last row without a line end counts) and returns the first violation, if any.</summary>
    public Utf8ColumnWidthViolation? Complete()
    {
        if (Violation is null && _linesToSkip == 0 && (_rowHasContent || _state != State.FieldStart))
        {
            EndField();
        }

        return Violation;
    }

    /// <summary>Completes the check and throws <see cref="ErrorIds.TextValueTooLong"/> when a value is too long.</summary>
    public void ThrowIfTooLong()
    {
        if (Complete() is { } v)
        {
            throw v.Error();
        }
    }

    private void Read(byte b)
    {
        switch (_state)
        {
            case State.FieldStart:
                if (b == _quote)
                {
                    _state = State.Quoted;
                    _rowHasContent = true;
                    return;
                }

                _state = State.Unquoted;
                ReadUnquoted(b);
                return;
            case State.Unquoted:
                ReadUnquoted(b);
                return;
            case State.Quoted:
                if (b == _quote)
                {
                    _state = State.QuoteInQuoted;
                }
                else
                {
                    Count(b);
                }

                return;
            default:
                if (b == _quote)
                {
                    Count(b);
                    _state = State.Quoted;
                    return;
                }

                _state = State.Unquoted;
                ReadUnquoted(b);
                return;
        }
    }

    private void ReadUnquoted(byte b)
    {
        if (b == _delimiter)
        {
            _pendingCarriageReturn = false;
            EndField();
            _state = State.FieldStart;
            _rowHasContent = true;
            return;
        }

        if (b == _lineEnd)
        {
            _pendingCarriageReturn = false;
            if (_rowHasContent || _fieldBytes > 0 || _column > 0)
            {
                EndField();
                EndRow();
            }

            _state = State.FieldStart;
            return;
        }

        // A carriage return right before the line feed belongs to the line end, not to the value.
        if (_pendingCarriageReturn)
        {
            Count(CarriageReturn);
            _pendingCarriageReturn = false;
        }

        if (b == CarriageReturn && _lineEnd == LineFeed)
        {
            _pendingCarriageReturn = true;
            _rowHasContent = true;
            return;
        }

        Count(b);
    }

    private void CountRun(ReadOnlySpan<byte> value)
    {
        _rowHasContent = true;
        _fieldBytes += value.Length;
        if (_inHeader)
        {
            _headerField.AddRange(value);
        }
    }

    private void Count(byte b)
    {
        _rowHasContent = true;
        _fieldBytes++;
        if (_inHeader)
        {
            _headerField.Add(b);
        }
    }

    private void EndField()
    {
        if (_inHeader)
        {
            _headerNames.Add(Encoding.UTF8.GetString([.. _headerField]));
            _headerField.Clear();
        }
        else if (_column < _columns.Length && _columns[_column] is { } column && _fieldBytes > column.Limit)
        {
            Violation = new Utf8ColumnWidthViolation(_entity, _partition, column.Attribute, _row, _fieldBytes, column.Limit);
        }

        _fieldBytes = 0;
        _column++;
    }

    private void EndRow()
    {
        if (_inHeader)
        {
            _inHeader = false;
            var byName = _entityDefinition.Attributes.GroupBy(a => a.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
            SetColumns(_headerNames.Select(n => byName.TryGetValue(n, out var a) ? ((string, int)?)(a.Name, SqlTypeMap.TextBytes(a)) : null));
        }
        else
        {
            _row++;
        }

        _column = 0;
        _rowHasContent = false;
    }

    private static bool SingleByte(string? text, out byte value)
    {
        value = 0;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length != 1)
        {
            return false;
        }

        value = bytes[0];
        return true;
    }
}
