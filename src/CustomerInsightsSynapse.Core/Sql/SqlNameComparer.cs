using System.Globalization;
using System.Text;

namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>
/// Equality of SQL names as the serverless database's collation (Latin1_General_100_CI_AS_SC_UTF8) decides it:
/// case-, width- and kana-insensitive (the collation names no _CS, _WS or _KS), accent-sensitive, canonically
/// equivalent forms equal, and the Windows-collation expansions 'ß' = 'ss', 'æ' = 'ae', 'œ' = 'oe' equal.
/// It errs towards "equal": two names it calls equal may still differ in SQL, never the other way round, so a
/// collision is refused before it reaches the database.
/// </summary>
public sealed class SqlNameComparer : IEqualityComparer<string>
{
    public static readonly SqlNameComparer Instance = new();

    private static readonly StringComparer Culture =
        StringComparer.Create(CultureInfo.InvariantCulture, CompareOptions.IgnoreCase | CompareOptions.IgnoreWidth | CompareOptions.IgnoreKanaType);

    private SqlNameComparer()
    {
    }

    public bool Equals(string? x, string? y) => Culture.Equals(Fold(x), Fold(y));

    public int GetHashCode(string obj) => Culture.GetHashCode(Fold(obj));

    private static string Fold(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return string.Empty;
        }

        var normalized = name.IsNormalized(NormalizationForm.FormKC) ? name : SafeNormalize(name);
        return normalized
            .Replace("ß", "ss", StringComparison.Ordinal).Replace("ẞ", "ss", StringComparison.Ordinal)
            .Replace("æ", "ae", StringComparison.Ordinal).Replace("Æ", "ae", StringComparison.Ordinal)
            .Replace("œ", "oe", StringComparison.Ordinal).Replace("Œ", "oe", StringComparison.Ordinal)
            .ToUpperInvariant();
    }

    private static string SafeNormalize(string name)
    {
        try
        {
            return name.Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            // Broken UTF-16 (an unpaired surrogate) cannot be normalized; the name rules refuse it anyway.
            return name;
        }
    }
}
