using CustomerInsightsSynapse.Core.Lake;
using CustomerInsightsSynapse.Core.Sql;

namespace CustomerInsightsSynapse.Core.Export;

/// <summary>A new export as the user describes it ("Add export": connection, display name, database name, entities).</summary>
public sealed record NewExportRequest(string Name, string? DisplayName, string ConnectionName, string Source, string DatabaseName, IReadOnlyList<string> Entities)
{
    public QueryAccessMode QueryAccess { get; init; } = QueryAccessMode.CallerIdentity;

    public DeploymentMode Deployment { get; init; } = DeploymentMode.Apply;

    public LandingFormat LandAs { get; init; } = LandingFormat.Csv;

    public InvalidValueAction InvalidValue { get; init; } = InvalidValueAction.Fail;
}

/// <summary>
/// Changes to an export ("Update an export"); null leaves a value as it is. <see cref="Entities"/> replaces the
/// selection; <see cref="AddEntities"/> and <see cref="RemoveEntities"/> change it (names or wildcards).
/// </summary>
public sealed record ExportChange(string Name)
{
    /// <summary>The revision the change is based on; null to use the one read just before saving.</summary>
    public long? ExpectedRevision { get; init; }

    public string? DisplayName { get; init; }

    public string? DatabaseName { get; init; }

    public IReadOnlyList<string>? Entities { get; init; }

    public IReadOnlyList<string>? AddEntities { get; init; }

    public IReadOnlyList<string>? RemoveEntities { get; init; }

    /// <summary>A new landing format; the next run lands every entity again in it.</summary>
    public LandingFormat? LandAs { get; init; }

    public InvalidValueAction? InvalidValue { get; init; }

    public bool ChangesSelection => Entities is not null || AddEntities is not null || RemoveEntities is not null;

    public bool IsEmpty => DisplayName is null && DatabaseName is null && !ChangesSelection && LandAs is null && InvalidValue is null;
}

/// <summary>
/// Removing an export. By default only the definition goes; <see cref="RemoveLandedData"/> also deletes what it
/// landed in the container, <see cref="RemoveDatabaseObjects"/> the views (and, where no other export feeds the
/// database, the data source and credential) it created, <see cref="DropDatabase"/> the database itself.
/// </summary>
public sealed record ExportRemovalRequest(string Name)
{
    public long? ExpectedRevision { get; init; }

    public bool RemoveLandedData { get; init; }

    public bool RemoveDatabaseObjects { get; init; }

    public bool DropDatabase { get; init; }
}
