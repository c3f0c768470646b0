using CustomerInsightsSynapse.Core.Diagnostics;
using global::Azure;
using global::Azure.Storage.Blobs;
using global::Azure.Storage.Blobs.Models;
using global::Azure.Storage.Blobs.Specialized;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>
/// One landing per database at a time: a lease on <c>{Database}/_lock</c> (the blob is created when missing),
/// renewed in the background. A renewal that fails for a passing reason is tried again at the next tick while the lease
/// still runs; one refused (another run leased the lock) or one that cannot succeed before the lease runs out loses
/// the lock: <see cref="Lost"/> is cancelled, which stops the run. Disposing releases the lease.
/// </summary>
internal sealed class DatabaseLock : IAsyncDisposable
{
    private readonly BlobLeaseClient _lease;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _lost = new();
    private readonly Task _renewal;
    private readonly IOperationLog _log;

    private readonly TimeSpan _duration;

    private readonly Task _lockBlobMade;

    private DatabaseLock(BlobLeaseClient lease, TimeSpan duration, TimeSpan renewInterval, IOperationLog log, Task holderRecorded, Task lockBlobMade)
    {
        _lease = lease;
        HolderRecorded = holderRecorded;
        _lockBlobMade = lockBlobMade;
        _log = log;
        _duration = duration;
        _renewal = RenewAsync(renewInterval);
    }

    /// <summary>
    /// Writing the holder into the lock's metadata, started with the lease and not awaited by <see cref="AcquireAsync"/>:
    /// the first reads under the lock overlap it; a lander waits for it before writing any data.
    /// </summary>
    public Task HolderRecorded { get; }

    /// <summary>Cancelled when the lease could not be renewed.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>
    /// Renews the lease now, so a run that was frozen past its lease learns it before its next write: the renewal
    /// fails once another run has leased the lock since. Throws <see cref="ErrorIds.LakeLockLost"/> then.
    /// </summary>
    public async Task ConfirmHeldAsync(string database, CancellationToken ct)
    {
        if (!_lost.IsCancellationRequested)
        {
            try
            {
                await _lease.RenewAsync(cancellationToken: ct).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                _lost.Cancel();
            }
        }

        throw LockLost(database, null);
    }

    /// <summary>The error of a run that no longer holds its database's lock.</summary>
    public static CISynapseException LockLost(string database, Exception? inner) =>
        new(
            ErrorIds.LakeLockLost,
            ErrorKind.OperationStopped,
            $"This run no longer holds the lock on database '{database}' (its lease expired or could not be renewed, and another run may have taken it), so it stopped without moving any further view.",
            database,
            inner)
        {
            RecommendedAction = "Run the export again. A run loses its lock when its process is paused or cut off from storage for longer than the lease.",
        };

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

        // A database's first run finds no lock blob to lease. Every run asks for the blob to be made (refused when it
        // exists) while it asks for the lease, so a first run waits for one round trip less, and a later one sends one
        // request more at the same time.
        var made = CreateAsync(lockBlob, ct);
        try
        {
            await AcquireLeaseAsync(lockBlob, lease, made, database, options, ct).ConfigureAwait(false);
        }
        catch
        {
            await made.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        var holderRecorded = RecordHolderAsync(lockBlob, lease.LeaseId, holder, context);
        context.Log.Verbose($"Locked database '{database}' (lease on {lockBlob.Name}).");
        return new DatabaseLock(lease, options.LockDuration, options.LockRenewInterval, context.Log, holderRecorded, made);
    }

    /// <summary>Leases the lock blob, once more after <paramref name="made"/> when it was not there yet.</summary>
    private static async Task AcquireLeaseAsync(BlobClient lockBlob, BlobLeaseClient lease, Task made, string database, LandingOptions options, CancellationToken ct)
    {
        try
        {
            try
            {
                await lease.AcquireAsync(options.LockDuration, cancellationToken: ct).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                await made.ConfigureAwait(false);
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
                RecommendedAction = $"Wait for the other run to finish (Get-CISynapseExportRun shows it when it ends), then run the export again. A run that crashed or was killed frees the lock by itself within {options.LockDuration.TotalSeconds:0} seconds (its lease).",
            };
        }
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
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Retries that ran out on a dropped connection end here (AggregateException): the run and the lock's release go on.
            context.Log.Verbose($"Could not record the lock's holder on {lockBlob.Name} ({ex.GetType().Name}).");
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

        try
        {
            await HolderRecorded.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        // The request that made the lock blob: refused when the blob was there already, and no other failure of it
        // matters once the lease was taken.
        await _lockBlobMade.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

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
        var leasedUntil = DateTimeOffset.UtcNow + _duration;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                var remaining = leasedUntil - DateTimeOffset.UtcNow;
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                attempt.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
                var started = DateTimeOffset.UtcNow;
                try
                {
                    await _lease.RenewAsync(cancellationToken: attempt.Token).ConfigureAwait(false);
                    leasedUntil = started + _duration;
                }
                catch (Exception ex) when (ex is RequestFailedException or OperationCanceledException && !_stop.IsCancellationRequested)
                {
                    var refused = ex is RequestFailedException { Status: 409 or 412 };
                    if (refused || DateTimeOffset.UtcNow + interval >= leasedUntil)
                    {
                        _log.Warning($"The database lock could not be renewed ({Reason(ex)}); the run stops.");
                        _lost.Cancel();
                        return;
                    }

                    _log.Verbose($"Renewing the database lock failed ({Reason(ex)}); trying again while the lease still runs.");
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private static string Reason(Exception ex) =>
        ex is RequestFailedException rfe ? rfe.ErrorCode ?? rfe.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no answer before the lease ran out";
}
