using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;
using global::Azure;
using global::Azure.Storage.Blobs;

namespace CustomerInsightsSynapse.Core.Lake;

/// <summary>
/// A database whose lock (a lease on <c>{Database}/_lock</c>) is held until this object is disposed. Whoever
/// acquires it owns it for the whole run; every lake step under the lock takes it and works in its
/// <see cref="Context"/>, which is cancelled when the caller cancels or the lease is lost.
/// </summary>
public sealed class LockedDatabase : IAsyncDisposable
{
    private readonly CancellationTokenSource _linked;
    private readonly CancellationToken _callerToken;

    private LockedDatabase(LakeTarget target, BlobContainerClient container, DatabaseLock held, OperationContext context)
    {
        Target = target;
        Container = container;
        Lock = held;
        _callerToken = context.CancellationToken;
        _linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, held.Lost);
        Context = context with { CancellationToken = _linked.Token };
    }

    public LakeTarget Target { get; }

    /// <summary>The caller's context, cancelled also when the lock is lost.</summary>
    public OperationContext Context { get; }

    internal BlobContainerClient Container { get; }

    internal DatabaseLock Lock { get; }

    /// <summary>Takes the lock, recording <paramref name="holder"/> on it so that a refused run can name who holds it.</summary>
    public static async Task<LockedDatabase> AcquireAsync(BlobClientFactory factory, LakeTarget target, LandingOptions options, string? holder, OperationContext context)
    {
        var container = factory.Container(target.Container);
        try
        {
            var held = await DatabaseLock.AcquireAsync(container.GetBlobClient(target.LockPath), target.Database, options, context, holder).ConfigureAwait(false);
            return new LockedDatabase(target, container, held, context);
        }
        catch (RequestFailedException ex)
        {
            throw LakeErrors.Translate(ex, target);
        }
    }

    /// <summary>
    /// The <c>LakeLockLost</c> error when <paramref name="error"/> is the cancellation that losing the lock caused
    /// (not the caller's own); otherwise null.
    /// </summary>
    public CISynapseException? LostLockError(Exception error) =>
        error is OperationCanceledException && Lock.Lost.IsCancellationRequested && !_callerToken.IsCancellationRequested
            ? DatabaseLock.LockLost(Target.Database, error)
            : null;

    public async ValueTask DisposeAsync()
    {
        await Lock.DisposeAsync().ConfigureAwait(false);
        _linked.Dispose();
    }
}
