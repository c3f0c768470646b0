using System.Buffers.Binary;
using System.Text;
using AzureEmulator.Tds;

namespace AzureEmulator.Sql;

/// <summary>
/// Encodes a typed result set ([MS-TDS] 2.2.7.4 COLMETADATA, 2.2.7.19 ROW, 2.2.5.5 data types): nullable BITN, INTN,
/// FLTN, DECIMALN, DATEN, TIMEN, DATETIME2N, DATETIMEOFFSETN and GUID; text as NVARCHAR (PLP for max) with the column's
/// collation bytes. varchar columns travel as nvarchar: the emulator does not negotiate the UTF-8 feature extension.
/// </summary>
internal sealed class TdsTypedResult(TdsTokenWriter tokens)
{
    private const int NVarcharInlineBytes = 8000;
    private readonly MemoryStream _row = new();

    public void Metadata(IReadOnlyList<SqlColumn> columns)
    {
        var b = new MemoryStream();
        b.WriteByte(TdsProtocol.TokenColMetadata);
        UInt16(b, (ushort)columns.Count);
        foreach (var column in columns)
        {
            UInt32(b, 0);
            UInt16(b, 0x0001);
            var type = column.Type;
            switch (type.Kind)
            {
                case SqlTypeKind.Bit:
                    b.WriteByte(0x68);
                    b.WriteByte(1);
                    break;
                case SqlTypeKind.TinyInt or SqlTypeKind.SmallInt or SqlTypeKind.Int or SqlTypeKind.BigInt:
                    b.WriteByte(0x26);
                    b.WriteByte(IntegerSize(type.Kind));
                    break;
                case SqlTypeKind.Real or SqlTypeKind.Float:
                    b.WriteByte(0x6D);
                    b.WriteByte(type.Kind == SqlTypeKind.Real ? (byte)4 : (byte)8);
                    break;
                case SqlTypeKind.Decimal:
                    b.WriteByte(0x6A);
                    b.WriteByte(DecimalSize(type.Precision));
                    b.WriteByte(type.Precision);
                    b.WriteByte(type.Scale);
                    break;
                case SqlTypeKind.Date:
                    b.WriteByte(0x28);
                    break;
                case SqlTypeKind.Time:
                    b.WriteByte(0x29);
                    b.WriteByte(type.Scale);
                    break;
                case SqlTypeKind.DateTime2:
                    b.WriteByte(0x2A);
                    b.WriteByte(type.Scale);
                    break;
                case SqlTypeKind.DateTimeOffset:
                    b.WriteByte(0x2B);
                    b.WriteByte(type.Scale);
                    break;
                case SqlTypeKind.UniqueIdentifier:
                    b.WriteByte(0x24);
                    b.WriteByte(16);
                    break;
                default:
                    b.WriteByte(0xE7);
                    UInt16(b, IsPlp(type) ? (ushort)0xFFFF : (ushort)(type.Length * 2));
                    b.Write(TdsProtocol.DefaultCollation);
                    break;
            }

            var name = Encoding.Unicode.GetBytes(column.Name);
            b.WriteByte((byte)column.Name.Length);
            b.Write(name);
        }

        tokens.Raw(b.GetBuffer().AsSpan(0, (int)b.Length));
    }

    public void Row(IReadOnlyList<SqlColumn> columns, object?[] values)
    {
        var b = _row;
        b.SetLength(0);
        b.WriteByte(TdsProtocol.TokenRow);
        for (var i = 0; i < columns.Count; i++)
        {
            Value(b, columns[i].Type, values[i]);
        }

        tokens.Raw(b.GetBuffer().AsSpan(0, (int)b.Length));
    }

