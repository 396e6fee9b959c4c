using System.Runtime.InteropServices;

namespace UvmSim.Cli.Host;

/// <summary>
/// The Linux libc calls <c>bench host</c> makes (x86-64 and arm64 share these constants).
/// <c>DllImport</c>, not <c>LibraryImport</c>: the generated stubs need unsafe code, which the
/// CLI project does not allow; every signature is blittable. Every call sets errno, read back with <see cref="Marshal.GetLastPInvokeError"/>.
/// </summary>
internal static class Libc
{
    private const string Lib = "libc";

    /// <summary><c>PROT_READ | PROT_WRITE</c>.</summary>
    public const int ProtReadWrite = 0x1 | 0x2;

    /// <summary><c>MAP_PRIVATE | MAP_ANONYMOUS</c>.</summary>
    public const int MapPrivateAnonymous = 0x02 | 0x20;

    /// <summary><c>IPC_PRIVATE</c>.</summary>
    public const int IpcPrivate = 0;

    /// <summary><c>IPC_CREAT</c>.</summary>
    public const int IpcCreat = 0x200;

    /// <summary><c>IPC_RMID</c>.</summary>
    public const int IpcRmid = 0;

    /// <summary><c>SHM_LOCK</c>.</summary>
    public const int ShmLock = 11;

    /// <summary><c>SHM_UNLOCK</c>.</summary>
    public const int ShmUnlock = 12;

    /// <summary><c>RLIMIT_MEMLOCK</c>.</summary>
    public const int RlimitMemlock = 8;

    /// <summary><c>RLIM_INFINITY</c>.</summary>
    public const ulong RlimInfinity = ulong.MaxValue;

    /// <summary><c>MAP_FAILED</c> and shmat's failure value, <c>(void *)-1</c>.</summary>
    public static readonly IntPtr Failed = new(-1);

    /// <summary><c>struct rlimit</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Rlimit
    {
        /// <summary>Soft limit.</summary>
        public ulong Current;

        /// <summary>Hard limit.</summary>
        public ulong Maximum;
    }

    [DllImport(Lib, EntryPoint = "mmap", SetLastError = true, ExactSpelling = true)]
    internal static extern IntPtr Mmap(IntPtr addr, nuint length, int prot, int flags, int fd, long offset);

    [DllImport(Lib, EntryPoint = "munmap", SetLastError = true, ExactSpelling = true)]
    internal static extern int Munmap(IntPtr addr, nuint length);

    [DllImport(Lib, EntryPoint = "mlock", SetLastError = true, ExactSpelling = true)]
    internal static extern int Mlock(IntPtr addr, nuint length);

    [DllImport(Lib, EntryPoint = "munlock", SetLastError = true, ExactSpelling = true)]
    internal static extern int Munlock(IntPtr addr, nuint length);

    [DllImport(Lib, EntryPoint = "shmget", SetLastError = true, ExactSpelling = true)]
    internal static extern int Shmget(int key, nuint size, int flags);

    [DllImport(Lib, EntryPoint = "shmat", SetLastError = true, ExactSpelling = true)]
    internal static extern IntPtr Shmat(int id, IntPtr addr, int flags);

    [DllImport(Lib, EntryPoint = "shmdt", SetLastError = true, ExactSpelling = true)]
    internal static extern int Shmdt(IntPtr addr);

    [DllImport(Lib, EntryPoint = "shmctl", SetLastError = true, ExactSpelling = true)]
    internal static extern int Shmctl(int id, int cmd, IntPtr buf);

    [DllImport(Lib, EntryPoint = "geteuid", ExactSpelling = true)]
    internal static extern uint Geteuid();

    [DllImport(Lib, EntryPoint = "getrlimit", SetLastError = true, ExactSpelling = true)]
    internal static extern int Getrlimit(int resource, out Rlimit limit);

    /// <summary>The last call's errno as <c>NAME (message)</c>.</summary>
    public static string LastError()
    {
        int errno = Marshal.GetLastPInvokeError();
        string name = errno switch
        {
            1 => "EPERM",
            11 => "EAGAIN",
            12 => "ENOMEM",
            13 => "EACCES",
            22 => "EINVAL",
            28 => "ENOSPC",
            _ => "errno " + errno,
        };
        return $"{name} ({Marshal.GetPInvokeErrorMessage(errno)})";
    }
}
