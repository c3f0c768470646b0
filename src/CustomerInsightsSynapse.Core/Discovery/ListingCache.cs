namespace CustomerInsightsSynapse.Core.Discovery;

/// <summary>
/// A list being read from Azure: the items so far (pages arrive one by one), and whether it is complete. It keeps
/// filling after a caller stopped waiting, so the next caller finds more.
/// </summary>
public sealed class Listing<T>
{
    private readonly object _gate = new();
    private readonly List<T> _items = [];

    internal Listing(Listing<T>? previous) => _fallback = previous is { IsComplete: true } ? previous.Items : previous?._fallback;

    public Task Completion { get; private set; } = Task.CompletedTask;

    public bool IsComplete => Completion.IsCompletedSuccessfully;

    /// <summary>When the listing ended (complete or failed); null while it runs.</summary>
    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>The last complete list this one replaces (its time to live ran out), answered while this one is incomplete.</summary>
    private readonly IReadOnlyList<T>? _fallback;

    public IReadOnlyList<T> Items
    {
        get
        {
            lock (_gate)
            {
                return _items.ToArray();
            }
        }
    }

    /// <summary>
    /// Waits at most <paramref name="limit"/> for the listing to complete. Returns the complete list; else the list
    /// this one replaces when it was complete; else the items read so far. Never throws.
    /// </summary>
    public async Task<IReadOnlyList<T>> WithinAsync(TimeSpan limit)
    {
        if (!Completion.IsCompleted && limit > TimeSpan.Zero)
        {
            try
            {
                await Completion.WaitAsync(limit).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A failed or slow listing answers with what it has.
            }
        }

        return IsComplete || _fallback is null ? Items : _fallback;
    }

    internal void Start(Func<CancellationToken, IAsyncEnumerable<T>> source, TimeSpan runFor, TimeProvider clock)
    {
        Completion = Task.Run(async () =>
        {
            using var stop = new CancellationTokenSource(runFor);
            try
            {
                await foreach (var item in source(stop.Token).ConfigureAwait(false))
                {
                    lock (_gate)
                    {
                        _items.Add(item);
                    }
                }
            }
            finally
            {
                EndedAt = clock.GetUtcNow();
            }
        });
        // Nobody may be waiting when it fails; the failure is an empty or partial answer, not an unobserved exception.
        _ = Completion.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }
}

/// <summary>
/// Listings by key for one signed-in session, each reused for <c>timeToLive</c> after it ended (complete or failed)
/// and shared while it runs, so repeated Tab presses send no new requests. A listing runs at most <c>runFor</c>.
/// </summary>
public sealed class ListingCache(TimeSpan timeToLive, TimeSpan runFor, TimeProvider? clock = null)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, object> _listings = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>The cached listing for <paramref name="key"/>, or a new one started from <paramref name="source"/>.</summary>
    public Listing<T> Get<T>(string key, Func<CancellationToken, IAsyncEnumerable<T>> source)
    {
        lock (_gate)
        {
            var cached = _listings.TryGetValue(key, out var entry) ? entry as Listing<T> : null;
            if (cached is not null && (cached.EndedAt is not { } ended || _clock.GetUtcNow() - ended < timeToLive))
            {
                return cached;
            }

            var listing = new Listing<T>(cached);
            listing.Start(source, runFor, _clock);
            _listings[key] = listing;
            return listing;
        }
    }
}
