using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>
/// The state of reading one CDM folder: its store, the documents read so far (each parsed once), the byte budget,
/// the folder listing (taken at most once per prefix) and the warnings. Documents a manifest names can be read and
/// parsed ahead, concurrently (<see cref="Prefetch"/>); they are still taken, counted and reported in reading order.
/// </summary>
internal sealed class CdmReadSession : IDisposable
{
    /// <summary>Up to this many explicit partitions are looked up one by one; more are matched against one listing.</summary>
    private const int LookupLimit = 16;

    /// <summary>Documents read ahead at once from blob storage, where each read waits a network round trip.</summary>
    private const int RemoteReadsAhead = 16;

    private readonly Dictionary<string, JsonDocument> _documents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object> _digests = new(StringComparer.Ordinal);
    private readonly HashSet<string> _counted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FolderListing> _listings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PendingRead> _readAhead = new(StringComparer.Ordinal);
    private readonly List<Task> _readers = [];
    private readonly CancellationTokenSource _stop;
    private readonly List<string> _warnings = [];
    private long _bytesRead;
    private long _bytesReadAhead;
    private int _explicitPartitions;

    public CdmReadSession(ICdmStore store, string folderRoot, CdmReaderOptions options, OperationContext context)
    {
        Store = store;
        FolderRoot = folderRoot;
        Options = options;
        Context = context;
        Resolver = new CdmLocationResolver(store, folderRoot);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
    }

    public ICdmStore Store { get; }

    public string FolderRoot { get; }

    public CdmReaderOptions Options { get; }

    public OperationContext Context { get; }

    public CdmLocationResolver Resolver { get; }

    /// <summary>The attribute names of this read, each made into a string once.</summary>
    public CdmNameTable Names { get; } = new();

    public IReadOnlyList<string> Warnings => _warnings;

    public CancellationToken CancellationToken => Context.CancellationToken;

    public string Display(string storePath) => Store.ToLocation(storePath);

    public void Warn(string message)
    {
        _warnings.Add(message);
        Context.Log.Warning(message);
    }

    /// <summary>The parsed document at a store path (read once), or null when there is no such file.</summary>
    public async Task<JsonDocument?> TryLoadAsync(string storePath)
    {
        if (_documents.TryGetValue(storePath, out var cached))
        {
            return cached;
        }

        var taken = await TakeAsync(storePath, digest: null).ConfigureAwait(false);
        if (taken is null)
        {
            return null;
        }

        _documents[storePath] = taken.Json!;
        return taken.Json;
    }

    /// <summary>
    /// What <paramref name="digest"/> makes of the document at a store path, or null when there is no such file. The
    /// document is parsed, digested and released at once (by a read-ahead worker when <see cref="Prefetch"/> was given a
    /// digest for it), so it is not kept in memory; the digest is kept and returned again for the same path. When
    /// <paramref name="readForward"/> is given, it is asked first, with the document's UTF-8 bytes, and the document is
    /// only parsed when it gives null.
    /// </summary>
    public async Task<T?> TryLoadDigestAsync<T>(string storePath, Func<JsonDocument, T> digest, Func<ReadOnlyMemory<byte>, T?>? readForward = null)
        where T : class
    {
        if (_digests.TryGetValue(storePath, out var cached) && cached is T known)
        {
            return known;
        }

        var taken = await TakeAsync(storePath, new Digest(json => digest(json), readForward is null ? null : utf8 => readForward(utf8))).ConfigureAwait(false);
        if (taken is null)
        {
            return null;
        }

        var value = (T)taken.Digest!;
        _digests[storePath] = value;
        return value;
    }

