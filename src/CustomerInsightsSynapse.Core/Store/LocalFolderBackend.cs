using System.Diagnostics;
using System.Security.Cryptography;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.FileSystem;

namespace CustomerInsightsSynapse.Core.Store;

/// <summary>
/// Documents as files in a local folder, one sub-folder per kind. Every write takes a cross-process lock
/// (a lock file opened exclusively), checks the version tag, writes a temporary file in the same folder,
/// flushes it to disk and renames it over the document, so a reader sees the old or the new document, never
/// half of one. Folders are created readable only by their owner (700) and files likewise (600) on Unix;
/// on Windows the per-user profile folder already restricts them.
/// The version tag is the SHA-256 of the file, and every document the store writes carries a write id of its
/// own (<see cref="DefinitionStore"/>), so a tag names one write: equal bytes never pass for another writer's
/// write. A call here has no answer to lose (the rename is done or it threw), so no recovery step is needed.
/// Only regular files whose real path lies inside the store folder are opened, after their length is checked.
/// </summary>
public sealed class LocalFolderBackend : IDocumentBackend
{
    internal const string LockFileName = ".store.lock";
    internal const string TempPrefix = ".tmp-";

    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private string? _realRoot;

    public LocalFolderBackend(string root, TimeSpan? lockTimeout = null)
    {
        Root = Path.GetFullPath(root);
        LockTimeout = lockTimeout ?? TimeSpan.FromSeconds(30);
    }

    public string Root { get; }

    public TimeSpan LockTimeout { get; }

    public string Location => Root;

    /// <summary>Test seam: the largest document read, <see cref="StoreLimits.MaxDocumentBytes"/> unless a test lowers it.</summary>
    internal long MaxDocumentBytes { get; init; } = StoreLimits.MaxDocumentBytes;

    /// <summary>Test seam: runs after the temporary file is written and flushed, before the rename.</summary>
    internal Action<string>? AfterTempFileWritten { get; set; }

    public string Describe(string folder, string fileName) => Path.Combine(Root, folder, fileName);

    public async Task<RawDocument?> ReadAsync(string folder, string fileName, CancellationToken cancellationToken)
    {
        var path = Describe(folder, fileName);
        byte[] bytes;
        try
        {
            var realPath = CheckedRealPath(path);
            // The type is read without opening the file: opening a FIFO blocks until a writer appears.
            if (!IsRegularFile(realPath, out var exists))
            {
                return exists ? throw NotRegularFile(path) : null;
            }

            using var handle = File.OpenHandle(realPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);
            var length = RandomAccess.GetLength(handle);
            if (length > MaxDocumentBytes)
            {
                throw StoreLimits.TooLarge(path, length, MaxDocumentBytes);
            }

            // One array sized from the file's length: a document is never buffered twice.
            bytes = new byte[length];
            var read = 0;
            while (read < bytes.Length)
            {
                var n = await RandomAccess.ReadAsync(handle, bytes.AsMemory(read), read, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            if (read < bytes.Length)
            {
                bytes = bytes[..read];
            }
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException ex)
        {
            throw AccessDenied(path, ex);
        }

        return new RawDocument(bytes, TagOf(bytes), path);
    }

    public Task<IReadOnlyList<string>> ListAsync(string folder, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Root, folder);
        try
        {
            IReadOnlyList<string> names = Directory.EnumerateFiles(directory, "*.json")
                .Select(Path.GetFileName)
                .Where(n => n is not null && !n.StartsWith(TempPrefix, StringComparison.Ordinal))
                .Select(n => n!)
                .OrderBy(n => n, StringComparer.Ordinal)
                .ToArray();
            return Task.FromResult(names);
        }
        catch (DirectoryNotFoundException)
        {
            return Task.FromResult<IReadOnlyList<string>>([]);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw AccessDenied(directory, ex);
        }
    }

    public async Task<WriteResult> WriteAsync(string folder, string fileName, byte[] content, string? expectedTag, CancellationToken cancellationToken)
    {
        EnsureFolder(Root);
        var directory = EnsureFolder(Path.Combine(Root, folder));
        using var storeLock = await AcquireLockAsync(cancellationToken).ConfigureAwait(false);
        var current = await ReadAsync(folder, fileName, cancellationToken).ConfigureAwait(false);
        RemoveAbandonedTempFiles(directory);
        var target = Path.Combine(directory, fileName);
        var refusal = (current, expectedTag) switch
        {
            (not null, null) => WriteOutcome.AlreadyExists,
            (null, not null) => WriteOutcome.Missing,
            (not null, not null) when current.Tag != expectedTag => WriteOutcome.Changed,
            _ => (WriteOutcome?)null,
        };
        if (refusal is { } outcome)
        {
            return new WriteResult(outcome, current?.Tag);
        }

        var temp = Path.Combine(directory, TempPrefix + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnlyFile;
            }

            await using (var stream = new FileStream(temp, options))
            {
                await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            AfterTempFileWritten?.Invoke(temp);
            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        return new WriteResult(WriteOutcome.Written, TagOf(content));
    }

    public async Task<WriteOutcome> DeleteAsync(string folder, string fileName, string expectedTag, CancellationToken cancellationToken)
    {
        using var storeLock = await AcquireLockAsync(cancellationToken).ConfigureAwait(false);
        var current = await ReadAsync(folder, fileName, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return WriteOutcome.Missing;
        }

        if (current.Tag != expectedTag)
        {
            return WriteOutcome.Changed;
        }

        File.Delete(current.Location);
        return WriteOutcome.Written;
    }

    /// <summary>
    /// Takes the store's lock: the lock file opened with no sharing, which other processes (and other
    /// instances in this one) cannot open until it is closed. Waits at most <see cref="LockTimeout"/>.
    /// </summary>
    private async Task<FileStream> AcquireLockAsync(CancellationToken cancellationToken)
    {
        EnsureFolder(Root);
        var path = Path.Combine(Root, LockFileName);
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        var clock = Stopwatch.StartNew();
        var delay = 5;
        while (true)
        {
            try
            {
                return new FileStream(path, options);
            }
            catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException and not PathTooLongException)
            {
                if (clock.Elapsed >= LockTimeout)
                {
                    throw new CISynapseException(
                        ErrorIds.StoreLockTimeout,
                        ErrorKind.OperationTimeout,
                        $"The definition store '{Root}' stayed locked by another process for {LockTimeout.TotalSeconds:0} s; nothing was written.",
                        path,
                        ex)
                    {
                        RecommendedAction = "Try again. If no other PowerShell session or runbook is using the store, a hung process holds the lock file; end it.",
                    };
                }
            }
            catch (UnauthorizedAccessException ex)
            {
                throw AccessDenied(path, ex);
            }

            await Task.Delay(Random.Shared.Next(delay, delay * 2), cancellationToken).ConfigureAwait(false);
            delay = Math.Min(delay * 2, 100);
        }
    }

    /// <summary>Temporary files left by a writer that died before its rename; only called under the lock.</summary>
    private static void RemoveAbandonedTempFiles(string directory)
    {
        foreach (var temp in Directory.EnumerateFiles(directory, TempPrefix + "*"))
        {
            TryDelete(temp);
        }
    }

    private static string EnsureFolder(string path)
    {
        if (!Directory.Exists(path))
        {
            try
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(path);
                }
                else
                {
                    Directory.CreateDirectory(path, OwnerOnlyFolder);
                }
            }
            catch (UnauthorizedAccessException ex)
            {
                throw AccessDenied(path, ex);
            }
            catch (IOException ex)
            {
                throw new CISynapseException(ErrorIds.StoreUnavailable, ErrorKind.InvalidOperation, $"The store folder '{path}' cannot be created: {ex.Message}", path, ex);
            }
        }

