using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Core.Export;

/// <summary>
/// An export as kept in the definition store (folder <c>exports</c>): a named selection of entities from one
/// Customer Insights CDM folder, bound to a connection and the serverless SQL database it feeds, with the
/// history the documentation's "Update an export" implies. <see cref="Name"/> is the key (unique without
/// regard to case). <see cref="ConnectionName"/> is serialised as <c>connectionName</c>
/// (<see cref="Store.DocumentFolders.ExportConnectionNameProperty"/>): removing a connection finds its users by it.
/// </summary>
public sealed record ExportDefinition
{
    public required string Name { get; init; }

    /// <summary>
    /// Stays the same for the life of the export and differs from any earlier export of the same name: it is what
    /// a database claim and a database's owner marker name. Exports saved before it existed get one on their
    /// first save or run.
    /// </summary>
    public string? ExportId { get; init; }

    public required string DisplayName { get; init; }

    public required string ConnectionName { get; init; }

    /// <summary>The CDM folder the entities are read from: a local path or a blob/dfs URL.</summary>
    public required string Source { get; init; }

    /// <summary>The serverless SQL database the export feeds; also the first path segment of what it lands in the container.</summary>
    public required string DatabaseName { get; init; }

    /// <summary>The selected entities, resolved to their names in the source, in the source's order.</summary>
    public required IReadOnlyList<string> Entities { get; init; }

    public QueryAccessMode QueryAccess { get; init; } = QueryAccessMode.CallerIdentity;

    public DeploymentMode Deployment { get; init; } = DeploymentMode.Apply;

    /// <summary>Csv (the files as they are) or Parquet (local CSV partitions converted to typed Parquet while landing).</summary>
    public LandingFormat LandAs { get; init; } = LandingFormat.Csv;

    /// <summary>When landing as Parquet: Fail (the entity is not landed) or Null (written as NULL and counted in the run record) for a value that does not convert.</summary>
    public InvalidValueAction InvalidValue { get; init; } = InvalidValueAction.Fail;

    /// <summary>Since when the export feeds <see cref="DatabaseName"/> (creation, or the last database change).</summary>
    public DateTimeOffset DatabaseSince { get; init; }

    /// <summary>Entities taken out of the selection: left in Synapse as they were, no longer refreshed.</summary>
    public IReadOnlyList<RemovedEntity> RemovedEntities { get; init; } = [];

    /// <summary>Databases the export fed before its database name was changed; they receive no more updates.</summary>
    public IReadOnlyList<FormerDatabase> FormerDatabases { get; init; } = [];

    /// <summary>Object id of the principal that created the export.</summary>
    public required string CreatedBy { get; init; }

    public required DateTimeOffset CreatedOn { get; init; }

    public string? ModifiedBy { get; init; }

    public required DateTimeOffset ModifiedOn { get; init; }
}

/// <summary>An entity taken out of an export's selection: when, and which database it was last fed into.</summary>
public sealed record RemovedEntity(string Name, string DatabaseName, DateTimeOffset RemovedOn);

/// <summary>A database an export used to feed, from <see cref="Since"/> until the database name changed at <see cref="Until"/>.</summary>
public sealed record FormerDatabase(string DatabaseName, DateTimeOffset Since, DateTimeOffset Until);
