namespace UvmSim.Cli.Host;

/// <summary>
/// The sequences on the host kernel: a private anonymous mapping and an attached
/// <c>IPC_PRIVATE</c> segment of the same size, every page written first so it is resident.
/// </summary>
internal sealed class HostTarget : ISequenceTarget
{
    private readonly nuint _len;
    private IntPtr _anon = Libc.Failed;
    private IntPtr _shm = Libc.Failed;
    private int _segment = -1;

    /// <summary>Maps, attaches and touches <paramref name="pages"/> pages of each kind.</summary>
    public HostTarget(int pages)
    {
        int pageSize = Environment.SystemPageSize;
        _len = (nuint)(pages * pageSize);
        try
        {
            _anon = Libc.Mmap(IntPtr.Zero, _len, Libc.ProtReadWrite, Libc.MapPrivateAnonymous, -1, 0);
            Check(_anon != Libc.Failed, "mmap");
            _segment = Libc.Shmget(Libc.IpcPrivate, _len, Libc.IpcCreat | 0x180);
            Check(_segment >= 0, "shmget");
            _shm = Libc.Shmat(_segment, IntPtr.Zero, 0);
            Check(_shm != Libc.Failed, "shmat");
            for (int offset = 0; offset < pages * pageSize; offset += pageSize)
            {
                System.Runtime.InteropServices.Marshal.WriteByte(_anon, offset, 1);
                System.Runtime.InteropServices.Marshal.WriteByte(_shm, offset, 1);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Run(Sequence sequence)
    {
        switch (sequence)
        {
            case Sequence.MlockPair:
                Check(Libc.Mlock(_anon, _len) == 0, "mlock");
                Check(Libc.Munlock(_anon, _len) == 0, "munlock");
                break;
            case Sequence.ShmLockPair:
                Check(Libc.Shmctl(_segment, Libc.ShmLock, IntPtr.Zero) == 0, "shmctl(SHM_LOCK)");
                Check(Libc.Shmctl(_segment, Libc.ShmUnlock, IntPtr.Zero) == 0, "shmctl(SHM_UNLOCK)");
                break;
            default:
                Check(Libc.Shmctl(_segment, Libc.ShmLock, IntPtr.Zero) == 0, "shmctl(SHM_LOCK)");
                Check(Libc.Mlock(_shm, _len) == 0, "mlock");
                Check(Libc.Munlock(_shm, _len) == 0, "munlock");
                Check(Libc.Shmctl(_segment, Libc.ShmUnlock, IntPtr.Zero) == 0, "shmctl(SHM_UNLOCK)");
                break;
        }
    }

    /// <summary>Detaches and removes the segment and unmaps the range (errors ignored: best effort).</summary>
    public void Dispose()
    {
        if (_shm != Libc.Failed)
        {
            _ = Libc.Shmdt(_shm);
            _shm = Libc.Failed;
        }
        if (_segment >= 0)
        {
            _ = Libc.Shmctl(_segment, Libc.IpcRmid, IntPtr.Zero);
            _segment = -1;
        }
        if (_anon != Libc.Failed)
        {
            _ = Libc.Munmap(_anon, _len);
            _anon = Libc.Failed;
        }
    }

    private static void Check(bool ok, string call)
    {
        if (!ok)
        {
            throw new BenchFailure($"host {call} failed: {Libc.LastError()}");
        }
    }
}
