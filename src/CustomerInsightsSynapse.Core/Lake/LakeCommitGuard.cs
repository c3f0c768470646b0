using global::Azure;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>
/// Checked immediately before each view switch and before old snapshots are deleted: the run still holds the
/// database lock, and model.json is still the one this run committed (or read, when it committed nothing). A run that
/// was frozen past its lease while a newer run committed fails here with <c>LakeLockLost</c> instead of moving views
/// back to its older snapshots or deleting the newer run's.
/// </summary>
public sealed class LakeCommitGuard
{
    private readonly LockedDatabase _database;
    private readonly ETag? _committed;

    internal LakeCommitGuard(LockedDatabase database, ETag? committed)
    {
        _database = database;
        _committed = committed;
    }

    /// <summary>The ETag of the model.json this run committed (or read).</summary>
    internal ETag? Committed => _committed;

    public async Task EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        var target = _database.Target;
        ETag? current;
        try
        {
            await _database.Lock.ConfirmHeldAsync(target.Database, cancellationToken).ConfigureAwait(false);
            current = await CurrentModelTagAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            throw LakeErrors.Translate(ex, target);
        }

        if (current != _committed)
        {
            throw DatabaseLock.LockLost(target.Database, null);
        }
    }

    private async Task<ETag?> CurrentModelTagAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await _database.Container.GetBlobClient(_database.Target.ModelPath).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }
}