    /// <summary>
    /// The document at a store path as asked for (parsed, or digested), from its read-ahead when that has it, else read
    /// now; null when it does not exist. Its bytes count against the budget the first time the path is taken.
    /// </summary>
    private async Task<ReadAhead?> TakeAsync(string storePath, Digest? digest)
    {
        var display = Display(storePath);
        Context.Log.Verbose($"Reading {display}");
        ReadAhead? ahead = null;
        if (_readAhead.TryRemove(storePath, out var pending))
        {
            if (pending.Queue is { } queue)
            {
                TakeLocal(queue, pending);
            }

            ahead = await pending.Result.Task.WaitAsync(CancellationToken).ConfigureAwait(false);
        }

        if (ahead is { Failure: null, Length: >= 0 } && (digest is null ? ahead.Json is null : ahead.Digest is null))
        {
            // Read ahead in the other form (parsed where a digest is asked for, or the reverse): read it again.
            ahead.Json?.Dispose();
            ahead = null;
        }

        ahead ??= await ReadAsync(storePath, display, digest, CancellationToken).ConfigureAwait(false);
        ahead.Failure?.Throw();
        if (ahead.Length < 0)
        {
            return null;
        }

        if (_counted.Add(storePath))
        {
            _bytesRead += ahead.Length;
        }

        if (_bytesRead > Options.MaxTotalBytes)
        {
            ahead.Json?.Dispose();
            throw new CISynapseException(
                ErrorIds.CdmDocumentTooLarge,
                ErrorKind.LimitsExceeded,
                $"The documents of the CDM folder '{Display(FolderRoot)}' add up to more than the {Options.MaxTotalBytes:N0} bytes this reader accepts (reached at '{display}').",
                display);
        }

        return ahead;
    }

