using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using CustomerInsightsSynapse.Core.FileSystem;

namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>
/// A CDM folder on a local disk; the root is the folder that holds the root document. Every document is read under
/// <see cref="LocalSourceFiles"/>' rule (a regular file inside the root once every link is resolved).
/// </summary>
internal sealed class LocalCdmStore : ICdmStore
{
    private readonly string _root;
    private readonly string _rootWithSeparator;

    public LocalCdmStore(string root)
    {
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        _rootWithSeparator = _root + Path.DirectorySeparatorChar;
        RealRoot = RealPaths.Resolve(_root);
    }

    /// <summary>The root with every symbolic link and junction resolved: no file outside it is read.</summary>
    public string RealRoot { get; }

    /// <summary>The folders this read has resolved (a store serves one read), so each file's folder is resolved once.</summary>
    public ConcurrentDictionary<string, string> ResolvedFolders { get; } = new(StringComparer.Ordinal);

    private static StringComparison PathComparison =>
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    public bool HasCheapLookups => true;

    public Task<ArraySegment<byte>?> ReadAsync(string path, long maxBytes, CancellationToken cancellationToken)
    {
        var full = ToLocation(path);
        if (!File.Exists(full))
        {
            return Task.FromResult<ArraySegment<byte>?>(null);
        }

        try
        {
            // Documents are read whole and synchronously: on Linux an asynchronous file read is a thread-pool hop per
            // call, which costs more than the read of a CDM document.
            cancellationToken.ThrowIfCancellationRequested();
            using var stream = LocalSourceFiles.Open(RealRoot, full, "the CDM document", 1, FileOptions.None, ResolvedFolders);
            if (stream.Length > maxBytes)
            {
                throw CdmErrors.TooLarge(full, stream.Length, maxBytes);
            }

            var length = (int)stream.Length;
            var buffer = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                stream.ReadExactly(buffer, 0, length);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(buffer);
                throw;
            }

            return Task.FromResult<ArraySegment<byte>?>(new ArraySegment<byte>(buffer, 0, length));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw CdmErrors.Unreadable(full, ex);
        }
    }

    public async IAsyncEnumerable<CdmFileInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var folder = ToLocation(prefix);
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", options))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Info(file);
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task<IReadOnlyList<string>> ListFolderAsync(string folder, CancellationToken cancellationToken)
    {
        var full = ToLocation(folder);
        IReadOnlyList<string> names = Directory.Exists(full)
            ? Directory.EnumerateFiles(full).Select(f => Path.GetFileName(f)).ToList()
            : [];
        return Task.FromResult(names);
    }

    public Task<CdmFileInfo?> GetInfoAsync(string path, CancellationToken cancellationToken)
    {
        var file = new FileInfo(ToLocation(path));
        return Task.FromResult(file.Exists ? Info(file) : null);
    }

    public string ToLocation(string path) =>
        path.Length == 0 ? _root : Path.Combine(_root, path.Replace('/', Path.DirectorySeparatorChar));

    public string? ToStorePath(string absoluteLocation)
    {
        if (!Path.IsPathFullyQualified(absoluteLocation))
        {
            return null;
        }

        var full = Path.GetFullPath(absoluteLocation);
        if (!full.StartsWith(_rootWithSeparator, PathComparison))
        {
            return null;
        }

        return full[_rootWithSeparator.Length..].Replace(Path.DirectorySeparatorChar, '/');
    }

    private CdmFileInfo Info(FileInfo file) =>
        new(ToStorePath(file.FullName) ?? file.Name, file.Length, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero), null);
}
