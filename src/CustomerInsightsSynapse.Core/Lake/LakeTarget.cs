using CustomerInsightsSynapse.Core.Azure;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>
/// Every path of a database in the lake (data, snapshots, model.json, the lock, saved T-SQL and run records).
/// Where a database's data lands: the connection's container (its path, if any, is a root folder inside it)
/// and the database name, which becomes the top folder.
/// </summary>
public sealed record LakeTarget(BlobLocation Container, string Database)
{
    /// <summary>The database folder, validated as one path segment.</summary>
    public string DatabaseFolder => BlobPaths.Combine(
        Container.Path.Length == 0 ? string.Empty : BlobPaths.ValidateRelativePath(Container.Path, "container folder"),
        BlobPaths.ValidateSegment(Database, "database name"));

    private const string ModelName = "model.json";
    private const string LockName = "_lock";
    private const string SqlFolderName = "_sql";
    private const string RunsFolderName = "_runs";
    /// <summary>
    /// Serverless SQL skips files whose names start with '_' or '.'; whether it also skips such folders is not
    /// documented, so the folder serverless reads the staged files from has neither (an entity cannot take the name).
    /// </summary>
    private const string StagingFolderName = "cisynapse-staging";

    /// <summary>What the module keeps in a database folder beside the entity folders.</summary>
    public static IReadOnlyList<string> ModuleEntries { get; } = [SqlFolderName, RunsFolderName, StagingFolderName, LockName, ModelName];

    public string ModelPath => BlobPaths.Combine(DatabaseFolder, ModelName);

    public string LockPath => BlobPaths.Combine(DatabaseFolder, LockName);

    /// <summary>The folder of the T-SQL the runs saved.</summary>
    public string SqlScriptFolder => BlobPaths.Combine(DatabaseFolder, SqlFolderName);

    /// <summary>Where a run keeps the T-SQL it generated: <c>{Database}/_sql/{runId}.sql</c>.</summary>
    public string SqlScriptPath(string runId) => BlobPaths.Combine(SqlScriptFolder, BlobPaths.ValidateSegment(runId + ".sql", "run id"));

    /// <summary>What the database's objects were last generated from (<c>{Database}/_sql/deployed.json</c>; see <see cref="Sql.SqlDeploymentState"/>).</summary>
    public string SqlDeploymentPath => BlobPaths.Combine(SqlScriptFolder, "deployed.json");

    /// <summary>Where a run's record is kept beside the data: <c>{Database}/_runs/{runId}.json</c>.</summary>
    public string RunRecordPath(string runId) => BlobPaths.Combine(DatabaseFolder, RunsFolderName, BlobPaths.ValidateSegment(runId + ".json", "run id"));

    public string EntityFolder(string entity) => BlobPaths.Combine(DatabaseFolder, BlobPaths.ValidateSegment(entity, "entity name"));

    public string SnapshotFolder(string entity, string snapshotId) => BlobPaths.Combine(EntityFolder(entity), snapshotId);

    /// <summary>The folder of the runs' staged CSV files: <c>{Database}/cisynapse-staging</c>.</summary>
    public string StagingRoot => BlobPaths.Combine(DatabaseFolder, StagingFolderName);

    /// <summary>
    /// Where a run stages an entity's lake CSV files for their conversion to Parquet on the server:
    /// <c>{Database}/cisynapse-staging/{snapshotId}/{Entity}</c>, never below a snapshot folder.
    /// </summary>
    public string StagingFolder(string snapshotId, string entity) =>
        BlobPaths.Combine(StagingRoot, BlobPaths.ValidateSegment(snapshotId, "snapshot id"), BlobPaths.ValidateSegment(entity, "entity name"));
}
