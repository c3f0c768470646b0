namespace CustomerInsightsSynapse.Core.Export;

/// <summary>
/// Every database an export has fed and the entities it may have put there: in its current database the selected
/// and the removed-from-it entities; in a former database every entity it has selected since it was created,
/// because the history does not say which were selected while that database was current (a folder or view
/// that is not there costs nothing to remove).
/// </summary>
public static class ExportFootprint
{
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Of(ExportDefinition export)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        var everSelected = Distinct(export.Entities.Concat(export.RemovedEntities.Select(r => r.Name)));
        result[export.DatabaseName] = Distinct(export.Entities.Concat(export.RemovedEntities
            .Where(r => string.Equals(r.DatabaseName, export.DatabaseName, StringComparison.OrdinalIgnoreCase))
            .Select(r => r.Name)));
        foreach (var former in export.FormerDatabases)
        {
            if (!result.ContainsKey(former.DatabaseName))
            {
                result[former.DatabaseName] = everSelected;
            }
        }

        foreach (var removed in export.RemovedEntities.Where(r => !result.ContainsKey(r.DatabaseName)))
        {
            result[removed.DatabaseName] = Distinct(export.RemovedEntities
                .Where(r => string.Equals(r.DatabaseName, removed.DatabaseName, StringComparison.OrdinalIgnoreCase))
                .Select(r => r.Name));
        }

        return result;
    }

    private static IReadOnlyList<string> Distinct(IEnumerable<string> names) => names.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
}
