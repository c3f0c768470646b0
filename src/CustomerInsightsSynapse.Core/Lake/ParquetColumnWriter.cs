using System.Globalization;
using System.Numerics;
using System.Text;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Sql;
using Parquet;
using Parquet.Data;
using Parquet.Schema;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>A text value wider than its view column, found while converting (the entity is then not landed).</summary>
internal sealed record TooLongValue(string Attribute, long Row, long Bytes, int Limit);

/// <summary>
/// One attribute's values of the row group being converted, and the Parquet field they are written as. The field
/// is chosen from the attribute's view type (<see cref="SqlTypeMap.Map"/>), so the Parquet type is one the documented
/// Parquet type map of serverless SQL reads as the view's type: strings, json and unknown types UTF-8 text; smallint
/// INT32 (INT_16); int INT32; bigint INT64; float DOUBLE; real FLOAT; bit BOOLEAN; decimal(p,s) DECIMAL(p,s) in
/// fixed-length bytes; date DATE; datetime2(7) INT96 holding the UTC value (the map reads INT96 as datetime2 with all
/// 7 fractional digits; INT64 TIMESTAMP in NANOS is "not supported" and MICROS would drop the 7th digit). Parquet has
/// no type serverless reads as uniqueidentifier or datetimeoffset, and TIME in the map's units (MILLIS, MICROS) would
/// drop digits of time(7), so GUIDs, dates with offsets and times are written as checked, canonical UTF-8 text
/// (<see cref="SqlColumnType.ParquetHoldsText"/>) and the view converts them as it does over CSV.
/// </summary>
internal abstract class ParquetColumnWriter
{
    /// <summary>Values of one column named in an error or a warning.</summary>
    public const int SampleLimit = 10;

    private const int SampleLength = 100;

    private readonly List<string> _samples = [];

    protected ParquetColumnWriter(CdmAttribute attribute, SqlColumnType type, DataField field)
    {
        Attribute = attribute;
        Type = type;
        Field = field;
    }

    public CdmAttribute Attribute { get; }

    public SqlColumnType Type { get; }

    public DataField Field { get; }

    /// <summary>Non-empty values that did not convert, in the whole partition.</summary>
    public long Invalid { get; private set; }

    /// <summary>The first <see cref="SampleLimit"/> of them (each cut to 100 characters).</summary>
    public IReadOnlyList<string> Samples => _samples;

    /// <summary>The first text value wider than the view column, if any.</summary>
    public TooLongValue? TooLong { get; protected set; }

    public static ParquetColumnWriter For(CdmAttribute attribute)
    {
        var type = SqlTypeMap.Map(attribute);
        var name = attribute.Name;
        if (type.ParquetHoldsText)
        {
            return type.Conversion switch
            {
                SqlTextConversion.None => new TextColumn(attribute, type, null),
                SqlTextConversion.Iso8601WithZone => new TextColumn(attribute, type, (ReadOnlySpan<char> t) => ParquetValueParser.TryParseDateTimeOffset(t, out var v) ? ParquetValueParser.FormatDateTimeOffset(v) : null),
                _ when type.TypeName == "time(7)" => new TextColumn(attribute, type, (ReadOnlySpan<char> t) => ParquetValueParser.TryParseTime(t, out var v) ? ParquetValueParser.FormatTime(v) : null),
                _ => new TextColumn(attribute, type, (ReadOnlySpan<char> t) => ParquetValueParser.TryParseGuid(t, out var v) ? v.ToString("D") : null),
            };
        }

        var typeName = type.TypeName;
        return typeName switch
        {
            "smallint" => new ValueColumn<short>(attribute, type, new DataField<short?>(name), (ReadOnlySpan<char> t, out short v) =>
            {
                var ok = ParquetValueParser.TryParseInt64(t, short.MinValue, short.MaxValue, out var l);
                v = (short)l;
                return ok;
            }),
            "int" => new ValueColumn<int>(attribute, type, new DataField<int?>(name), (ReadOnlySpan<char> t, out int v) =>
            {
                var ok = ParquetValueParser.TryParseInt64(t, int.MinValue, int.MaxValue, out var l);
                v = (int)l;
                return ok;
            }),
            "bigint" => new ValueColumn<long>(attribute, type, new DataField<long?>(name), (ReadOnlySpan<char> t, out long v) => ParquetValueParser.TryParseInt64(t, long.MinValue, long.MaxValue, out v)),
            "float" => new ValueColumn<double>(attribute, type, new DataField<double?>(name), (ReadOnlySpan<char> t, out double v) => ParquetValueParser.TryParseDouble(t, out v)),
            "real" => new ValueColumn<float>(attribute, type, new DataField<float?>(name), (ReadOnlySpan<char> t, out float v) => ParquetValueParser.TryParseSingle(t, out v)),
            "bit" => new ValueColumn<bool>(attribute, type, new DataField<bool?>(name), (ReadOnlySpan<char> t, out bool v) => ParquetValueParser.TryParseBoolean(t, out v)),
            "date" => new ValueColumn<DateOnly>(attribute, type, new DataField<DateOnly?>(name), (ReadOnlySpan<char> t, out DateOnly v) => ParquetValueParser.TryParseDate(t, out v)),
            "datetime2(7)" => new ValueColumn<DateTime>(
                attribute,
                type,
                new DateTimeDataField(name, DateTimeFormat.Impala, isNullable: true),
                (ReadOnlySpan<char> t, out DateTime v) => ParquetValueParser.TryParseDateTimeUtc(t, out v)),
            _ when typeName.StartsWith("decimal(", StringComparison.Ordinal) => DecimalColumn(attribute, type),
            _ => throw new InvalidOperationException($"The view type '{typeName}' of attribute '{name}' has no Parquet type."),
        };
    }

