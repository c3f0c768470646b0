using global::Azure;
using global::Azure.Storage.Blobs;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>
/// Checked immediately before each view switch and before old snapshots are deleted: the run still holds the
/// database lock, and model.json is still the one this run committed (or read, when it committed nothing). A run that
/// was frozen past its lease while a newer run committed fails here with <c>LakeLockLost</c> instead of moving views
/// back to its older snapshots or deleting the newer run's.
/// </summary>
public sealed class LakeCommitGuard
{
    private readonly DatabaseLock _lock;
    private readonly BlobClient _model;
    private readonly ETag? _committed;
    private readonly string _database;

    internal LakeCommitGuard(DatabaseLock databaseLock, BlobClient model, ETag? committed, string database)
    {
        _lock = databaseLock;
        _model = model;
        _committed = committed;
        _database = database;
    }

    public async Task EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        await _lock.ConfirmHeldAsync(_database, cancellationToken).ConfigureAwait(false);
        ETag? current;
        try
        {
            current = (await _model.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            current = null;
        }

        if (current != _committed)
        {
            throw DatabaseLock.LockLost(_database, null);
        }
    }
}
