using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Core.Tests.Store;

/// <summary>A throwaway local store folder, deleted on dispose.</summary>
public sealed class TempStoreFolder : IDisposable
{
    public TempStoreFolder() => Path = Directory.CreateTempSubdirectory("cisynapse-store-").FullName;

    public string Path { get; }

    public DefinitionStore Open(TimeSpan? lockTimeout = null) => new(new LocalFolderBackend(Path, lockTimeout));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A simple content type for store tests.</summary>
public sealed record Counter(int Value, string? Note = null);

public static class TestKinds
{
    public static readonly DocumentKind<Counter> Counters = new("counters", 1);
}

/// <summary>A clock that never moves, so that two writers of one change compute the same document.</summary>
public sealed class FrozenClock(DateTimeOffset now) : TimeProvider
{
    public static readonly FrozenClock Noon = new(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));

    public override DateTimeOffset GetUtcNow() => now;
}

public static class StoreRaces
{
    /// <summary>
    /// Writers that each add one to a shared counter, reading it again and retrying on
    /// <see cref="ErrorIds.StoreConflict"/>, as every read-modify-write caller of the store does.
    /// Every writer reads the same first revision before any of them writes, so all but one must meet a conflict
    /// at least once, however the machine schedules them. Returns how many conflicts they met.
    /// </summary>
    public static async Task<int> IncrementConcurrentlyAsync(Func<DefinitionStore> open, string name, int writers, int incrementsEach)
    {
        var conflicts = 0;
        var notYetRead = writers;
        var allHaveRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            var store = open();
            for (var i = 0; i < incrementsEach; i++)
            {
                while (true)
                {
                    var current = (await store.GetAsync(TestKinds.Counters, name, default))!;
                    if (i == 0 && !allHaveRead.Task.IsCompleted)
                    {
                        if (Interlocked.Decrement(ref notYetRead) == 0)
                        {
                            allHaveRead.SetResult();
                        }

                        await allHaveRead.Task;
                    }

                    try
                    {
                        await store.UpdateAsync(TestKinds.Counters, name, current.Revision, current.Content with { Value = current.Content.Value + 1 }, "same-writer", default);
                        break;
                    }
                    catch (CISynapseException ex) when (ex.ErrorId == ErrorIds.StoreConflict)
                    {
                        Interlocked.Increment(ref conflicts);
                    }
                }
            }
        })));
        return conflicts;
    }
}
