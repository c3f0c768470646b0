using System.Buffers.Binary;
using System.Text;

namespace AzureEmulator.Tds;

/// <summary>Builds a server token stream ([MS-TDS] 2.2.7): little-endian integers, UTF-16 strings.</summary>
internal sealed class TdsTokenWriter
{
    public const string ServerName = "emulator-ondemand";

    private readonly MemoryStream _buffer = new();

    public int Length => (int)_buffer.Length;

    public byte[] ToArray() => _buffer.ToArray();

    public TdsTokenWriter LoginAck()
    {
        var program = Encoding.Unicode.GetBytes("Microsoft SQL Server");
        WriteByte(TdsProtocol.TokenLoginAck);
        UInt16((ushort)(1 + 4 + 1 + program.Length + 4));
        WriteByte(0x01);
        Write(TdsProtocol.Tds74);
        WriteByte((byte)(program.Length / 2));
        Write(program);
        WriteByte(TdsProtocol.VersionMajor);
        WriteByte(TdsProtocol.VersionMinor);
        WriteByte((byte)(TdsProtocol.VersionBuild >> 8));
        WriteByte((byte)(TdsProtocol.VersionBuild & 0xFF));
        return this;
    }

    /// <summary>An ENVCHANGE with B_VARCHAR values (database 1, language 2, packet size 4).</summary>
    public TdsTokenWriter EnvChange(byte type, string newValue, string oldValue)
    {
        var n = Encoding.Unicode.GetBytes(newValue);
        var o = Encoding.Unicode.GetBytes(oldValue);
        WriteByte(TdsProtocol.TokenEnvChange);
        UInt16((ushort)(1 + 1 + n.Length + 1 + o.Length));
        WriteByte(type);
        WriteByte((byte)newValue.Length);
        Write(n);
        WriteByte((byte)oldValue.Length);
        Write(o);
        return this;
    }

    /// <summary>The SQL collation ENVCHANGE (type 7, B_VARBYTE).</summary>
    public TdsTokenWriter CollationChange()
    {
        WriteByte(TdsProtocol.TokenEnvChange);
        UInt16((ushort)(1 + 1 + TdsProtocol.DefaultCollation.Length + 1));
        WriteByte(7);
        WriteByte((byte)TdsProtocol.DefaultCollation.Length);
        Write(TdsProtocol.DefaultCollation);
        WriteByte(0);
        return this;
    }

    public TdsTokenWriter Error(SqlError error) => Message(TdsProtocol.TokenError, error);

    public TdsTokenWriter Info(SqlError info) => Message(TdsProtocol.TokenInfo, info);

    public TdsTokenWriter FedAuthInfo(string stsUrl, string spn)
    {
        var sts = Encoding.Unicode.GetBytes(stsUrl);
        var service = Encoding.Unicode.GetBytes(spn);
        const int count = 2;
        const int optionsLength = 4 + (count * 9);
        WriteByte(TdsProtocol.TokenFedAuthInfo);
        UInt32((uint)(optionsLength + sts.Length + service.Length));
        UInt32(count);
        WriteByte(0x01);
        UInt32((uint)sts.Length);
        UInt32(optionsLength);
        WriteByte(0x02);
        UInt32((uint)service.Length);
        UInt32((uint)(optionsLength + sts.Length));
        Write(sts);
        Write(service);
        return this;
    }

    /// <summary>FEATUREEXTACK acknowledging federated authentication (no data for the token and MSAL workflows).</summary>
    public TdsTokenWriter FedAuthAck()
    {
        WriteByte(TdsProtocol.TokenFeatureExtAck);
        WriteByte(TdsProtocol.FeatureFedAuth);
        UInt32(0);
        WriteByte(TdsProtocol.FeatureTerminator);
        return this;
    }

    public TdsTokenWriter Done(ushort status, ushort command = 0, long rowCount = 0)
    {
        WriteByte(TdsProtocol.TokenDone);
        UInt16(status);
        UInt16(command);
        Span<byte> count = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(count, rowCount);
        Write(count);
        return this;
    }

    /// <summary>A result set of int and nvarchar columns: COLMETADATA then one ROW per row (values int?, string? or null).</summary>
    public TdsTokenWriter ResultSet(IReadOnlyList<ResultColumn> columns, IEnumerable<object?[]> rows)
    {
        WriteByte(TdsProtocol.TokenColMetadata);
        UInt16((ushort)columns.Count);
        foreach (var column in columns)
        {
            UInt32(0);
            UInt16(0x0001);
            if (column.IsInteger)
            {
                WriteByte(0x26);
                WriteByte(4);
            }
            else
            {
                WriteByte(0xE7);
                UInt16(8000);
                Write(TdsProtocol.DefaultCollation);
            }

            WriteByte((byte)column.Name.Length);
            Write(Encoding.Unicode.GetBytes(column.Name));
        }

        foreach (var row in rows)
        {
            WriteByte(TdsProtocol.TokenRow);
            for (var i = 0; i < columns.Count; i++)
            {
                var value = row[i];
                if (columns[i].IsInteger)
                {
                    if (value is null)
                    {
                        WriteByte(0);
                    }
                    else
                    {
                        WriteByte(4);
                        UInt32((uint)Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture));
                    }
                }
                else if (value is null)
                {
                    UInt16(0xFFFF);
                }
                else
                {
                    var text = Encoding.Unicode.GetBytes(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!);
                    var length = Math.Min(text.Length, 8000);
                    UInt16((ushort)length);
                    Write(text.AsSpan(0, length));
                }
            }
        }

        return this;
    }

    /// <summary>Bytes another encoder produced (typed result sets, see <see cref="Sql.TdsTypedResult"/>).</summary>
    public TdsTokenWriter Raw(ReadOnlySpan<byte> bytes)
    {
        Write(bytes);
        return this;
    }

    private TdsTokenWriter Message(byte token, SqlError e)
    {
        var text = Encoding.Unicode.GetBytes(e.Message);
        var server = Encoding.Unicode.GetBytes(ServerName);
        WriteByte(token);
        UInt16((ushort)(4 + 1 + 1 + 2 + text.Length + 1 + server.Length + 1 + 4));
        UInt32((uint)e.Number);
        WriteByte(e.State);
        WriteByte(e.Class);
        UInt16((ushort)e.Message.Length);
        Write(text);
        WriteByte((byte)ServerName.Length);
        Write(server);
        WriteByte(0);
        UInt32((uint)e.Line);
        return this;
    }

    private void WriteByte(byte value) => _buffer.WriteByte(value);

    private void Write(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    private void UInt16(ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        _buffer.Write(b);
    }

    private void UInt32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        _buffer.Write(b);
    }
}

/// <summary>A result column: its name and whether it is an int (otherwise nvarchar).</summary>
internal sealed record ResultColumn(string Name, bool IsInteger);

/// <summary>A server message as an ERROR or INFO token carries it.</summary>
public sealed record SqlError(int Number, byte State, byte Class, string Message, int Line = 1);
