using UvmSim.Kernel;
using UvmSim.Map;
using UvmSim.Physical;
using UvmSim.Policies;
using UvmSim.SysV;

namespace UvmSim.Cli.Host;

/// <summary>
/// The same sequences in the model under <c>dual</c>: a fresh 16 MiB machine (diagnostics
/// on, page-level accounting), a root process, a private anonymous mapping and an attached
/// segment, every page written first so it is resident.
/// </summary>
internal sealed class ModelTarget : ISequenceTarget
{
    private readonly Kernel.Kernel _kernel;
    private readonly Process _proc;
    private readonly ulong _len;
    private readonly ulong _anon;
    private readonly ulong _segment;
    private readonly ulong _shm;

    /// <summary>Sets up <paramref name="pages"/> resident pages of each kind.</summary>
    public ModelTarget(int pages)
    {
        _kernel = new Kernel.Kernel(new MachineConfig { Pages = Math.Max(4096, pages * 8) }, Policy.FromPreset(PresetNames.Dual)!);
        _proc = _kernel.CreateProcess(0, 0)!;
        _len = (ulong)pages * (ulong)_kernel.PageSize;
        _anon = Expect(_kernel.Mmap(_proc, _len, Protection.ReadWrite, MapFlags.Private | MapFlags.Anon), "mmap");
        Expect(_kernel.Touch(_proc, _anon, _len, write: true), "touch");
        _segment = Expect(_kernel.Shm.Shmget(_proc, key: null, _len, ShmTable.IpcCreat | 0x180), "shmget");
        _shm = Expect(_kernel.Shm.Shmat(_proc, _segment, 0, 0), "shmat");
        Expect(_kernel.Touch(_proc, _shm, _len, write: true), "touch");
    }

    /// <inheritdoc/>
    public void Run(Sequence sequence)
    {
        switch (sequence)
        {
            case Sequence.MlockPair:
                Expect(_kernel.Mlock(_proc, _anon, _len), "mlock");
                Expect(_kernel.Munlock(_proc, _anon, _len), "munlock");
                break;
            case Sequence.ShmLockPair:
                Expect(_kernel.Shm.Shmctl(_proc, _segment, ShmCommand.ShmLock), "shmctl(SHM_LOCK)");
                Expect(_kernel.Shm.Shmctl(_proc, _segment, ShmCommand.ShmUnlock), "shmctl(SHM_UNLOCK)");
                break;
            default:
                Expect(_kernel.Shm.Shmctl(_proc, _segment, ShmCommand.ShmLock), "shmctl(SHM_LOCK)");
                Expect(_kernel.Mlock(_proc, _shm, _len), "mlock");
                Expect(_kernel.Munlock(_proc, _shm, _len), "munlock");
                Expect(_kernel.Shm.Shmctl(_proc, _segment, ShmCommand.ShmUnlock), "shmctl(SHM_UNLOCK)");
                break;
        }
    }

    /// <summary>Nothing to release: the model is garbage.</summary>
    public void Dispose()
    {
    }

    private static ulong Expect(SysResult r, string call) =>
        r.Ok ? r.Value : throw new BenchFailure($"model {call} failed: {r}");
}
