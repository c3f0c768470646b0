namespace CustomerInsightsSynapse.Core.Sql;

/// <summary>What to generate T-SQL for: a serverless database, how queries reach the lake, and the landed entities.</summary>
public sealed record SqlScriptRequest(
    string Database,
    QueryAccessMode AccessMode,
    DataLakeContainer DataLake,
    IReadOnlyList<LandedEntity> Entities);
