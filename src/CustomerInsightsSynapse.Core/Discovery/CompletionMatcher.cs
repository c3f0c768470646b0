using System.Text;
using System.Text.RegularExpressions;

namespace CustomerInsightsSynapse.Core.Discovery;

/// <summary>
/// Which names a typed word completes to, in which order, as Az's completers match: the word is a prefix
/// (<c>-like "word*"</c>, so PowerShell wildcards work too), and a word without wildcards also matches inside a
/// name ("export" finds ws-ci-export) after the prefix matches. A preferred item (the workspace's default data
/// lake account or filesystem) comes first when it matches; the rest sort by name. Case is ignored.
/// </summary>
public static class CompletionMatcher
{
    public static IReadOnlyList<T> Select<T>(IEnumerable<T> items, string? word, Func<T, IEnumerable<string?>> keys, Func<T, string> sortKey, Func<T, bool>? preferred = null)
    {
        var match = Matcher(word ?? string.Empty);
        return items
            .Select(item => (Item: item, Rank: keys(item).Where(k => !string.IsNullOrEmpty(k)).Select(k => match(k!)).DefaultIfEmpty(NoMatch).Min()))
            .Where(x => x.Rank != NoMatch)
            .OrderBy(x => preferred?.Invoke(x.Item) == true ? 0 : 1)
            .ThenBy(x => x.Rank)
            .ThenBy(x => sortKey(x.Item), StringComparer.OrdinalIgnoreCase)
            .ThenBy(x => sortKey(x.Item), StringComparer.Ordinal)
            .Select(x => x.Item)
            .ToList();
    }

    private const int Prefix = 1;
    private const int Inside = 2;
    private const int NoMatch = int.MaxValue;

    /// <summary>Ranks a name against the word: <see cref="Prefix"/>, <see cref="Inside"/> or <see cref="NoMatch"/>.</summary>
    private static Func<string, int> Matcher(string word)
    {
        if (word.Length == 0)
        {
            return _ => Prefix;
        }

        if (WildcardRegex(word) is { } pattern)
        {
            return name => pattern.IsMatch(name) ? Prefix : NoMatch;
        }

        var literal = Unescape(word);
        return name => name.StartsWith(literal, StringComparison.OrdinalIgnoreCase) ? Prefix
            : name.Contains(literal, StringComparison.OrdinalIgnoreCase) ? Inside
            : NoMatch;
    }

    /// <summary>
    /// The PowerShell wildcard <c>word*</c> as a regular expression (* ? [set] and backtick escapes), or null when the
    /// word has no wildcard or is not a valid pattern (an unclosed '['), which then matches as plain text.
    /// </summary>
    internal static Regex? WildcardRegex(string word)
    {
        var regex = new StringBuilder("^");
        var hasWildcard = false;
        for (var i = 0; i < word.Length; i++)
        {
            var c = word[i];
            switch (c)
            {
                case '`' when i + 1 < word.Length:
                    regex.Append(Regex.Escape(word[++i].ToString()));
                    break;
                case '*':
                    regex.Append(".*");
                    hasWildcard = true;
                    break;
                case '?':
                    regex.Append('.');
                    hasWildcard = true;
                    break;
                case '[':
                    var close = word.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        return null;
                    }

                    var set = word[(i + 1)..close];
                    regex.Append('[').Append(set.StartsWith('!') ? "^" + Escape(set[1..]) : Escape(set)).Append(']');
                    hasWildcard = true;
                    i = close;
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        if (!hasWildcard)
        {
            return null;
        }

        regex.Append(".*$");
        return new Regex(regex.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromMilliseconds(200));

        static string Escape(string set) => set.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("^", "\\^", StringComparison.Ordinal).Replace("[", "\\[", StringComparison.Ordinal);
    }

    private static string Unescape(string word)
    {
        var text = new StringBuilder(word.Length);
        for (var i = 0; i < word.Length; i++)
        {
            text.Append(word[i] == '`' && i + 1 < word.Length ? word[++i] : word[i]);
        }

        return text.ToString();
    }
}
