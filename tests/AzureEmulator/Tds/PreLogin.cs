namespace AzureEmulator.Tds;

/// <summary>PRELOGIN options ([MS-TDS] 2.2.6.5): token, big-endian offset and length, then the data.</summary>
internal static class PreLogin
{
    public const byte Version = 0x00;
    public const byte Encryption = 0x01;
    public const byte InstOpt = 0x02;
    public const byte ThreadId = 0x03;
    public const byte Mars = 0x04;
    public const byte FedAuthRequired = 0x06;
    public const byte Terminator = 0xFF;

    public const byte EncryptOff = 0x00;
    public const byte EncryptOn = 0x01;
    public const byte EncryptNotSupported = 0x02;
    public const byte EncryptRequired = 0x03;

    public static Dictionary<byte, byte[]> Parse(byte[] payload)
    {
        var options = new Dictionary<byte, byte[]>();
        for (var i = 0; i < payload.Length && payload[i] != Terminator; i += 5)
        {
            var offset = (payload[i + 1] << 8) | payload[i + 2];
            var length = (payload[i + 3] << 8) | payload[i + 4];
            if (offset + length > payload.Length)
            {
                throw new InvalidDataException("A PRELOGIN option points past the end of the message.");
            }

            options[payload[i]] = payload.AsSpan(offset, length).ToArray();
        }

        return options;
    }

    public static byte[] Build(IReadOnlyList<(byte Token, byte[] Data)> options)
    {
        var header = (options.Count * 5) + 1;
        var result = new byte[header + options.Sum(o => o.Data.Length)];
        var offset = header;
        for (var i = 0; i < options.Count; i++)
        {
            var (token, data) = options[i];
            result[i * 5] = token;
            result[(i * 5) + 1] = (byte)(offset >> 8);
            result[(i * 5) + 2] = (byte)offset;
            result[(i * 5) + 3] = (byte)(data.Length >> 8);
            result[(i * 5) + 4] = (byte)data.Length;
            data.CopyTo(result, offset);
            offset += data.Length;
        }

        result[options.Count * 5] = Terminator;
        return result;
    }
}
