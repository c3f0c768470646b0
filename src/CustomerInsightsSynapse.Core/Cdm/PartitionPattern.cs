using System.Text;
using System.Text.RegularExpressions;

namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>
/// A <c>dataPartitionPattern</c>'s file test. Paths are tested as '/' + the path below the pattern's root location.
/// A glob wins over a regular expression when both are given. Glob: '*' any characters but '/', '**' any
/// characters including '/', '?' one character but '/', '/' and '\' the same; a glob not starting with '/'
/// matches at any depth. A regular expression matches anywhere in the path unless it anchors itself.
/// </summary>
internal sealed class PartitionPattern
{
    private readonly Regex _regex;

    private PartitionPattern(Regex regex, string text)
    {
        _regex = regex;
        Text = text;
    }

    public string Text { get; }

    /// <summary>The pattern, or null when it has neither a glob nor a regular expression.</summary>
    /// <exception cref="ArgumentException">The regular expression does not parse.</exception>
    public static PartitionPattern? Create(string? glob, string? regularExpression, TimeSpan timeout)
    {
        if (!string.IsNullOrWhiteSpace(glob))
        {
            return new PartitionPattern(new Regex(GlobToRegex(glob.Trim()), RegexOptions.CultureInvariant, timeout), glob);
        }

        if (!string.IsNullOrWhiteSpace(regularExpression))
        {
            return new PartitionPattern(new Regex(regularExpression, RegexOptions.CultureInvariant, timeout), regularExpression);
        }

        return null;
    }

    /// <exception cref="RegexMatchTimeoutException">The regular expression took too long.</exception>
    public bool IsMatch(string pathBelowRoot) => _regex.IsMatch("/" + pathBelowRoot);

    public static string GlobToRegex(string glob)
    {
        var g = glob.Replace('\\', '/');
        var regex = new StringBuilder(g.StartsWith('/') ? "^" : "^(?:.*/)?");
        for (var i = 0; i < g.Length; i++)
        {
            var c = g[i];
            if (c == '*' && i + 1 < g.Length && g[i + 1] == '*')
            {
                i++;
                if (i + 1 < g.Length && g[i + 1] == '/')
                {
                    i++;
                    regex.Append("(?:.*/)?");
                }
                else
                {
                    regex.Append(".*");
                }
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        return regex.Append('$').ToString();
    }
}
