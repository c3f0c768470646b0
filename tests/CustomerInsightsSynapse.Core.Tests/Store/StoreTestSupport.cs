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
