using System.Runtime.InteropServices;

namespace CustomerInsightsSynapse.Core.Store;

/// <summary>
/// What a local store may open: its real path (every symbolic link and junction followed) and, on Unix, the
/// kind of file there, found without opening it, because opening a FIFO blocks until a writer appears.
/// </summary>
internal static class LocalFileChecks
{
    private const int MaxLinkHops = 40;

    public enum FileType
    {
        Missing,
        Regular,
        Directory,
        Other,
    }

    /// <summary>
    /// The path with every link resolved, component by component, so that <c>..</c> in a link target climbs from
    /// where the link really points. Components that do not exist are kept as they are.
    /// </summary>
    public static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var current = Path.GetPathRoot(full)!;
        var pending = new Stack<string>(Components(full[current.Length..]).Reverse());
        var hops = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            var candidate = Path.Combine(current, part);
            if (new FileInfo(candidate).LinkTarget is not { } target)
            {
                current = candidate;
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                throw new IOException($"'{path}' goes through more than {MaxLinkHops} links.");
            }

            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target)!;
                target = target[current.Length..];
            }

            foreach (var targetPart in Components(target).Reverse())
            {
                pending.Push(targetPart);
            }
        }

        return current;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or lies under it (both real paths).</summary>
    public static bool IsInside(string path, string folder)
    {
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var prefix = Path.EndsInDirectorySeparator(folder) ? folder : folder + Path.DirectorySeparatorChar;
        return string.Equals(path, folder, comparison) || path.StartsWith(prefix, comparison);
    }

    /// <summary>The kind of file at a path that has no link in it, without opening it.</summary>
    public static FileType TypeOf(string realPath)
    {
        if (OperatingSystem.IsWindows())
        {
            // No FIFOs or device nodes live in a Windows folder; links were resolved by RealPath.
            return Directory.Exists(realPath) ? FileType.Directory : File.Exists(realPath) ? FileType.Regular : FileType.Missing;
        }

        var status = new byte[UnixStatus.BufferSize];
        if (UnixStatus.LStat(realPath, status) != 0)
        {
            return FileType.Missing;
        }

        return (BitConverter.ToInt32(status, UnixStatus.ModeOffset) & UnixStatus.TypeMask) switch
        {
            UnixStatus.Regular => FileType.Regular,
            UnixStatus.Directory => FileType.Directory,
            _ => FileType.Other,
        };
    }

    private static IEnumerable<string> Components(string path) =>
        path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// lstat through the .NET runtime's own native shim (the one FileSystemInfo uses), whose status record has the
    /// same layout on every Unix and architecture: two 32-bit fields, flags then mode, with portable file-type bits.
    /// </summary>
    private static class UnixStatus
    {
        public const int BufferSize = 256;
        public const int ModeOffset = 4;
        public const int TypeMask = 0xF000;
        public const int Directory = 0x4000;
        public const int Regular = 0x8000;

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", BestFitMapping = false, ThrowOnUnmappableChar = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int LStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] status);
    }
}
