using System.Runtime.InteropServices;

namespace UvmSim.Cli;

/// <summary>
/// Reading an input file the user named, bounded: only a regular file is read, and at most
/// <see cref="MaxBytes"/> of it (issue 12: <c>run /dev/zero</c> grew to 4 GB, a FIFO blocked
/// forever, a directory said "access denied"). The type is asked before the file is opened, so
/// a FIFO is refused without waiting for a writer; the cap also holds where the type cannot be
/// asked (systems other than Linux: there a FIFO still waits for its writer).
/// </summary>
internal static class InputFile
{
    /// <summary>The largest scenario file read: far above any real one, small enough to parse in a moment.</summary>
    public const int MaxBytes = 16 << 20;

    /// <summary>The cap as the error message says it.</summary>
    public const string MaxText = "16 MiB";

    /// <summary>What a path names.</summary>
    public enum Kind
    {
        /// <summary>Nothing (or nothing this process may see).</summary>
        Missing,
        /// <summary>A regular file, or a symbolic link to one.</summary>
        Regular,
        /// <summary>A directory.</summary>
        Directory,
        /// <summary>A FIFO (named pipe).</summary>
        Fifo,
        /// <summary>A character device such as <c>/dev/zero</c>.</summary>
        CharacterDevice,
        /// <summary>A block device.</summary>
        BlockDevice,
        /// <summary>A Unix socket.</summary>
        Socket,
    }

    /// <summary>What <paramref name="path"/> names, following symbolic links.</summary>
    public static Kind KindOf(string path)
    {
        if (OperatingSystem.IsLinux() && StatxMode(path) is { } mode)
        {
            return (mode & 0xF000) switch
            {
                0x8000 => Kind.Regular,
                0x4000 => Kind.Directory,
                0x1000 => Kind.Fifo,
                0x2000 => Kind.CharacterDevice,
                0x6000 => Kind.BlockDevice,
                0xC000 => Kind.Socket,
                _ => throw new NotSupportedException($"file type 0x{mode & 0xF000:x} of {path}"),
            };
        }
        return System.IO.Directory.Exists(path) ? Kind.Directory : File.Exists(path) ? Kind.Regular : Kind.Missing;
    }

    /// <summary>The words for a kind in an error: "is a FIFO, not a regular file".</summary>
    public static string Describe(Kind kind) => kind switch
    {
        Kind.Missing => "no such file",
        Kind.Regular => "a regular file",
        Kind.Directory => "is a directory, not a regular file",
        Kind.Fifo => "is a FIFO, not a regular file",
        Kind.CharacterDevice => "is a character device, not a regular file",
        Kind.BlockDevice => "is a block device, not a regular file",
        Kind.Socket => "is a socket, not a regular file",
        _ => throw new NotSupportedException(kind.ToString()),
    };

    /// <summary>
    /// The bytes of the regular file at <paramref name="path"/>, or null with the reason
    /// (not a regular file, over <see cref="MaxBytes"/>, unreadable).
    /// </summary>
    public static byte[]? Read(string path, out string? error)
    {
        error = null;
        try
        {
            Kind kind = KindOf(path);
            if (kind is not (Kind.Regular or Kind.Missing))
            {
                error = Describe(kind);
                return null;
            }
            // Missing: the open below says why (no such file, permission denied).
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            using var buffer = new MemoryStream();
            byte[] chunk = new byte[81920];
            int n;
            while ((n = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, MaxBytes + 1L - buffer.Length))) > 0)
            {
                buffer.Write(chunk, 0, n);
                if (buffer.Length > MaxBytes)
                {
                    error = $"larger than {MaxText}, the limit for an input file";
                    return null;
                }
            }
            return buffer.ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = "cannot read file: " + e.Message;
            return null;
        }
    }

    /// <summary>stx_mode from statx(2), whose buffer layout is the same on every Linux architecture; null when the call fails.</summary>
    private static int? StatxMode(string path)
    {
        byte[] buffer = new byte[256];
        try
        {
            return Statx(AtFdCwd, path, 0, StatxType, buffer) == 0 ? BitConverter.ToUInt16(buffer, StxModeOffset) : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int StxModeOffset = 0x1c;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}
