using CustomerInsightsSynapse.Core.Diagnostics;

namespace CustomerInsightsSynapse.Core.Cdm;

/// <summary>
/// The rule for every file read from a local CDM folder (documents and partitions): after resolving every
/// symbolic link and junction in every path component, it is a regular file inside the folder's own resolved
/// path, with one hard link (on Linux and macOS; Windows reports no link count to .NET, so there only the path
/// rule holds). Links that stay inside the folder are followed. <see cref="Open"/> checks again on the opened
/// handle, so a file swapped between the check and the open is refused too.
/// </summary>
internal static class LocalSourceFiles
{
    private const int MaxLinkHops = 40;

    private static StringComparison PathComparison =>
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>The path with every link in every component resolved, as realpath(3) gives it (the last components may not exist).</summary>
    public static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var current = Path.GetPathRoot(full)!;
        var pending = new LinkedList<string>(Components(full[current.Length..]));
        var hops = 0;
        while (pending.First is { } first)
        {
            pending.RemoveFirst();
            var component = first.Value;
            if (component == ".")
            {
                continue;
            }

            if (component == "..")
            {
                current = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(current)) ?? current;
                continue;
            }

            var next = Path.Combine(current, component);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                throw new IOException($"Too many symbolic links in '{path}'.");
            }

            if (Path.IsPathFullyQualified(target))
            {
                current = Path.GetPathRoot(target)!;
                target = target[current.Length..];
            }

            foreach (var part in Components(target).Reverse())
            {
                pending.AddFirst(part);
            }
        }

        return Path.TrimEndingDirectorySeparator(current);
    }

    public static bool IsInside(string realPath, string realFolder) =>
        realPath.StartsWith(Path.TrimEndingDirectorySeparator(realFolder) + Path.DirectorySeparatorChar, PathComparison);

    /// <summary>Refuses <paramref name="path"/> unless it is one regular file inside <paramref name="realFolder"/>; returns its real path and status.</summary>
    /// <param name="realFolder">The CDM folder, already resolved with <see cref="RealPath"/>.</param>
    /// <param name="path">The file as the CDM folder names it.</param>
    /// <param name="item">What the file is, for the message ("the partition of entity 'y'").</param>
    public static (string RealPath, UnixFileStatus? Status) Verify(string? realFolder, string path, string item)
    {
        if (realFolder is null)
        {
            throw OutsideFolder(path, item, "(none)", "no CDM folder is known for it, so it cannot be shown to be inside one");
        }

        string real;
        try
        {
            real = RealPath(path);
        }
        catch (IOException ex)
        {
            throw OutsideFolder(path, item, realFolder, ex.Message);
        }

        if (!IsInside(real, realFolder))
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

        RequireRegular(path, item, status, File.Exists(real));
        return (real, status);
    }

    /// <summary>Opens a file for reading after <see cref="Verify"/>, and verifies the opened handle is the file that was checked.</summary>
    public static FileStream Open(string? realFolder, string path, string item, int bufferSize, FileOptions options)
    {
        var (real, before) = Verify(realFolder, path, item);
        var folder = realFolder!;
        var stream = new FileStream(real, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize, options);
        try
        {
            var opened = UnixFileStatus.OfHandle(stream.SafeFileHandle, path);
            RequireRegular(path, item, opened, exists: true);
            var after = RealPath(real);
            if ((before is { } b && opened is { } o && !b.SameFileAs(o)) || !IsInside(after, folder))
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

    private static IEnumerable<string> Components(string path) =>
        path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);

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
