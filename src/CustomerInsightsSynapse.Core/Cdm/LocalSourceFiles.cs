using System.Collections.Concurrent;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.FileSystem;

namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>
/// The rule for every file read from a local CDM folder (documents and partitions): after resolving every
/// symbolic link and junction in every path component, it is a regular file inside the folder's own resolved
/// path, with one hard link (on Linux and macOS; Windows reports no link count to .NET, so there only the path
/// rule holds). Links that stay inside the folder are followed. <see cref="Open"/> checks again on the opened
/// handle (its identity against the checked file's; on Windows, its path resolved again), so a file swapped between
/// the check and the open is refused too.
/// </summary>
internal static class LocalSourceFiles
{
    /// <summary>Refuses <paramref name="path"/> unless it is one regular file inside <paramref name="realFolder"/>; returns its real path and status.</summary>
    /// <param name="realFolder">The CDM folder, already resolved with <see cref="RealPaths.Resolve(string)"/>.</param>
    /// <param name="path">The file as the CDM folder names it.</param>
    /// <param name="item">What the file is, for the message ("the partition of entity 'y'").</param>
    /// <param name="resolvedFolders">Folders already resolved in this read (see <see cref="RealPaths.Resolve(string, ConcurrentDictionary{string, string})"/>); null resolves every component.</param>
    public static (string RealPath, UnixFileStatus? Status) Verify(string? realFolder, string path, string item, ConcurrentDictionary<string, string>? resolvedFolders = null)
    {
        if (realFolder is null)
        {
            throw OutsideFolder(path, item, "(none)", "no CDM folder is known for it, so it cannot be shown to be inside one");
        }

        string real;
        try
        {
            real = resolvedFolders is null ? RealPaths.Resolve(path) : RealPaths.Resolve(path, resolvedFolders);
        }
        catch (IOException ex)
        {
            throw OutsideFolder(path, item, realFolder, ex.Message);
        }

        if (!RealPaths.IsInside(real, realFolder))
        {
            throw OutsideFolder(path, item, realFolder, "it resolves (through a symbolic link or junction) to a file outside that folder");
        }

        UnixFileStatus? status;
        try
        {
            status = UnixFileStatus.OfPath(real);
        }
        catch (IOException ex)
        {
            throw NotRegular(path, item, ex.Message);
        }

        RequireRegular(path, item, status, exists: status is not null || File.Exists(real));
        return (real, status);
    }

    /// <summary>Opens a file for reading after <see cref="Verify"/>, and verifies the opened handle is the file that was checked.</summary>
    public static FileStream Open(string? realFolder, string path, string item, int bufferSize, FileOptions options, ConcurrentDictionary<string, string>? resolvedFolders = null)
    {
        var (real, before) = Verify(realFolder, path, item, resolvedFolders);
        var folder = realFolder!;
        var stream = new FileStream(real, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize, options);
        try
        {
            var opened = UnixFileStatus.OfHandle(stream.SafeFileHandle, path);
            RequireRegular(path, item, opened, exists: true);
            // Where the system reports a file's identity (Linux, macOS), the handle being the file checked proves it is
            // inside: a file or folder swapped after the check opens another file. Windows reports none: there the path
            // is resolved again once the file is open.
            var replaced = before is { } b && opened is { } o ? !b.SameFileAs(o) : !RealPaths.IsInside(RealPaths.Resolve(real), folder);
            if (replaced)
            {
                throw OutsideFolder(path, item, folder, "it was replaced while it was being opened");
            }

            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static void RequireRegular(string path, string item, UnixFileStatus? status, bool exists)
    {
        if (status is { Type: not UnixFileType.Regular } || (status is null && !exists))
        {
            throw NotRegular(path, item, "it is not a regular file (a directory, a pipe, a device or a socket)");
        }

        if (status is { Links: > 1 } s)
        {
            throw NotRegular(path, item, $"it has {s.Links} hard links, so it may be a file from outside the folder");
        }
    }

    public static string PartitionItem(string entity) => $"the partition of entity '{entity}'";

    private static CISynapseException OutsideFolder(string path, string item, string folder, string reason) =>
        new(ErrorIds.SourceFileOutsideFolder, ErrorKind.SecurityError, $"{Capitalized(item)} at '{path}' is refused: {reason}. The CDM folder is '{folder}'; no file outside it is read.", path)
        {
            RecommendedAction = "Copy the file into the CDM folder instead of linking to it, or remove the link.",
        };

    private static CISynapseException NotRegular(string path, string item, string reason) =>
        new(ErrorIds.SourceFileNotRegular, ErrorKind.SecurityError, $"{Capitalized(item)} at '{path}' is refused: {reason}.", path)
        {
            RecommendedAction = "Replace the entry with an ordinary file (a copy, not a hard link) in the CDM folder.",
        };

    private static string Capitalized(string item) => item.Length == 0 ? item : char.ToUpperInvariant(item[0]) + item[1..];
}
