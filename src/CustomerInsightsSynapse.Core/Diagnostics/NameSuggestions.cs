namespace CustomerInsightsSynapse.Core.Diagnostics;

/// <summary>
/// What a "not found" error adds: the names that do exist (up to <see cref="MaxListed"/>) and the nearest one
/// when it is close enough to be a typing slip (edit distance, ignoring case).
/// </summary>
public static class NameSuggestions
{
    public const int MaxListed = 10;

    /// <summary>
    /// A sentence listing what exists, then "Did you mean …?" when one name is close:
    /// "The exports in the store are: a, b. Did you mean 'a'?"; "There are no exports in the store.".
    /// </summary>
    /// <param name="wanted">The name that was not found.</param>
    /// <param name="existing">The names that exist.</param>
    /// <param name="what">What the names are, in the plural with where they are: "exports in the store".</param>
    public static string Describe(string wanted, IEnumerable<string> existing, string what)
    {
        var names = existing.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
        if (names.Count == 0)
        {
            return $"There are no {what}.";
        }

        var listed = string.Join(", ", names.Take(MaxListed).Select(n => $"'{n}'"));
        var more = names.Count > MaxListed ? $" and {names.Count - MaxListed} more" : string.Empty;
        var sentence = $"The {what} are: {listed}{more}.";
        return Nearest(wanted, names) is { } nearest ? $"{sentence} Did you mean '{nearest}'?" : sentence;
    }

    /// <summary>The existing name closest to <paramref name="wanted"/>, when it is within a slip of it; else null.</summary>
    public static string? Nearest(string wanted, IEnumerable<string> existing)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var name in existing)
        {
            var distance = Distance(wanted, name);
            if (distance < bestDistance)
            {
                best = name;
                bestDistance = distance;
            }
        }

        return best is not null && bestDistance <= Tolerance(wanted) ? best : null;
    }

    /// <summary>The Levenshtein distance between two names, ignoring case.</summary>
    public static int Distance(string a, string b)
    {
        a = a.ToUpperInvariant();
        b = b.ToUpperInvariant();
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    /// <summary>A third of the name's length, at least 1 and at most 3 edits.</summary>
    private static int Tolerance(string wanted) => Math.Clamp(wanted.Length / 3, 1, 3);
}
