using System.Security.Cryptography;

namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>
/// A random password for CREATE MASTER KEY, made for one run and never kept: Azure protects the master key
/// with the service master key as well, so the password is not needed again.
/// </summary>
internal static class MasterKeyPassword
{
    private const string Upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Lower = "abcdefghijkmnopqrstuvwxyz";
    private const string Digits = "23456789";
    private const string Symbols = "!#%+-.:=?@^_~";
    private const int Length = 40;

    public static string Generate()
    {
        var all = (Upper + Lower + Digits + Symbols).AsSpan();
        var chars = new char[Length];
        chars[0] = Upper[RandomNumberGenerator.GetInt32(Upper.Length)];
        chars[1] = Lower[RandomNumberGenerator.GetInt32(Lower.Length)];
        chars[2] = Digits[RandomNumberGenerator.GetInt32(Digits.Length)];
        chars[3] = Symbols[RandomNumberGenerator.GetInt32(Symbols.Length)];
        RandomNumberGenerator.GetItems(all, chars.AsSpan(4));
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }
}
