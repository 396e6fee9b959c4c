namespace UvmSim;

/// <summary>
/// The error numbers a simulated system call can return, with NetBSD's values so that
/// emitted C programs and traces agree with a real kernel.
/// </summary>
public enum Errno
{
    /// <summary>No error: the call succeeded.</summary>
    None = 0,
    /// <summary>Operation not permitted (not owner, not root).</summary>
    EPERM = 1,
    /// <summary>No such key (shmget without create).</summary>
    ENOENT = 2,
    /// <summary>Bad file descriptor: Linux's mmap of neither anonymous memory nor a file (SPEC §17.7).</summary>
    EBADF = 9,
    /// <summary>I/O error; legacy SysV lock failures.</summary>
    EIO = 5,
    /// <summary>Cannot allocate memory, or a range error of the mlock family.</summary>
    ENOMEM = 12,
    /// <summary>Permission denied.</summary>
    EACCES = 13,
    /// <summary>Bad address.</summary>
    EFAULT = 14,
    /// <summary>Key exists (shmget create|excl).</summary>
    EEXIST = 17,
    /// <summary>Invalid argument.</summary>
    EINVAL = 22,
    /// <summary>Too many attachments (shmseg).</summary>
    EMFILE = 24,
    /// <summary>File too large: a fixed mapping above the map maximum.</summary>
    EFBIG = 27,
    /// <summary>No free SysV slot.</summary>
    ENOSPC = 28,
    /// <summary>Resource temporarily unavailable: wiring limits, maxproc.</summary>
    EAGAIN = 35,
    /// <summary>No such call: <c>mlock2</c> under <c>syscalls=netbsd</c> (SPEC §17).</summary>
    ENOSYS = 78,
    /// <summary>Value too large: a mapping range that wraps.</summary>
    EOVERFLOW = 84,
}
