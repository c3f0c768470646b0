using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CustomerInsightsSynapse.Core.FileSystem;

/// <summary>What kind of file system entry a path names, as lstat/fstat reports it.</summary>
internal enum UnixFileType
{
    Regular,
    Directory,
    SymbolicLink,
    Other,
}

/// <summary>
/// The type, hard-link count and identity (device and inode) of a file, which .NET does not expose: read with
/// statx(2) on Linux and lstat/fstat on macOS (both have a layout fixed across architectures). Null on Windows.
/// </summary>
internal readonly record struct UnixFileStatus(UnixFileType Type, ulong Links, ulong Device, ulong Inode)
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1, StatxMode = 0x2, StatxNlink = 0x4, StatxIno = 0x100;
    private const int StatxBufferSize = 256;
    private const int DarwinStatBufferSize = 144;

    public bool SameFileAs(UnixFileStatus other) => Device == other.Device && Inode == other.Inode;

    /// <summary>The status of the entry at <paramref name="path"/> itself (a symbolic link is not followed).</summary>
    public static UnixFileStatus? OfPath(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            var buffer = new byte[StatxBufferSize];
            Check(LinuxStatx(AtFdCwd, path, AtSymlinkNoFollow, StatxType | StatxMode | StatxNlink | StatxIno, buffer), path);
            return FromStatx(buffer);
        }

        if (OperatingSystem.IsMacOS())
        {
            var buffer = new byte[DarwinStatBufferSize];
            Check(RuntimeInformation.ProcessArchitecture == Architecture.X64 ? DarwinLstatX64(path, buffer) : DarwinLstat(path, buffer), path);
            return FromDarwinStat(buffer);
        }

        return null;
    }

    /// <summary>The status of an open file.</summary>
    public static UnixFileStatus? OfHandle(SafeFileHandle handle, string path)
    {
        var fd = (int)handle.DangerousGetHandle();
        if (OperatingSystem.IsLinux())
        {
            var buffer = new byte[StatxBufferSize];
            Check(LinuxStatx(fd, string.Empty, AtEmptyPath, StatxType | StatxMode | StatxNlink | StatxIno, buffer), path);
            return FromStatx(buffer);
        }

        if (OperatingSystem.IsMacOS())
        {
            var buffer = new byte[DarwinStatBufferSize];
            Check(RuntimeInformation.ProcessArchitecture == Architecture.X64 ? DarwinFstatX64(fd, buffer) : DarwinFstat(fd, buffer), path);
            return FromDarwinStat(buffer);
        }

        return null;
    }

    private static void Check(int result, string path)
    {
        if (result != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"The status of '{path}' cannot be read: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
    }

    // struct statx: stx_nlink u32 @16, stx_mode u16 @28, stx_ino u64 @32, stx_dev_major u32 @136, stx_dev_minor u32 @140.
    private static UnixFileStatus FromStatx(byte[] b) =>
        new(
            TypeOf(BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(28))),
            BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(16)),
            ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(136)) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(140)),
            BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(32)));

    // Darwin struct stat (64-bit inodes): st_dev i32 @0, st_mode u16 @4, st_nlink u16 @6, st_ino u64 @8.
    private static UnixFileStatus FromDarwinStat(byte[] b) =>
        new(
            TypeOf(BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(4))),
            BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(6)),
            BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(0)),
            BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(8)));

    private static UnixFileType TypeOf(ushort mode) => (mode & 0xF000) switch
    {
        0x8000 => UnixFileType.Regular,
        0x4000 => UnixFileType.Directory,
        0xA000 => UnixFileType.SymbolicLink,
        _ => UnixFileType.Other,
    };

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int LinuxStatx(int dirFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);

    [DllImport("libc", EntryPoint = "lstat", SetLastError = true)]
    private static extern int DarwinLstat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buffer);

    [DllImport("libc", EntryPoint = "lstat$INODE64", SetLastError = true)]
    private static extern int DarwinLstatX64([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buffer);

    [DllImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static extern int DarwinFstat(int fd, [Out] byte[] buffer);

    [DllImport("libc", EntryPoint = "fstat$INODE64", SetLastError = true)]
    private static extern int DarwinFstatX64(int fd, [Out] byte[] buffer);
}
