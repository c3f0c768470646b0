namespace CustomerInsightsSynapse.Core.Export;

/// <summary>
/// The databases and entity folders other exports on the same container use. Compared without regard to case
/// (SQL names are case-insensitive), so in doubt more is kept.
/// </summary>
internal sealed class OtherExportUsage
{
    private readonly HashSet<string> _databases = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<(string, string)> _folders = new(FolderComparer.Instance);

    public bool UnknownUsers { get; set; }

    public void Add(IReadOnlyDictionary<string, IReadOnlyList<string>> footprint)
    {
        foreach (var (database, entities) in footprint)
        {
            _databases.Add(database);
            foreach (var entity in entities)
            {
                _folders.Add((database, entity));
            }
        }
    }

    public bool UsesDatabase(string database) => UnknownUsers || _databases.Contains(database);

    public bool Claims(string database, string entity) => _folders.Contains((database, entity));
}

internal sealed class FolderComparer : IEqualityComparer<(string, string)>
{
    public static readonly FolderComparer Instance = new();

    public bool Equals((string, string) x, (string, string) y) =>
        string.Equals(x.Item1, y.Item1, StringComparison.OrdinalIgnoreCase) && string.Equals(x.Item2, y.Item2, StringComparison.OrdinalIgnoreCase);

    public int GetHashCode((string, string) obj) => HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Item1), StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Item2));
}
