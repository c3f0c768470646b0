using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Export;

/// <summary>Turns the names and wildcards a user selects into entity names, at save time.</summary>
public static class EntitySelection
{
    /// <summary>
    /// The source's entities that match any of <paramref name="patterns"/>, once each, in the source's order, spelt
    /// as the source spells them. Throws <see cref="ErrorIds.EntityNotFound"/> naming every pattern that matches nothing.
    /// </summary>
    public static IReadOnlyList<string> Resolve(CdmFolder source, IReadOnlyList<string> patterns)
    {
        var compiled = Compile(patterns);
        var matched = new bool[compiled.Length];
        var result = new List<string>();
        foreach (var entity in source.Entities)
        {
            var selected = false;
            for (var i = 0; i < compiled.Length; i++)
            {
                if (compiled[i].IsMatch(entity.Name))
                {
                    matched[i] = true;
                    selected = true;
                }
            }

            if (selected)
            {
                result.Add(BlobPaths.ValidateSegment(entity.Name, "entity name"));
            }
        }

        var missing = compiled.Where((_, i) => !matched[i]).Select(p => p.Text).ToArray();
        if (missing.Length > 0)
        {
            throw new CISynapseException(
                ErrorIds.EntityNotFound,
                ErrorKind.ObjectNotFound,
                $"The CDM folder '{source.DocumentPath}' has no entity matching {string.Join(", ", missing.Select(m => $"'{m}'"))}. Its entities: {Sample(source.Entities.Select(e => e.Name))}.",
                missing.Length == 1 ? missing[0] : missing)
            {
                RecommendedAction = "List the entities with Get-CISynapseEntity -Source <folder>, and check the spelling.",
            };
        }

        return result;
    }

    /// <summary>The names in <paramref name="selection"/> matching the patterns; throws <see cref="ErrorIds.EntityNotInExport"/> for patterns matching none.</summary>
    public static HashSet<string> Match(IReadOnlyList<string> selection, IReadOnlyList<string> patterns, string exportName)
    {
        var compiled = Compile(patterns);
        var result = new HashSet<string>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var pattern in compiled)
        {
            var hits = selection.Where(pattern.IsMatch).ToArray();
            if (hits.Length == 0)
            {
                missing.Add(pattern.Text);
            }

            result.UnionWith(hits);
        }

        if (missing.Count > 0)
        {
            throw new CISynapseException(
                ErrorIds.EntityNotInExport,
                ErrorKind.ObjectNotFound,
                $"The export '{exportName}' selects no entity matching {string.Join(", ", missing.Select(m => $"'{m}'"))}. It selects: {Sample(selection)}.",
                missing.Count == 1 ? missing[0] : missing.ToArray());
        }

        return result;
    }

    /// <summary>The names in the source's order; names the source no longer has keep their place at the end.</summary>
    public static List<string> InSourceOrder(CdmFolder source, IEnumerable<string> names)
    {
        var order = source.Entities.Select((e, i) => (e.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.OrdinalIgnoreCase);
        return names.Select((n, i) => (n, i)).OrderBy(p => order.TryGetValue(p.n, out var at) ? at : int.MaxValue).ThenBy(p => p.i).Select(p => p.n).ToList();
    }

    private static EntityPattern[] Compile(IReadOnlyList<string> patterns) =>
        patterns.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => new EntityPattern(p.Trim())).ToArray();

    private static string Sample(IEnumerable<string> names)
    {
        var all = names.ToArray();
        return all.Length == 0 ? "none" : string.Join(", ", all.Take(20)) + (all.Length > 20 ? $", … ({all.Length} in all)" : string.Empty);
    }
}
