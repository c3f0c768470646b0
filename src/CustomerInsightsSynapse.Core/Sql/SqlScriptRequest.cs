namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>What to generate T-SQL for: a serverless database, how queries reach the lake, and the landed entities.</summary>
public sealed record SqlScriptRequest(
    string Database,
    QueryAccessMode AccessMode,
    DataLakeContainer DataLake,
    IReadOnlyList<LandedEntity> Entities)
{
    /// <summary>
    /// Whether the script makes the shared objects (database, master key, credential, reader role, data source) before
    /// the views; false when a run regenerates only views over shared objects that did not change.
    /// </summary>
    public bool IncludeSharedObjects { get; init; } = true;
}
