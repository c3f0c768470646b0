using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using CustomerInsightsSynapse.Core.Cdm;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Tests.Cdm;

/// <summary>
/// Local entity documents are read ahead by workers while the reader takes them in order: the read-ahead returns at
/// once, a document no worker has begun is read by the reader that asks for it (into what the read-ahead makes of it),
/// and every document is read once.
/// </summary>
public sealed class LocalReadAheadTests
{
    private static readonly string[] Documents = ["a.cdm.json", "b.cdm.json", "c.cdm.json"];

    [Fact]
    public async Task TheReadAheadReturnsWhileADocumentIsStillBeingReadAndTheReaderReadsTheOthersAsTheReadAheadWould()
    {
        var store = new GatedStore("a.cdm.json");
        using var session = new CdmReadSession(store, string.Empty, CdmReaderOptions.Default, OperationContext.None);
        try
        {
            var prefetch = Task.Run(() => session.Prefetch(Documents, (path, _) => "parsed ahead " + path, (path, _) => "read ahead " + path));
            Assert.True(await CompletesAsync(prefetch), "the read-ahead waited for a document that was not read yet");

            Assert.Equal("read ahead b.cdm.json", await TakeAsync(session, "b.cdm.json"));
            Assert.Equal("read ahead c.cdm.json", await TakeAsync(session, "c.cdm.json"));
        }
        finally
        {
            store.Open();
        }

        Assert.Equal("read ahead a.cdm.json", await TakeAsync(session, "a.cdm.json"));
        Assert.All(Documents, d => Assert.Equal(1, store.Reads.GetValueOrDefault(d)));
    }

    private static Task<string?> TakeAsync(CdmReadSession session, string path) =>
        session.TryLoadDigestAsync(path, _ => "parsed when taken " + path, _ => "read when taken " + path);

    private static async Task<bool> CompletesAsync(Task task)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!task.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.WhenAny(task, Task.Delay(50));
        }

        return task.IsCompleted;
    }

    /// <summary>A local-like store (cheap lookups, reads that complete without waiting) whose one gated document is read only once the gate opens.</summary>
    private sealed class GatedStore(string gated) : ICdmStore
    {
        private readonly ManualResetEventSlim _gate = new();

        public ConcurrentDictionary<string, int> Reads { get; } = new(StringComparer.Ordinal);

        public bool HasCheapLookups => true;

        public void Open() => _gate.Set();

        public Task<ArraySegment<byte>?> ReadAsync(string path, long maxBytes, CancellationToken cancellationToken)
        {
            if (path == gated)
            {
                _gate.Wait(cancellationToken);
            }

            Reads.AddOrUpdate(path, 1, (_, n) => n + 1);
            var json = Encoding.UTF8.GetBytes("{}");
            var buffer = ArrayPool<byte>.Shared.Rent(json.Length);
            json.CopyTo(buffer, 0);
            return Task.FromResult<ArraySegment<byte>?>(new ArraySegment<byte>(buffer, 0, json.Length));
        }

        public async IAsyncEnumerable<CdmFileInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.CompletedTask;
            yield break;
        }

        public Task<IReadOnlyList<string>> ListFolderAsync(string folder, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>(Documents);

        public Task<CdmFileInfo?> GetInfoAsync(string path, CancellationToken cancellationToken) => Task.FromResult<CdmFileInfo?>(null);

        public string ToLocation(string path) => "/store/" + path;

        public string? ToStorePath(string absoluteLocation) => null;
    }
}
