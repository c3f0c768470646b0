using CustomerInsightsSynapse.Core.Diagnostics;
using global::Azure;
using global::Azure.Storage.Blobs;
using global::Azure.Storage.Blobs.Models;
using global::Azure.Storage.Blobs.Specialized;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>
/// One landing per database at a time: a lease on <c>{Database}/_lock</c> (the blob is created when missing),
/// renewed in the background. If a renewal fails the lock is lost and <see cref="Lost"/> is cancelled, which stops
/// the run before it commits. Disposing releases the lease.
/// </summary>
internal sealed class DatabaseLock : IAsyncDisposable
{
    private readonly BlobLeaseClient _lease;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _lost = new();
    private readonly Task _renewal;
    private readonly IOperationLog _log;

    private DatabaseLock(BlobLeaseClient lease, TimeSpan renewInterval, IOperationLog log)
    {
        _lease = lease;
        _log = log;
        _renewal = RenewAsync(renewInterval);
    }

    /// <summary>Cancelled when the lease could not be renewed.</summary>
    public CancellationToken Lost => _lost.Token;

    private const string HolderKey = "holder";
    private const string AcquiredOnKey = "acquiredon";

    /// <param name="lockBlob">The database's lock blob.</param>
    /// <param name="database">The database, for messages.</param>
    /// <param name="options">The lease's duration.</param>
    /// <param name="context">Cancellation and messages.</param>
    /// <param name="holder">Who takes the lock, recorded in the lock blob's metadata so that a refused run can name it.</param>
    public static async Task<DatabaseLock> AcquireAsync(BlobClient lockBlob, string database, LandingOptions options, OperationContext context, string? holder = null)
    {
        var ct = context.CancellationToken;
        var lease = lockBlob.GetBlobLeaseClient();
        try
        {
            try
            {
                await lease.AcquireAsync(options.LockDuration, cancellationToken: ct).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                await CreateAsync(lockBlob, ct).ConfigureAwait(false);
                await lease.AcquireAsync(options.LockDuration, cancellationToken: ct).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var (heldBy, since) = await ReadHolderAsync(lockBlob, ct).ConfigureAwait(false);
            var expiresBy = DateTimeOffset.UtcNow + options.LockDuration;
            throw new CISynapseException(
                ErrorIds.ExportRunInProgress,
                ErrorKind.ResourceBusy,
                $"Another run is landing data into the database '{database}': its lock {lockBlob.Name} is held by {heldBy ?? "a run that did not record its name"}"
                    + $"{(since is null ? string.Empty : $" since {since.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC")}. The lock's lease is renewed while that run lives; if it has stopped, the lock expires by {expiresBy.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC at the latest ({options.LockDuration.TotalSeconds:0}-second lease).",
                database,
                ex)
            {
                RecommendedAction = $"Wait for the other run to finish (Get-CISynapseExportRun shows it when it ends), then run the export again. A run that was killed frees the lock by itself within {options.LockDuration.TotalSeconds:0} seconds.",
            };
        }

        await RecordHolderAsync(lockBlob, lease.LeaseId, holder, context).ConfigureAwait(false);
        context.Log.Verbose($"Locked database '{database}' (lease on {lockBlob.Name}).");
        return new DatabaseLock(lease, options.LockRenewInterval, context.Log);
    }

    /// <summary>Writes who holds the lock and since when into the lock blob's metadata; a failure only loses the names.</summary>
    private static async Task RecordHolderAsync(BlobClient lockBlob, string leaseId, string? holder, OperationContext context)
    {
        var metadata = new Dictionary<string, string>
        {
            [HolderKey] = Uri.EscapeDataString(holder ?? "unknown"),
            [AcquiredOnKey] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        try
        {
            await lockBlob.SetMetadataAsync(metadata, new BlobRequestConditions { LeaseId = leaseId }, context.CancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            context.Log.Verbose($"Could not record the lock's holder on {lockBlob.Name} ({ex.ErrorCode ?? ex.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
        }
    }

    /// <summary>Who holds the lock and since when, as its holder recorded them; nulls when it did not or they cannot be read.</summary>
    private static async Task<(string? Holder, DateTimeOffset? Since)> ReadHolderAsync(BlobClient lockBlob, CancellationToken ct)
    {
        try
        {
            var properties = (await lockBlob.GetPropertiesAsync(cancellationToken: ct).ConfigureAwait(false)).Value;
            var holder = properties.Metadata.TryGetValue(HolderKey, out var name) ? Uri.UnescapeDataString(name) : null;
            DateTimeOffset? since = properties.Metadata.TryGetValue(AcquiredOnKey, out var text)
                && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var parsed) ? parsed : null;
            return (holder, since);
        }
        catch (RequestFailedException)
        {
            return (null, null);
        }
    }

    private static async Task CreateAsync(BlobClient lockBlob, CancellationToken ct)
    {
        try
        {
            await lockBlob.UploadAsync(BinaryData.Empty, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Another run created it first.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            await _renewal.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        if (!_lost.IsCancellationRequested)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _lease.ReleaseAsync(cancellationToken: timeout.Token).ConfigureAwait(false);
                _log.Verbose($"Released the lock {_lease.Uri.AbsolutePath}.");
            }
            catch (Exception ex) when (ex is RequestFailedException or OperationCanceledException)
            {
                _log.Warning($"Could not release the lock ({ex.Message.Split('\n')[0]}); it expires by itself.");
            }
        }

        _stop.Dispose();
        _lost.Dispose();
    }

    private async Task RenewAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    await _lease.RenewAsync(cancellationToken: _stop.Token).ConfigureAwait(false);
                }
                catch (RequestFailedException ex)
                {
                    _log.Warning($"The database lock could not be renewed ({ex.ErrorCode ?? ex.Status.ToString()}); the landing stops.");
                    _lost.Cancel();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }
}
