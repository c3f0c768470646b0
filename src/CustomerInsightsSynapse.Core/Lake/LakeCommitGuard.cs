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

    /// <summary>
    /// Renews the lease and reads model.json's ETag in one round trip: a renewal that succeeds means no other run has
    /// held the lock since this run's commit, whichever of the two answers first. A lost lock wins over a failed read.
    /// </summary>
    public async Task EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        var target = _database.Target;
        ETag? current;
        try
        {
            var held = _database.Lock.ConfirmHeldAsync(target.Database, cancellationToken);
            var read = CurrentModelTagAsync(cancellationToken);
            await Task.WhenAll(held, read).ConfigureAwait(false);
            current = await read.ConfigureAwait(false);
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
