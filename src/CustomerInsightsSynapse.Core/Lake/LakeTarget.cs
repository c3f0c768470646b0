using CustomerInsightsSynapse.Core.Azure;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>
/// Where a database's data lands: the connection's container (its path, if any, is a root folder inside it)
/// and the database name, which becomes the top folder.
/// </summary>
public sealed record LakeTarget(BlobLocation Container, string Database)
{
    /// <summary>The database folder, validated as one path segment.</summary>
    public string DatabaseFolder => BlobPaths.Combine(
        Container.Path.Length == 0 ? string.Empty : BlobPaths.ValidateRelativePath(Container.Path, "container folder"),
        BlobPaths.ValidateSegment(Database, "database name"));

    public string ModelPath => BlobPaths.Combine(DatabaseFolder, "model.json");

    public string LockPath => BlobPaths.Combine(DatabaseFolder, "_lock");

    public string EntityFolder(string entity) => BlobPaths.Combine(DatabaseFolder, BlobPaths.ValidateSegment(entity, "entity name"));

    public string SnapshotFolder(string entity, string snapshotId) => BlobPaths.Combine(EntityFolder(entity), snapshotId);
}
