using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;
using global::Azure;
using global::Azure.Storage.Blobs;
using global::Azure.Storage.Blobs.Models;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>A snapshot folder that nothing refers to: its files and bytes, and whether it was deleted.</summary>
public sealed record SnapshotFolder(string Entity, string Path, int Files, long Bytes, bool Deleted);

/// <summary>
/// On-demand clean-up of a database folder, under the database lock: for every entity of model.json, deletes the
/// snapshot folders other than the one model.json names and the one before it (a view still reads it when the last
/// run's T-SQL did not complete), started longer ago than the longest lease. Only folders named like snapshots.
/// </summary>
public sealed class SnapshotCleaner
{
    private readonly BlobClientFactory _factory;
    private readonly LandingOptions _options;

    public SnapshotCleaner(BlobClientFactory factory, LandingOptions? options = null)
    {
        _factory = factory;
        _options = options ?? new LandingOptions();
        _options.Validate();
    }

    /// <param name="target">The database folder.</param>
    /// <param name="delete">Asked for each unreferenced folder (its container-relative path); false keeps it.</param>
    /// <param name="context">Log and cancellation.</param>
    public async Task<IReadOnlyList<SnapshotFolder>> CleanAsync(LakeTarget target, Func<SnapshotFolder, bool> delete, OperationContext context)
    {
        var ct = context.CancellationToken;
        var container = _factory.Container(target.Container);
        await using var databaseLock = await DatabaseLock.AcquireAsync(container.GetBlobClient(target.LockPath), target.Database, _options, context).ConfigureAwait(false);
        var model = await LakeModel.ReadAsync(container.GetBlobClient(target.ModelPath), target.Database, ct).ConfigureAwait(false);
        var notBefore = _options.Clock.GetUtcNow() - SnapshotGarbage.LongestLease;
        var folders = new List<SnapshotFolder>();
        foreach (var entity in model.EntityNames.ToList())
        {
            if (model.Find(entity)?.SnapshotId is not { } current)
            {
                continue;
            }

            var prefix = target.EntityFolder(entity) + "/";
            var snapshots = new List<string>();
            await foreach (var item in container.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Delimiter = "/", Prefix = prefix }, ct).ConfigureAwait(false))
            {
                if (item.IsPrefix && item.Prefix[prefix.Length..].TrimEnd('/') is var name && SnapshotId.IsSnapshotId(name))
                {
                    snapshots.Add(name);
                }
            }

            var previous = snapshots.Where(s => string.CompareOrdinal(s, current) < 0).Order(StringComparer.Ordinal).LastOrDefault();
            foreach (var name in snapshots.Where(s => s != current && s != previous))
            {
                if (!SnapshotId.TryGetTime(name, out var started) || started >= notBefore)
                {
                    continue;
                }

                var folder = prefix + name;
                var blobs = new List<BlobItem>();
                await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = folder + "/" }, ct).ConfigureAwait(false))
                {
                    blobs.Add(blob);
                }

                var found = new SnapshotFolder(entity, folder, blobs.Count, blobs.Sum(b => b.Properties.ContentLength ?? 0), false);
                if (!delete(found))
                {
                    folders.Add(found);
                    continue;
                }

                await databaseLock.ConfirmHeldAsync(target.Database, ct).ConfigureAwait(false);
                foreach (var blob in blobs)
                {
                    await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: ct).ConfigureAwait(false);
                }

                context.Log.Verbose($"Deleted snapshot folder {folder} ({found.Files} files, {found.Bytes} bytes).");
                folders.Add(found with { Deleted = true });
            }
        }

        return folders;
    }
}