        return path;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static bool IsRegularFile(string realPath, out bool exists)
    {
        UnixFileStatus? status;
        try
        {
            status = UnixFileStatus.OfPath(realPath);
        }
        catch (IOException)
        {
            exists = false;
            return false;
        }

        if (status is { } known)
        {
            exists = true;
            return known.Type == UnixFileType.Regular;
        }

        exists = File.Exists(realPath) || Directory.Exists(realPath);
        return File.Exists(realPath);
    }

    /// <summary>
    /// The real path of a document (links followed), refused unless it lies inside the store folder's real path:
    /// a link in the store cannot make the module read, or write, a file elsewhere.
    /// </summary>
    private string CheckedRealPath(string path)
    {
        string realPath;
        try
        {
            _realRoot ??= RealPaths.Resolve(Root);
            realPath = RealPaths.Resolve(path);
        }
        catch (IOException)
        {
            throw NotRegularFile(path);
        }

        if (!RealPaths.IsInside(realPath, _realRoot))
        {
            throw new CISynapseException(
                ErrorIds.StoreDocumentOutsideStore,
                ErrorKind.SecurityError,
                $"The stored document '{path}' is a link to '{realPath}', outside the store folder '{Root}'. It was not read and was left as it is.",
                path)
            {
                RecommendedAction = "Remove the link from the store folder: the store reads and writes only files inside it.",
            };
        }

        return realPath;
    }

    private static CISynapseException NotRegularFile(string path) =>
        new(
            ErrorIds.StoreDocumentNotRegularFile,
            ErrorKind.InvalidData,
            $"The stored document '{path}' is not a regular file (a FIFO, device, socket, folder or link loop). It was not opened and was left as it is.",
            path)
        {
            RecommendedAction = "Remove it from the store folder: the store reads only regular files.",
        };

    private static string TagOf(byte[] content) => Convert.ToHexString(SHA256.HashData(content));

    private static CISynapseException AccessDenied(string path, Exception inner) =>
        new(ErrorIds.StoreUnavailable, ErrorKind.PermissionDenied, $"The definition store path '{path}' cannot be accessed: {inner.Message}", path, inner);
}