    private static void Value(MemoryStream b, SqlType type, object? value)
    {
        if (value is null)
        {
            if (type.IsText)
            {
                if (IsPlp(type))
                {
                    UInt64(b, ulong.MaxValue);
                }
                else
                {
                    UInt16(b, 0xFFFF);
                }
            }
            else
            {
                b.WriteByte(0);
            }

            return;
        }

        switch (type.Kind)
        {
            case SqlTypeKind.Bit:
                b.WriteByte(1);
                b.WriteByte((bool)value ? (byte)1 : (byte)0);
                break;
            case SqlTypeKind.TinyInt:
                b.WriteByte(1);
                b.WriteByte((byte)value);
                break;
            case SqlTypeKind.SmallInt:
                b.WriteByte(2);
                UInt16(b, unchecked((ushort)(short)value));
                break;
            case SqlTypeKind.Int:
                b.WriteByte(4);
                UInt32(b, unchecked((uint)(int)value));
                break;
            case SqlTypeKind.BigInt:
                b.WriteByte(8);
                UInt64(b, unchecked((ulong)(long)value));
                break;
            case SqlTypeKind.Real:
                b.WriteByte(4);
                UInt32(b, BitConverter.SingleToUInt32Bits((float)value));
                break;
            case SqlTypeKind.Float:
                b.WriteByte(8);
                UInt64(b, BitConverter.DoubleToUInt64Bits((double)value));
                break;
            case SqlTypeKind.Decimal:
                Decimal(b, type, (decimal)value);
                break;
            case SqlTypeKind.Date:
                b.WriteByte(3);
                Days(b, (DateTime)value);
                break;
            case SqlTypeKind.Time:
                b.WriteByte(TimeSize(type.Scale));
                Time(b, ((TimeSpan)value).Ticks, type.Scale);
                break;
            case SqlTypeKind.DateTime2:
                var dateTime = (DateTime)value;
                b.WriteByte((byte)(TimeSize(type.Scale) + 3));
                Time(b, dateTime.TimeOfDay.Ticks, type.Scale);
                Days(b, dateTime);
                break;
            case SqlTypeKind.DateTimeOffset:
                var offset = (DateTimeOffset)value;
                var utc = offset.UtcDateTime;
                b.WriteByte((byte)(TimeSize(type.Scale) + 5));
                Time(b, utc.TimeOfDay.Ticks, type.Scale);
                Days(b, utc);
                UInt16(b, unchecked((ushort)(short)offset.Offset.TotalMinutes));
                break;
            case SqlTypeKind.UniqueIdentifier:
                b.WriteByte(16);
                b.Write(((Guid)value).ToByteArray());
                break;
            default:
                var text = Encoding.Unicode.GetBytes((string)value);
                if (IsPlp(type))
                {
                    UInt64(b, (ulong)text.Length);
                    if (text.Length > 0)
                    {
                        UInt32(b, (uint)text.Length);
                        b.Write(text);
                    }

                    UInt32(b, 0);
                }
                else
                {
                    UInt16(b, (ushort)text.Length);
                    b.Write(text);
                }

                break;
        }
    }

    private static bool IsPlp(SqlType type) => type.Length == SqlType.Max || type.Length * 2 > NVarcharInlineBytes;

    private static byte IntegerSize(SqlTypeKind kind) => kind switch
    {
        SqlTypeKind.TinyInt => 1,
        SqlTypeKind.SmallInt => 2,
        SqlTypeKind.Int => 4,
        _ => 8,
    };

    private static byte DecimalSize(byte precision) => precision switch
    {
        <= 9 => 5,
        <= 19 => 9,
        <= 28 => 13,
        _ => 17,
    };

    private static byte TimeSize(byte scale) => scale switch
    {
        <= 2 => 3,
        <= 4 => 4,
        _ => 5,
    };

    private static void Decimal(MemoryStream b, SqlType type, decimal value)
    {
        var rounded = Math.Round(value, Math.Min((int)type.Scale, 28), MidpointRounding.AwayFromZero);
        var bits = decimal.GetBits(rounded);
        var mantissa = new System.Numerics.BigInteger((uint)bits[0]) | (new System.Numerics.BigInteger((uint)bits[1]) << 32) | (new System.Numerics.BigInteger((uint)bits[2]) << 64);
        var ownScale = (bits[3] >> 16) & 0xFF;
        var integer = mantissa * System.Numerics.BigInteger.Pow(10, type.Scale - ownScale);
        var size = DecimalSize(type.Precision);
        b.WriteByte(size);
        b.WriteByte(value < 0 ? (byte)0 : (byte)1);
        var bytes = new byte[size - 1];
        integer.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        b.Write(bytes);
    }

    private static void Days(MemoryStream b, DateTime date)
    {
        var days = (int)(date.Date - DateTime.MinValue).TotalDays;
        b.WriteByte((byte)days);
        b.WriteByte((byte)(days >> 8));
        b.WriteByte((byte)(days >> 16));
    }

    private static void Time(MemoryStream b, long ticks, byte scale)
    {
        var units = ticks;
        for (var s = 7; s > scale; s--)
        {
            units /= 10;
        }

        for (var i = 0; i < TimeSize(scale); i++)
        {
            b.WriteByte((byte)(units >> (8 * i)));
        }
    }

    private static void UInt16(MemoryStream b, ushort value)
    {
        Span<byte> s = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(s, value);
        b.Write(s);
    }

    private static void UInt32(MemoryStream b, uint value)
    {
        Span<byte> s = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(s, value);
        b.Write(s);
    }

    private static void UInt64(MemoryStream b, ulong value)
    {
        Span<byte> s = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(s, value);
        b.Write(s);
    }
}
