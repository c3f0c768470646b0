using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Core.Export;

/// <summary>
/// Whether an entity can be named where a run puts it, checked once before the run writes anything: its name must
/// be a SQL identifier (<see cref="SqlQuoting.IdentifierProblem"/>), a storage path segment
/// (<see cref="BlobPaths.SegmentProblem"/>) free of the characters a view's BULK path cannot hold
/// (<see cref="ServerlessSqlGenerator.BulkPathWildcards"/>) and none of the module's own entries in the database
/// folder; each attribute name a SQL identifier; and no two entities, nor two attributes of one entity, equal under
/// the database collation (<see cref="SqlNameComparer"/>). An entity that fails is refused alone.
/// </summary>
public static class EntityNameRules
{
    /// <summary>What the module keeps in a database folder beside the entity folders.</summary>
    public static readonly IReadOnlyList<string> ModuleEntries = LakeTarget.ModuleEntries;

    /// <summary>The entities that can be named, and each refused one with its error, in the given order.</summary>
    public static (IReadOnlyList<CdmEntity> Nameable, IReadOnlyList<(CdmEntity Entity, CISynapseException Error)> Refused) Split(IReadOnlyList<CdmEntity> entities)
    {
        var errors = entities.Select(Problem).ToList();
        var collisions = entities
            .Where((_, i) => errors[i] is null)
            .GroupBy(e => e.Name, SqlNameComparer.Instance)
            .Where(g => g.Count() > 1)
            .SelectMany(g => g.Select(e => (e, Collision(e.Name, g.Select(o => o.Name).Where(n => !ReferenceEquals(n, e.Name)), "entity", "the database"))))
            .ToDictionary(p => p.e, p => p.Item2);
        var nameable = new List<CdmEntity>(entities.Count);
        var refused = new List<(CdmEntity, CISynapseException)>();
        for (var i = 0; i < entities.Count; i++)
        {
            if ((errors[i] ?? collisions.GetValueOrDefault(entities[i])) is { } error)
            {
                refused.Add((entities[i], error));
            }
            else
            {
                nameable.Add(entities[i]);
            }
        }

        return (nameable, refused);
    }

    /// <summary>Why one entity (on its own) cannot be named, or null when it can.</summary>
    public static CISynapseException? Problem(CdmEntity entity)
    {
        var name = entity.Name;
        var problem = SqlQuoting.IdentifierProblem(name)
            ?? BlobPaths.SegmentProblem(name)
            ?? (name.IndexOfAny(ServerlessSqlGenerator.BulkPathWildcards) >= 0 ? "contains '*', '?', '#' or '%', which the path a view reads cannot hold" : null)
            ?? (ModuleEntries.FirstOrDefault(m => SqlNameComparer.Instance.Equals(m, name)) is { } entry ? $"is the name of the module's own '{entry}' in the database folder" : null);
        if (problem is not null)
        {
            return new CISynapseException(
                ErrorIds.EntityNameUnusable,
                ErrorKind.InvalidData,
                $"The entity '{SqlQuoting.Printable(name)}' cannot be exported: its name {problem}. It was not landed; the other entities were.",
                name)
            {
                RecommendedAction = $"Rename the entity in Customer Insights, or remove it from the export with Set-CISynapseExport -RemoveEntity. Names must be 1 to {SqlQuoting.MaxIdentifierLength} characters without control characters, '/', '\\', '*', '?', '#' or '%', and must not end with a dot or a space.",
            };
        }

        var seen = new Dictionary<string, string>(SqlNameComparer.Instance);
        foreach (var attribute in entity.Attributes)
        {
            if (SqlQuoting.IdentifierProblem(attribute.Name) is { } attributeProblem)
            {
                return new CISynapseException(
                    ErrorIds.AttributeNameUnusable,
                    ErrorKind.InvalidData,
                    $"The attribute '{SqlQuoting.Printable(attribute.Name ?? string.Empty)}' of entity '{SqlQuoting.Printable(name)}' cannot be a view column: its name {attributeProblem}. The entity was not landed; the other entities were.",
                    $"{name}.{attribute.Name}")
                {
                    RecommendedAction = $"Rename the attribute in Customer Insights (1 to {SqlQuoting.MaxIdentifierLength} characters, no control characters), or remove the entity from the export with Set-CISynapseExport -RemoveEntity.",
                };
            }

            if (!seen.TryAdd(attribute.Name, attribute.Name))
            {
                return Collision(attribute.Name, [seen[attribute.Name]], "attribute", $"the entity '{SqlQuoting.Printable(name)}'");
            }
        }

        return null;
    }

    private static CISynapseException Collision(string name, IEnumerable<string> others, string what, string where) =>
        new(
            ErrorIds.SqlNameCollision,
            ErrorKind.InvalidData,
            $"The {what} '{SqlQuoting.Printable(name)}' of {where} has the same SQL name as '{string.Join("', '", others.Select(SqlQuoting.Printable))}' (the database compares names without regard to case or width, and 'ß' as 'ss'), so it was not exported.",
            name)
        {
            RecommendedAction = $"Rename one of the {what}s in Customer Insights, or export only one of them.",
        };
}
