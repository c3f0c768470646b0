using System.Text;
using System.Text.RegularExpressions;

namespace CustomerInsightsSynapse.Core.Export;

/// <summary>
/// An entity name or PowerShell-style wildcard pattern, matched without regard to case: '*' any run of
/// characters, '?' one character, '[abc]' / '[a-z]' one of a set, and a backtick makes the next character
/// literal (so the completer's escaped names, such as <c>Sales`[EU`]</c>, match exactly that name).
/// </summary>
public sealed class EntityPattern
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private readonly Regex? _regex;

    public EntityPattern(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Text = text;
        var (literal, regex) = Compile(text);
        Literal = literal;
        if (regex is not null)
        {
            _regex = new Regex(regex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline, MatchTimeout);
        }
    }

    /// <summary>The pattern as the user gave it.</summary>
    public string Text { get; }

    /// <summary>The name it stands for when it holds no wildcard (escapes removed); null when it is a wildcard.</summary>
    public string? Literal { get; }

    public bool IsWildcard => _regex is not null;

    public bool IsMatch(string name) =>
        _regex is null ? string.Equals(Literal, name, StringComparison.OrdinalIgnoreCase) : _regex.IsMatch(name);

    public override string ToString() => Text;

    private static (string? Literal, string? Regex) Compile(string text)
    {
        var regex = new StringBuilder("^");
        var literal = new StringBuilder();
        var wildcard = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '`' when i + 1 < text.Length:
                    i++;
                    regex.Append(Regex.Escape(text[i].ToString()));
                    literal.Append(text[i]);
                    break;
                case '*':
                    wildcard = true;
                    regex.Append(".*");
                    break;
                case '?':
                    wildcard = true;
                    regex.Append('.');
                    break;
                case '[' when text.IndexOf(']', i + 1) > i + 1:
                    wildcard = true;
                    var end = text.IndexOf(']', i + 1);
                    regex.Append('[').Append(CharacterClass(text[(i + 1)..end])).Append(']');
                    i = end;
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    literal.Append(c);
                    break;
            }
        }

        return wildcard ? (null, regex.Append('$').ToString()) : (literal.ToString(), null);
    }

    /// <summary>The inside of a '[...]' set as a regex class: ranges kept, every other character literal.</summary>
    private static string CharacterClass(string set)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < set.Length; i++)
        {
            if (set[i] == '-' && i > 0 && i < set.Length - 1)
            {
                builder.Append('-');
                continue;
            }

            builder.Append(set[i] is '\\' or ']' or '[' or '^' or '-' ? "\\" + set[i] : set[i].ToString());
        }

        return builder.ToString();
    }
}
