using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Export;

/// <summary>
/// What an export's database name may be. The name is used three ways: as a bracket-quoted SQL identifier,
/// as the top folder of what the export lands in the container (a blob path segment), and inside the
/// OPENROWSET BULK paths of its views, where '*', '?', '%', '#', '[' and spaces change the meaning of the
/// path or need escaping. So only ASCII letters, digits, '_' and '-' are accepted, starting with a letter:
/// such a name means the same thing in all three places and never needs quoting in a script or a URL.
/// </summary>
public static class DatabaseNameRules
{
    public const int MaxLength = 128;

    /// <summary>
    /// Names the export may not use: the SQL Server system databases, the resource database, the replication
    /// distribution database, and <c>default</c>, the Spark lake database every Synapse workspace shares with
    /// its serverless SQL pool.
    /// </summary>
    public static IReadOnlySet<string> ReservedNames { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "master", "tempdb", "model", "msdb", "mssqlsystemresource", "distribution", "default",
    };

    /// <summary>Checks the length, characters and reserved names; returns the name unchanged.</summary>
    public static string Validate(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength)
        {
            throw new CISynapseException(
                ErrorIds.DatabaseNameLength,
                ErrorKind.InvalidArgument,
                string.IsNullOrEmpty(name)
                    ? "The database name is empty."
                    : $"The database name is {name.Length} characters long; serverless SQL accepts at most {MaxLength}.",
                name)
            {
                RecommendedAction = $"Use a database name of 1 to {MaxLength} characters.",
            };
        }

        var bad = name.Where(c => !IsAllowed(c)).Distinct().ToArray();
        if (bad.Length > 0 || !char.IsAsciiLetter(name[0]))
        {
            var problem = bad.Length > 0
                ? "contains " + string.Join(", ", bad.Select(Describe))
                : "does not start with a letter";
            throw new CISynapseException(
                ErrorIds.DatabaseNameCharacters,
                ErrorKind.InvalidArgument,
                $"The database name '{Printable(name)}' {problem}. It is a SQL name, a folder in the storage container and part of the view's file paths, so it may hold only letters A-Z, digits, '_' and '-', starting with a letter.",
                name)
            {
                RecommendedAction = "Choose a name such as 'CustomerInsights' or 'ci_sales-2024'.",
            };
        }

        if (ReservedNames.Contains(name))
        {
            throw new CISynapseException(
                ErrorIds.DatabaseNameReserved,
                ErrorKind.InvalidArgument,
                $"'{name}' is a database name Synapse keeps for itself (reserved: {string.Join(", ", ReservedNames.Order(StringComparer.Ordinal))}).",
                name)
            {
                RecommendedAction = "Choose another database name for the export.",
            };
        }

        return name;
    }

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';

    private static string Describe(char c) => c switch
    {
        ' ' => "a space",
        _ when char.IsControl(c) || char.IsSurrogate(c) => $"the character U+{(int)c:X4}",
        _ => $"'{c}'",
    };

    private static string Printable(string name) =>
        new(name.Take(80).Select(c => char.IsControl(c) || char.IsSurrogate(c) ? '?' : c).ToArray());
}
