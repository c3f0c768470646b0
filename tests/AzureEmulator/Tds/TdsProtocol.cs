namespace AzureEmulator.Tds;

/// <summary>Packet types, status bits and token ids of [MS-TDS] used by the emulator.</summary>
internal static class TdsProtocol
{
    public const int HeaderLength = 8;
    public const int DefaultPacketSize = 4096;

    public const byte SqlBatch = 0x01;
    public const byte Rpc = 0x03;
    public const byte TabularResult = 0x04;
    public const byte Attention = 0x06;
    public const byte FedAuthToken = 0x08;
    public const byte TransactionManager = 0x0E;
    public const byte Login7 = 0x10;
    public const byte PreLogin = 0x12;

    public const byte StatusEndOfMessage = 0x01;
    public const byte StatusResetConnection = 0x08;
    public const byte StatusResetConnectionSkipTran = 0x10;

    public const byte TokenColMetadata = 0x81;
    public const byte TokenError = 0xAA;
    public const byte TokenInfo = 0xAB;
    public const byte TokenLoginAck = 0xAD;
    public const byte TokenFeatureExtAck = 0xAE;
    public const byte TokenRow = 0xD1;
    public const byte TokenEnvChange = 0xE3;
    public const byte TokenFedAuthInfo = 0xEE;
    public const byte TokenDone = 0xFD;

    public const ushort DoneFinal = 0x00;
    public const ushort DoneMore = 0x01;
    public const ushort DoneError = 0x02;
    public const ushort DoneCount = 0x10;
    public const ushort DoneAttention = 0x20;

    public const byte FeatureFedAuth = 0x02;
    public const byte FeatureTerminator = 0xFF;
    public const byte FedAuthLibrarySecurityToken = 0x01;
    public const byte FedAuthLibraryMsal = 0x02;

    /// <summary>TDS 7.4, as LOGINACK sends it (most significant byte first).</summary>
    public static ReadOnlySpan<byte> Tds74 => [0x74, 0x00, 0x00, 0x04];

    /// <summary>SQL_Latin1_General_CP1_CI_AS: LCID 0x0409, case/kana/width-insensitive, sort id 52.</summary>
    public static ReadOnlySpan<byte> DefaultCollation => [0x09, 0x04, 0xD0, 0x00, 0x34];

    /// <summary>The server version announced in PRELOGIN and LOGINACK (12.0.2000, as serverless SQL pools report).</summary>
    public const byte VersionMajor = 12;
    public const byte VersionMinor = 0;
    public const ushort VersionBuild = 2000;
}
