using System.Runtime.InteropServices;

namespace DistSim.Samples.Cli;

/// <summary>What a file is (regular, pipe, device, …) and which one it is (device and inode), as the kernel says.</summary>
/// <param name="Kind">The kind of file.</param>
/// <param name="Device">The device holding it (major in the high 32 bits, minor in the low).</param>
/// <param name="Inode">Its inode number on that device.</param>
/// <remarks>
/// .NET has no public API for either: <see cref="FileInfo"/> calls a FIFO and <c>/dev/null</c> "Normal", and a hard
/// link looks like any other file. On Linux this asks statx(2), whose record has the same layout on every
/// architecture; elsewhere, or with a libc without statx, there is no answer (null) and callers compare resolved
/// paths instead. Thread-safe.
/// </remarks>
internal readonly record struct FileIdentity(FileIdentity.FileKind Kind, ulong Device, ulong Inode)
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const uint StatxIno = 0x100;
    private static volatile bool s_unavailable;

    /// <summary>The kinds of file, from the type bits of the mode.</summary>
    public enum FileKind
    {
        /// <summary>A regular file.</summary>
        Regular,

        /// <summary>A directory.</summary>
        Directory,

        /// <summary>A character device: <c>/dev/null</c>, a terminal.</summary>
        CharacterDevice,

        /// <summary>A block device: a disk.</summary>
        BlockDevice,

        /// <summary>A pipe (named or not).</summary>
        Fifo,

        /// <summary>A socket.</summary>
        Socket,

        /// <summary>Something else.</summary>
        Other,
    }

    /// <summary>The file at <paramref name="path"/>, symbolic links followed; null when it does not exist or the kernel cannot be asked.</summary>
    public static FileIdentity? Of(string path) => Stat(AtFdCwd, path, 0);

    /// <summary>The file open as descriptor <paramref name="descriptor"/> of this process (1: the standard output, 2: the standard error).</summary>
    public static FileIdentity? OfDescriptor(int descriptor) => Stat(descriptor, string.Empty, AtEmptyPath);

    /// <summary>Whether this and <paramref name="other"/> are the same file (one inode on one device).</summary>
    public bool IsSameFile(FileIdentity other) => Device == other.Device && Inode == other.Inode;

    private static FileIdentity? Stat(int directory, string path, int flags)
    {
        if (!OperatingSystem.IsLinux() || s_unavailable)
        {
            return null;
        }

        try
        {
            if (Native.Statx(directory, path, flags, StatxType | StatxIno, out Native.StatxRecord record) != 0
                || (record.Mask & (StatxType | StatxIno)) != (StatxType | StatxIno))
            {
                return null;
            }

            FileKind kind = (record.Mode & 0xF000) switch
            {
                0x8000 => FileKind.Regular,
                0x4000 => FileKind.Directory,
                0x2000 => FileKind.CharacterDevice,
                0x6000 => FileKind.BlockDevice,
                0x1000 => FileKind.Fifo,
                0xC000 => FileKind.Socket,
                _ => FileKind.Other,
            };
            return new FileIdentity(kind, ((ulong)record.DeviceMajor << 32) | record.DeviceMinor, record.Inode);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true; // an old or different libc: resolved paths are compared instead
            return null;
        }
    }

    private static class Native
    {
        [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
        public static extern int Statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, out StatxRecord record);

        /// <summary>struct statx (linux/stat.h): 256 bytes, the same on every architecture; only the fields read are declared.</summary>
        [StructLayout(LayoutKind.Explicit, Size = 256)]
        public struct StatxRecord
        {
            [FieldOffset(0)]
            public uint Mask;

            [FieldOffset(28)]
            public ushort Mode;

            [FieldOffset(32)]
            public ulong Inode;

            [FieldOffset(136)]
            public uint DeviceMajor;

            [FieldOffset(140)]
            public uint DeviceMinor;
        }
    }
}
