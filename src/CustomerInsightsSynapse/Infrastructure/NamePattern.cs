using System.Management.Automation;

namespace CustomerInsightsSynapse.Infrastructure;

/// <summary>
/// A -Name value that may hold wildcards. The name itself always matches (so 'Sales [EU]' finds itself); a value
/// that is not a valid wildcard pattern (an unclosed '[') is compared as a plain name instead of failing.
/// </summary>
internal sealed class NamePattern
{
    private readonly WildcardPattern? _pattern;

    public NamePattern(string text)
    {
        Text = text;
        var pattern = new WildcardPattern(text, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
        try
        {
            // WildcardPattern parses lazily; a malformed pattern throws on first use.
            pattern.IsMatch(string.Empty);
            _pattern = pattern;
        }
        catch (WildcardPatternException)
        {
            _pattern = null;
        }
    }

    public string Text { get; }

    /// <summary>Whether the value has wildcards that took effect (a missing match is then not an error).</summary>
    public bool HasWildcards => _pattern is not null && WildcardPattern.ContainsWildcardCharacters(Text);

    public bool IsMatch(string name) =>
        string.Equals(name, Text, StringComparison.OrdinalIgnoreCase) || (_pattern?.IsMatch(name) ?? false);
}
