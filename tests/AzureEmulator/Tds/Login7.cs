using System.Buffers.Binary;
using System.Text;

namespace AzureEmulator.Tds;

/// <summary>
/// The parts of a LOGIN7 message ([MS-TDS] 2.2.6.4) the emulator uses: packet size, database, application,
/// and the FEDAUTH feature extension (library, and for the security-token library the token itself).
/// </summary>
internal sealed record Login7(
    int PacketSize,
    string Database,
    string AppName,
    string UserName,
    bool HasFedAuth,
    byte FedAuthLibrary,
    string? SecurityToken)
{
    private const int FixedLength = 36;
    private const byte ExtensionFlag = 0x10;

    public static Login7 Parse(byte[] message)
    {
        if (message.Length < 94)
        {
            throw new InvalidDataException("The LOGIN7 message is shorter than its fixed part.");
        }

        var packetSize = BinaryPrimitives.ReadInt32LittleEndian(message.AsSpan(8));
        var optionFlags3 = message[27];
        var userName = Text(message, FixedLength + 4);
        var appName = Text(message, FixedLength + 12);
        var database = Text(message, FixedLength + 32);

        var hasFedAuth = false;
        byte library = 0;
        string? token = null;
        if ((optionFlags3 & ExtensionFlag) != 0)
        {
            var ibExtension = BinaryPrimitives.ReadUInt16LittleEndian(message.AsSpan(FixedLength + 20));
            var featureOffset = BinaryPrimitives.ReadInt32LittleEndian(message.AsSpan(ibExtension));
            var position = featureOffset;
            while (position < message.Length && message[position] != TdsProtocol.FeatureTerminator)
            {
                var id = message[position];
                var length = BinaryPrimitives.ReadInt32LittleEndian(message.AsSpan(position + 1));
                var data = message.AsSpan(position + 5, length);
                if (id == TdsProtocol.FeatureFedAuth && length >= 1)
                {
                    hasFedAuth = true;
                    library = (byte)(data[0] >> 1);
                    if (library == TdsProtocol.FedAuthLibrarySecurityToken && length >= 5)
                    {
                        var tokenLength = BinaryPrimitives.ReadInt32LittleEndian(data[1..]);
                        token = Encoding.Unicode.GetString(data.Slice(5, tokenLength));
                    }
                }

                position += 5 + length;
            }
        }

        return new Login7(packetSize, database, appName, userName, hasFedAuth, library, token);
    }

    /// <summary>The token of a FEDAUTH token message (packet type 0x08): DataLen, TokenLen, UTF-16 token, optional nonce.</summary>
    public static string ParseFedAuthToken(byte[] message)
    {
        if (message.Length < 8)
        {
            throw new InvalidDataException("The federated authentication token message is too short.");
        }

        var tokenLength = BinaryPrimitives.ReadInt32LittleEndian(message.AsSpan(4));
        if (tokenLength < 0 || 8 + tokenLength > message.Length)
        {
            throw new InvalidDataException("The federated authentication token length is out of range.");
        }

        return Encoding.Unicode.GetString(message, 8, tokenLength);
    }

    private static string Text(byte[] message, int field)
    {
        var offset = BinaryPrimitives.ReadUInt16LittleEndian(message.AsSpan(field));
        var chars = BinaryPrimitives.ReadUInt16LittleEndian(message.AsSpan(field + 2));
        return chars == 0 || offset + (chars * 2) > message.Length ? string.Empty : Encoding.Unicode.GetString(message, offset, chars * 2);
    }
}