    /// <summary>Adds the value of an unquoted empty field or of a field the row lacks.</summary>
    public void AddMissing() => AddNull();

    /// <summary>Adds a value as read from the file (quotes removed); spaces only is NULL for a typed column.</summary>
    public void Add(ReadOnlySpan<char> text, long row)
    {
        if (Type.Conversion != SqlTextConversion.None && ParquetValueParser.Trim(text).IsEmpty)
        {
            AddNull();
        }
        else if (!TryAdd(text, row))
        {
            Invalid++;
            if (_samples.Count < SampleLimit)
            {
                _samples.Add(text.Length > SampleLength ? string.Concat(text[..SampleLength], "…") : text.ToString());
            }

            AddNull();
        }
    }

    public abstract Task WriteAsync(ParquetRowGroupWriter writer, CancellationToken cancellationToken);

    /// <summary>Empties the buffer for the next row group (its storage is kept).</summary>
    public abstract void Clear();

    protected abstract bool TryAdd(ReadOnlySpan<char> text, long row);

    protected abstract void AddNull();

    private static ParquetColumnWriter DecimalColumn(CdmAttribute attribute, SqlColumnType type)
    {
        var parts = type.TypeName["decimal(".Length..^1].Split(',');
        var precision = int.Parse(parts[0], CultureInfo.InvariantCulture);
        var scale = int.Parse(parts[1], CultureInfo.InvariantCulture);
        return new ValueColumn<BigDecimal>(attribute, type, new BigDecimalDataField(attribute.Name, precision, scale, isNullable: true), (ReadOnlySpan<char> t, out BigDecimal v) =>
        {
            var ok = ParquetValueParser.TryParseDecimal(t, precision, scale, out var unscaled);
            v = new BigDecimal(ok ? unscaled : BigInteger.Zero, precision, scale);
            return ok;
        });
    }

    internal delegate bool Parse<T>(ReadOnlySpan<char> text, out T value);

    internal delegate string? Canonical(ReadOnlySpan<char> text);

    private sealed class ValueColumn<T>(CdmAttribute attribute, SqlColumnType type, DataField field, Parse<T> parse) : ParquetColumnWriter(attribute, type, field)
        where T : struct
    {
        private T?[] _values = new T?[1024];
        private int _count;

        public override Task WriteAsync(ParquetRowGroupWriter writer, CancellationToken cancellationToken) =>
            writer.WriteAsync<T>(Field, new ReadOnlyMemory<T?>(_values, 0, _count), cancellationToken: cancellationToken);

        public override void Clear() => _count = 0;

        protected override bool TryAdd(ReadOnlySpan<char> text, long row)
        {
            if (!parse(text, out var value))
            {
                return false;
            }

            Append(value);
            return true;
        }

        protected override void AddNull() => Append(null);

        private void Append(T? value)
        {
            if (_count == _values.Length)
            {
                Array.Resize(ref _values, _values.Length * 2);
            }

            _values[_count++] = value;
        }
    }

    /// <summary>UTF-8 text, optionally checked and rewritten by <c>canonical</c> (null: does not convert); never wider than the view column.</summary>
    private sealed class TextColumn(CdmAttribute attribute, SqlColumnType type, Canonical? canonical)
        : ParquetColumnWriter(attribute, type, new DataField<string>(attribute.Name, true))
    {
        private readonly List<string?> _values = new(1024);

        public override Task WriteAsync(ParquetRowGroupWriter writer, CancellationToken cancellationToken) =>
            writer.WriteAsync(Field, _values!);

        public override void Clear() => _values.Clear();

        protected override bool TryAdd(ReadOnlySpan<char> text, long row)
        {
            string? value;
            if (canonical is not null)
            {
                value = canonical(text);
                if (value is null)
                {
                    return false;
                }
            }
            else
            {
                value = text.ToString();
            }

            if (canonical is null && value.Length * 3 > Type.TextBytes && TooLong is null)
            {
                var bytes = Encoding.UTF8.GetByteCount(value);
                if (bytes > Type.TextBytes)
                {
                    TooLong = new TooLongValue(Attribute.Name, row, bytes, Type.TextBytes);
                }
            }

            _values.Add(value);
            return true;
        }

        protected override void AddNull() => _values.Add(null);
    }
}
