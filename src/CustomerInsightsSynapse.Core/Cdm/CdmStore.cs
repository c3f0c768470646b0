namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>A file seen in a listing of the place a CDM folder lives, with its path relative to the store root.</summary>
public sealed record CdmFileInfo(string Path, long Size, DateTimeOffset? LastModified, string? ETag);

/// <summary>
/// Where a CDM folder's documents and partitions are read from: a local directory or a blob container.
/// Paths are relative to the store root and use '/'.
/// </summary>
internal interface ICdmStore
{
    /// <summary>
    /// Reads a whole document, refusing one larger than <paramref name="maxBytes"/>; null when it does not exist. Its bytes
    /// are the start of an array rented from <see cref="System.Buffers.ArrayPool{T}.Shared"/>, which the caller may return.
    /// </summary>
    Task<ArraySegment<byte>?> ReadAsync(string path, long maxBytes, CancellationToken cancellationToken);

    /// <summary>Every file below <paramref name="prefix"/> (a folder path, "" for the root), at any depth.</summary>
    IAsyncEnumerable<CdmFileInfo> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>The names of the files directly in a folder (not below it).</summary>
    Task<IReadOnlyList<string>> ListFolderAsync(string folder, CancellationToken cancellationToken);

    Task<CdmFileInfo?> GetInfoAsync(string path, CancellationToken cancellationToken);

    /// <summary>True when looking up files one by one is cheap (a local disk), so no listing is taken for explicit partitions.</summary>
    bool HasCheapLookups { get; }

    /// <summary>The absolute location (https URL or full local path) of a path in the store.</summary>
    string ToLocation(string path);

    /// <summary>
    /// The store path of an absolute location (URL or local path), or null when it lies outside the store
    /// (another account or container, or outside the local folder).
    /// </summary>
    string? ToStorePath(string absoluteLocation);
}
