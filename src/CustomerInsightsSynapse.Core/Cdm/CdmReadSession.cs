using System.Text.Json;
using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>
/// The state of reading one CDM folder: its store, the documents read so far (each parsed once), the byte budget,
/// the folder listing (taken at most once per prefix) and the warnings.
/// </summary>
internal sealed class CdmReadSession : IDisposable
{
    /// <summary>Up to this many explicit partitions are looked up one by one; more are matched against one listing.</summary>
    private const int LookupLimit = 16;

    private readonly Dictionary<string, JsonDocument> _documents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FolderListing> _listings = new(StringComparer.Ordinal);
    private readonly List<string> _warnings = [];
    private long _bytesRead;

    public CdmReadSession(ICdmStore store, string folderRoot, CdmReaderOptions options, OperationContext context)
    {
        Store = store;
        FolderRoot = folderRoot;
        Options = options;
        Context = context;
        Resolver = new CdmLocationResolver(store, folderRoot);
    }

    public ICdmStore Store { get; }

    public string FolderRoot { get; }

    public CdmReaderOptions Options { get; }

    public OperationContext Context { get; }

    public CdmLocationResolver Resolver { get; }

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

        var display = Display(storePath);
        Context.Log.Verbose($"Reading {display}");
        var bytes = await Store.ReadAsync(storePath, Options.MaxDocumentBytes, CancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return null;
        }

        _bytesRead += bytes.Length;
        if (_bytesRead > Options.MaxTotalBytes)
        {
            throw new CISynapseException(
                ErrorIds.CdmDocumentTooLarge,
                ErrorKind.LimitsExceeded,
                $"The documents of the CDM folder '{Display(FolderRoot)}' add up to more than the {Options.MaxTotalBytes:N0} bytes this reader accepts (reached at '{display}').",
                display);
        }

        var json = CdmJson.Parse(bytes, display, Options.MaxJsonDepth);
        _documents[storePath] = json;
        return json;
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
        var useListing = partitions.Count > LookupLimit && !Store.HasCheapLookups;
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
        foreach (var document in _documents.Values)
        {
            document.Dispose();
        }

        _documents.Clear();
    }

    public static bool IsBelow(string path, string folder) =>
        folder.Length == 0 || path.Equals(folder, StringComparison.Ordinal) || path.StartsWith(folder + "/", StringComparison.Ordinal);
}
