using CustomerInsightsSynapse.Core.Export;

namespace CustomerInsightsSynapse.Core.Discovery;

/// <summary>
/// A -Name value that may hold PowerShell wildcards (<see cref="EntityPattern"/>), matched without case. The name
/// itself always matches, so 'Sales [EU]' finds the object named 'Sales [EU]' as well as those its wildcard matches.
/// </summary>
public sealed class NamePattern(string text)
{
    private readonly EntityPattern _pattern = new(text);

    public string Text { get; } = text;

    /// <summary>Whether the value has wildcards that took effect (a missing match is then not an error).</summary>
    public bool HasWildcards => _pattern.IsWildcard;

    public bool IsMatch(string name) =>
        string.Equals(name, Text, StringComparison.OrdinalIgnoreCase) || _pattern.IsMatch(name);
}

/// <summary>
/// The -Name filter every Get- cmdlet applies: no names means every object; otherwise the objects any name matches,
/// in the order of the names, each once, and the plain names that matched nothing (an error for the cmdlet to report).
/// </summary>
public sealed class NameFilter
{
    public NameFilter(IEnumerable<string>? names)
    {
        Patterns = (names ?? []).Select(n => new NamePattern(n)).ToArray();
    }

    public IReadOnlyList<NamePattern> Patterns { get; }

    /// <summary>Whether names were given and none of them holds a wildcard: the caller asked for these objects by name.</summary>
    public bool OnlyExactNames => Patterns.Count > 0 && !Patterns.Any(p => p.HasWildcards);

    public bool IsMatch(string name) => Patterns.Count == 0 || Patterns.Any(p => p.IsMatch(name));

    public NameFilterResult<T> Apply<T>(IEnumerable<T> items, Func<T, string> nameOf)
    {
        var all = items.ToArray();
        if (Patterns.Count == 0)
        {
            return new NameFilterResult<T>(all, []);
        }

        var selected = new List<T>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var missing = new List<string>();
        foreach (var pattern in Patterns)
        {
            var matches = all.Where(item => pattern.IsMatch(nameOf(item))).ToArray();
            if (matches.Length == 0 && !pattern.HasWildcards)
            {
                missing.Add(pattern.Text);
            }

            selected.AddRange(matches.Where(item => seen.Add(nameOf(item))));
        }

        return new NameFilterResult<T>(selected, missing);
    }
}

/// <summary>The objects a <see cref="NameFilter"/> selected and the plain names that matched none.</summary>
public sealed record NameFilterResult<T>(IReadOnlyList<T> Selected, IReadOnlyList<string> Missing);
