using System.Collections.Concurrent;

namespace CustomerInsightsSynapse.Core.FileSystem;

/// <summary>
/// Real paths of local files, the one rule for every local file the module reads (CDM sources, the definition
/// store): every symbolic link and junction in every component followed, so that <c>..</c> in a link target climbs
/// from where the link really points.
/// </summary>
internal static class RealPaths
{
    private const int MaxLinkHops = 40;

    private static StringComparison PathComparison =>
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>The path with every link in every component resolved, as realpath(3) gives it (the last components may not exist).</summary>
    public static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        return Walk(path, root, Components(full[root.Length..]));
    }

    /// <summary>
    /// <see cref="Resolve(string)"/> for a path whose folder was resolved before in <paramref name="resolvedFolders"/> (one
    /// read's folders, keyed by their full path): only the last component is resolved again (its link, if it is one,
    /// followed as <see cref="Resolve(string)"/> follows it). Folders resolved are added.
    /// </summary>
    public static string Resolve(string path, ConcurrentDictionary<string, string> resolvedFolders)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full);
        var name = Path.GetFileName(full);
        if (folder is null || name is "" or "." or "..")
        {
            return Resolve(full);
        }

        if (!resolvedFolders.TryGetValue(folder, out var realFolder))
        {
            realFolder = Resolve(folder, resolvedFolders);
            resolvedFolders.TryAdd(folder, realFolder);
        }

        return Walk(path, realFolder, [name]);
    }

    /// <summary>Follows <paramref name="components"/> from <paramref name="start"/>, a path with no link in it.</summary>
    private static string Walk(string path, string start, IEnumerable<string> components)
    {
        var current = start;
        var pending = new Stack<string>(components.Reverse());
        var hops = 0;
        while (pending.TryPop(out var component))
        {
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
                throw new IOException($"'{path}' goes through more than {MaxLinkHops} symbolic links.");
            }

            if (Path.IsPathFullyQualified(target))
            {
                current = Path.GetPathRoot(target)!;
                target = target[current.Length..];
            }

            foreach (var part in Components(target).Reverse())
            {
                pending.Push(part);
            }
        }

        return Path.TrimEndingDirectorySeparator(current);
    }

    /// <summary>True when <paramref name="realPath"/> lies under <paramref name="realFolder"/> (both resolved; the folder itself is not inside).</summary>
    public static bool IsInside(string realPath, string realFolder) =>
        realPath.StartsWith(Path.TrimEndingDirectorySeparator(realFolder) + Path.DirectorySeparatorChar, PathComparison);

    private static IEnumerable<string> Components(string path) =>
        path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
}
