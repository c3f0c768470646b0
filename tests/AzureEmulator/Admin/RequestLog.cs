namespace AzureEmulator.Admin;

/// <summary>One served request: its route name (e.g. "GET roleAssignments"), path, query string, status, timing, and the JSON bodies both ways (contract tests check them).</summary>
public sealed record RequestEntry(string Method, string Route, string Path, int Status, DateTimeOffset Started, DateTimeOffset Ended, string? Fault, string Query = "",
    string? RequestBody = null, string? ResponseBody = null);

/// <summary>Every non-admin request the emulator served, in arrival order, with counts per route.</summary>
public sealed class RequestLog
{
    private readonly Lock _gate = new();
    private readonly List<RequestEntry> _entries = [];

    public void Add(RequestEntry entry)
    {
        lock (_gate)
        {
            _entries.Add(entry);
        }
    }

    public IReadOnlyList<RequestEntry> Snapshot()
    {
        lock (_gate)
        {
            return _entries.ToArray();
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }

    public IReadOnlyDictionary<string, int> CountsByRoute() =>
        Snapshot().GroupBy(e => e.Route).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
}