    /// <summary>
    /// Reads and parses documents that will be asked for, several at once (from blob storage in the background; from a
    /// local folder on every core, the caller's included: see <see cref="ReadLocalAhead"/>); what each read gives (a
    /// document or digest, none, or the error) waits for <see cref="TryLoadAsync"/> or <see cref="TryLoadDigestAsync"/>.
    /// Reading ahead stops at the byte budget: the rest is read when asked for, so a folder over the budget fails at the
    /// same document as without reading ahead.
    /// </summary>
    /// <param name="storePaths">The documents, in the order they will be asked for.</param>
    /// <param name="digest">
    /// For documents that will be asked for with <see cref="TryLoadDigestAsync"/>: what to make of each (given its store
    /// path), on the worker that parsed it, which then releases the document. It must not throw: a failure it meets
    /// belongs in what it returns, to be reported when the document is taken.
    /// </param>
    /// <param name="readForward">
    /// With <paramref name="digest"/>: what to make of each from its UTF-8 bytes, asked before the document is parsed;
    /// null when the document must be parsed and given to <paramref name="digest"/> instead.
    /// </param>
    public void Prefetch(IEnumerable<string> storePaths, Func<string, JsonDocument, object>? digest = null, Func<string, ReadOnlyMemory<byte>, object?>? readForward = null)
    {
        var local = Store.HasCheapLookups ? new LocalQueue(digest, readForward) : null;
        var queue = new List<PendingRead>();
        foreach (var path in storePaths)
        {
            var pending = new PendingRead(path, local);
            if (!_documents.ContainsKey(path) && !_digests.ContainsKey(path) && _readAhead.TryAdd(path, pending))
            {
                queue.Add(pending);
            }
        }

        if (queue.Count == 0)
        {
            return;
        }

        if (local is not null)
        {
            local.Items = queue;
            ReadLocalAhead(local);
            return;
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = RemoteReadsAhead, CancellationToken = _stop.Token };
        _readers.Add(Task.Run(async () =>
        {
            try
            {
                await Parallel.ForEachAsync(queue, parallel, async (item, token) => await ReadOneAheadAsync(item, digest, readForward, token).ConfigureAwait(false)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                foreach (var pending in queue)
                {
                    pending.Result.TrySetResult(null);
                }
            }
        }));
    }

    /// <summary>
    /// Starts reading local documents ahead on every core but one, in the order they will be asked for, and returns at
    /// once: the caller, taking them in that order, reads the first one no worker has begun itself, and while a worker
    /// is reading the one it asks for it reads the next one none has begun (<see cref="TakeLocal"/>). Reading a local
    /// document never waits, so every core reads and the caller's own work on each entity overlaps the workers' reads,
    /// without handing each document over from one thread to another.
    /// </summary>
    private void ReadLocalAhead(LocalQueue queue)
    {
        for (var worker = 1; worker < Environment.ProcessorCount; worker++)
        {
            _readers.Add(Task.Run(() =>
            {
                while (!_stop.IsCancellationRequested && ReadNextLocal(queue))
                {
                }
            }));
        }
    }

    /// <summary>Before the caller waits for a local document: reads it when no worker has begun it, else reads others until it is read.</summary>
    private void TakeLocal(LocalQueue queue, PendingRead pending)
    {
        if (pending.TryClaim())
        {
            ReadClaimedLocal(queue, pending);
            return;
        }

        while (!pending.Result.Task.IsCompleted && ReadNextLocal(queue))
        {
        }
    }

    /// <summary>Reads the next local document of the queue that nobody has begun; false when every one has been begun.</summary>
    private bool ReadNextLocal(LocalQueue queue)
    {
        while (queue.TryNext(out var pending))
        {
            if (pending.TryClaim())
            {
                ReadClaimedLocal(queue, pending);
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads a local document (which completes without waiting); cancelled, it is left to be read again when taken.</summary>
    private void ReadClaimedLocal(LocalQueue queue, PendingRead pending)
    {
        try
        {
            ReadOneAheadAsync(pending, queue.Digest, queue.ReadForward, _stop.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            pending.Result.TrySetResult(null);
        }
    }

    private async Task ReadOneAheadAsync(PendingRead pending, Func<string, JsonDocument, object>? digest, Func<string, ReadOnlyMemory<byte>, object?>? readForward, CancellationToken cancellationToken)
    {
        var path = pending.Path;
        if (Interlocked.Read(ref _bytesReadAhead) > Options.MaxTotalBytes)
        {
            pending.Result.TrySetResult(null);
            return;
        }

        var asked = digest is null ? null : new Digest(json => digest(path, json), readForward is null ? null : utf8 => readForward(path, utf8));
        var ahead = await ReadAsync(path, Display(path), asked, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref _bytesReadAhead, Math.Max(ahead.Length, 0));
        if (!pending.Result.TrySetResult(ahead))
        {
            ahead.Json?.Dispose();
        }
    }

    /// <summary>
    /// How many explicit partitions the document being read names in all. Over <see cref="LookupLimit"/>, a store without
    /// cheap lookups describes every partition inside the folder from one listing instead of a request per partition.
    /// </summary>
    public void ExpectExplicitPartitions(int count) => _explicitPartitions = Math.Max(_explicitPartitions, count);

    private async Task<ReadAhead> ReadAsync(string storePath, string display, Digest? digest, CancellationToken cancellationToken)
    {
        try
        {
            if (await Store.ReadAsync(storePath, Options.MaxDocumentBytes, cancellationToken).ConfigureAwait(false) is not { } bytes)
            {
                return new ReadAhead(null, -1, null);
            }

            if (digest is null)
            {
                // The document keeps reading from the rented array, which is left to the garbage collector with it.
                return new ReadAhead(CdmJson.Parse(bytes, display, Options.MaxJsonDepth), bytes.Count, null);
            }

            try
            {
                // Converted once (when UTF-16) for both the forward read and, when that gives nothing, the parse.
                var utf8 = CdmJson.Utf8(bytes);
                if (digest.ReadForward?.Invoke(utf8) is { } read)
                {
                    return new ReadAhead(null, bytes.Count, null, read);
                }

                using var json = CdmJson.Parse(utf8, display, Options.MaxJsonDepth);
                return new ReadAhead(null, bytes.Count, null, digest.FromDocument(json));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(bytes.Array!);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new ReadAhead(null, 0, ExceptionDispatchInfo.Capture(ex));
        }
    }

    /// <summary>The files below a folder, from one listing of the CDM folder (or of the prefix when it lies elsewhere in the store).</summary>
    public async Task<FolderListing> ListingForAsync(string folder)
    {
        var key = IsBelow(folder, FolderRoot) ? FolderRoot : folder;
        if (_listings.TryGetValue(key, out var listing))
        {
            return listing;
        }

        Context.Log.Verbose($"Listing {Display(key)}");
        var files = new List<CdmFileInfo>();
        await foreach (var file in Store.ListAsync(key, CancellationToken).ConfigureAwait(false))
        {
            files.Add(file);
            if (files.Count % 5000 == 0)
            {
                Context.Progress.Report(new OperationProgress(ProgressIds.CdmPartitionListing, "Listing partitions", $"{files.Count:N0} files in {Display(key)}"));
            }
        }

        listing = new FolderListing(files);
        _listings[key] = listing;
        return listing;
    }

    /// <summary>Fills size, last-modified time and ETag of explicit partitions (with their store paths).</summary>
    public async Task<List<CdmPartition>> DescribeAsync(List<(string StorePath, CdmPartition Partition)> partitions, string entity)
    {
        var result = new List<CdmPartition>(partitions.Count);
        var useListing = Math.Max(partitions.Count, _explicitPartitions) > LookupLimit && !Store.HasCheapLookups;
        foreach (var (path, partition) in partitions)
        {
            CancellationToken.ThrowIfCancellationRequested();
            var info = useListing && IsBelow(path, FolderRoot)
                ? (await ListingForAsync(FolderRoot).ConfigureAwait(false)).Find(path)
                : await Store.GetInfoAsync(path, CancellationToken).ConfigureAwait(false);
            if (info is null)
            {
                Warn($"The partition '{partition.Location}' of entity '{entity}' does not exist.");
                result.Add(partition);
                continue;
            }

            result.Add(partition with { Size = info.Size, LastModified = info.LastModified, ETag = info.ETag });
        }

        return result;
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            Task.WaitAll(_readers.ToArray());
        }
        catch (AggregateException)
        {
        }

        foreach (var pending in _readAhead.Values)
        {
            if (pending.Result.Task.IsCompletedSuccessfully)
            {
                pending.Result.Task.Result?.Json?.Dispose();
            }
        }

        foreach (var document in _documents.Values)
        {
            document.Dispose();
        }

        _readAhead.Clear();
        _documents.Clear();
        _digests.Clear();
        _stop.Dispose();
    }

    /// <summary>What is made of a document that is released once read: from its UTF-8 bytes when that gives something, else from it parsed.</summary>
    private sealed record Digest(Func<JsonDocument, object> FromDocument, Func<ReadOnlyMemory<byte>, object?>? ReadForward);

    /// <summary>A document to be read ahead and what its read gives; a local one (with its <see cref="Queue"/>) is read by whoever claims it first.</summary>
    private sealed class PendingRead(string path, LocalQueue? queue)
    {
        private int _claimed;

        public string Path { get; } = path;

        public LocalQueue? Queue { get; } = queue;

        public TaskCompletionSource<ReadAhead?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>True for the one caller that is to read it.</summary>
        public bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;
    }

    /// <summary>The local documents of one <see cref="Prefetch"/>, in reading order, and what to make of each.</summary>
    private sealed class LocalQueue(Func<string, JsonDocument, object>? digest, Func<string, ReadOnlyMemory<byte>, object?>? readForward)
    {
        private int _next = -1;

        public List<PendingRead> Items { get; set; } = [];

        public Func<string, JsonDocument, object>? Digest { get; } = digest;

        public Func<string, ReadOnlyMemory<byte>, object?>? ReadForward { get; } = readForward;

        /// <summary>The next document in reading order not yet handed out by this method (it may have been claimed when taken).</summary>
        public bool TryNext(out PendingRead pending)
        {
            var index = Interlocked.Increment(ref _next);
            pending = index < Items.Count ? Items[index] : null!;
            return index < Items.Count;
        }
    }

    /// <summary>A document read ahead: parsed or digested, absent (Length -1), or the error its read or parse gave.</summary>
    private sealed record ReadAhead(JsonDocument? Json, int Length, ExceptionDispatchInfo? Failure, object? Digest = null);

    public static bool IsBelow(string path, string folder) =>
        folder.Length == 0 || path.Equals(folder, StringComparison.Ordinal) || path.StartsWith(folder + "/", StringComparison.Ordinal);
}
