using System.Runtime.CompilerServices;
using CustomerInsightsSynapse.Core.Discovery;

namespace CustomerInsightsSynapse.Core.Tests.Discovery;

public sealed class ListingCacheTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_listing_is_read_once_and_shared_until_its_time_to_live_runs_out()
    {
        var clock = new ManualClock();
        var cache = new ListingCache(TimeSpan.FromSeconds(30), Long, clock);
        var reads = 0;
        IAsyncEnumerable<string> Source(CancellationToken t)
        {
            Interlocked.Increment(ref reads);
            return Items(["a", "b"], t);
        }

        Assert.Equal(["a", "b"], await cache.Get("k", Source).WithinAsync(Long));
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(["a", "b"], await cache.Get("k", Source).WithinAsync(Long));
        Assert.Equal(1, reads);

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(["a", "b"], await cache.Get("k", Source).WithinAsync(Long));
        Assert.Equal(2, reads);
    }

    [Fact]
    public async Task Keys_are_separate_listings()
    {
        var cache = new ListingCache(Long, Long);
        Assert.Equal(["a"], await cache.Get("one", t => Items(["a"], t)).WithinAsync(Long));
        Assert.Equal(["b"], await cache.Get("two", t => Items(["b"], t)).WithinAsync(Long));
    }

    [Fact]
    public async Task A_slow_listing_answers_with_the_items_read_so_far_and_keeps_filling()
    {
        var cache = new ListingCache(Long, Long);
        var secondPage = new TaskCompletionSource();
        var listing = cache.Get("k", t => Pages(secondPage.Task, t));

        var partial = await listing.WithinAsync(TimeSpan.FromMilliseconds(50));
        Assert.Equal(["first"], partial);
        Assert.False(listing.IsComplete);

        secondPage.SetResult();
        Assert.Equal(["first", "second"], await cache.Get("k", t => Items(["other"], t)).WithinAsync(Long));
    }

    [Fact]
    public async Task A_renewed_listing_that_is_still_slow_answers_with_the_last_complete_list()
    {
        var clock = new ManualClock();
        var cache = new ListingCache(TimeSpan.FromSeconds(30), Long, clock);
        Assert.Equal(["old"], await cache.Get("k", t => Items(["old"], t)).WithinAsync(Long));
        clock.Advance(TimeSpan.FromMinutes(1));

        var never = new TaskCompletionSource();
        var renewed = cache.Get("k", t => Pages(never.Task, t));
        Assert.Equal(["old"], await renewed.WithinAsync(TimeSpan.FromMilliseconds(50)));
        never.SetResult();
        await renewed.Completion;
        Assert.Equal(["first", "second"], await renewed.WithinAsync(Long));
    }

    [Fact]
    public async Task A_failed_listing_answers_with_what_it_read_and_never_throws()
    {
        var cache = new ListingCache(Long, Long);
        var listing = cache.Get("k", Failing);
        Assert.Equal(["before"], await listing.WithinAsync(Long));
        Assert.False(listing.IsComplete);
        Assert.NotNull(listing.EndedAt);
    }

    [Fact]
    public async Task A_listing_that_runs_too_long_is_stopped()
    {
        var cache = new ListingCache(Long, TimeSpan.FromMilliseconds(50));
        var listing = cache.Get("k", t => Pages(Task.Delay(Timeout.Infinite, t), t));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listing.Completion);
        Assert.Equal(["first"], await listing.WithinAsync(Long));
    }

    private static async IAsyncEnumerable<string> Items(string[] items, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
    }

    private static async IAsyncEnumerable<string> Pages(Task secondPageArrives, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return "first";
        await secondPageArrives.WaitAsync(cancellationToken);
        yield return "second";
    }

    private static async IAsyncEnumerable<string> Failing([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return "before";
        await Task.Yield();
        throw new InvalidOperationException("the second page failed");
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 5, 4, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
