using BenchmarkDotNet.Attributes;
using UvmSim.Kernel;
using UvmSim.Map;
using UvmSim.Physical;
using UvmSim.Policies;
using UvmSim.SysV;

namespace UvmSim.Bench;

/// <summary>
/// The host-comparable wiring sequences (issue 5, SPEC §14) on resident pages: one
/// <c>mlock</c>+<c>munlock</c> pair, one <c>SHM_LOCK</c>+<c>SHM_UNLOCK</c> pair, and the
/// four-call mix <c>SHM_LOCK, mlock, munlock, SHM_UNLOCK</c> on the attached segment.
/// One benchmark invocation is one whole sequence, so the time is per sequence.
/// </summary>
/// <remarks>
/// Under <c>netbsd-8</c> the four-call mix is the S9 bug: <c>munlock</c> drops the segment's
/// wiring and the following <c>SHM_UNLOCK</c> panics on the next round. There
/// <see cref="Mix"/> runs <c>SHM_LOCK, mlock, SHM_UNLOCK</c> (no <c>munlock</c>), which
/// returns success every round and reaches a fixed state (the POSIX lock is lost, which an
/// audit would report; the benchmark does not audit).
/// </remarks>
[MemoryDiagnoser]
public class WiringBench
{
    private Kernel.Kernel _kernel = null!;
    private Process _proc = null!;
    private ulong _anon;
    private ulong _segment;
    private ulong _shm;
    private ulong _len;
    private bool _netbsd8;

    /// <summary>Preset under test.</summary>
    [Params(PresetNames.Dual, PresetNames.NetBsd8)]
    public string Policy { get; set; } = PresetNames.Dual;

    /// <summary>Resident pages in the range.</summary>
    [Params(16, 256)]
    public int Pages { get; set; }

    /// <summary>A 16 MiB machine, an anonymous mapping and an attached segment, every page touched.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _kernel = new Kernel.Kernel(new MachineConfig { Pages = 4096 }, Policies.Policy.FromPreset(Policy)!);
        _netbsd8 = Policy == PresetNames.NetBsd8;
        _proc = _kernel.CreateProcess(0, 0)!;
        _len = (ulong)Pages * (ulong)_kernel.PageSize;
        _anon = Expect(_kernel.Mmap(_proc, _len, Protection.ReadWrite, MapFlags.Private | MapFlags.Anon), "mmap");
        Expect(_kernel.Touch(_proc, _anon, _len, write: true), "touch anon");
        _segment = Expect(_kernel.Shm.Shmget(_proc, key: null, _len, ShmTable.IpcCreat | 0x180), "shmget");
        _shm = Expect(_kernel.Shm.Shmat(_proc, _segment, 0, 0), "shmat");
        Expect(_kernel.Touch(_proc, _shm, _len, write: true), "touch shm");
        // One round of each, checked, so the timed rounds are known to be success paths.
        if (MlockPair() + ShmLockPair() + Mix() != 0)
        {
            throw new InvalidOperationException($"a sequence failed under {Policy}");
        }
    }

    /// <summary><c>mlock</c> then <c>munlock</c> of the anonymous range.</summary>
    [Benchmark]
    public int MlockPair() =>
        Fails(_kernel.Mlock(_proc, _anon, _len)) + Fails(_kernel.Munlock(_proc, _anon, _len));

    /// <summary><c>SHM_LOCK</c> then <c>SHM_UNLOCK</c> of the segment.</summary>
    [Benchmark]
    public int ShmLockPair() =>
        Fails(_kernel.Shm.Shmctl(_proc, _segment, ShmCommand.ShmLock))
        + Fails(_kernel.Shm.Shmctl(_proc, _segment, ShmCommand.ShmUnlock));

    /// <summary>
    /// <c>SHM_LOCK, mlock, munlock, SHM_UNLOCK</c> on the segment's mapping
    /// (<c>netbsd-8</c>: without the <c>munlock</c>, see the remarks).
    /// </summary>
    [Benchmark]
    public int Mix()
    {
        int failed = Fails(_kernel.Shm.Shmctl(_proc, _segment, ShmCommand.ShmLock));
        failed += Fails(_kernel.Mlock(_proc, _shm, _len));
        if (!_netbsd8)
        {
            failed += Fails(_kernel.Munlock(_proc, _shm, _len));
        }
        return failed + Fails(_kernel.Shm.Shmctl(_proc, _segment, ShmCommand.ShmUnlock));
    }

    private static int Fails(SysResult r) => r.Ok ? 0 : 1;

    private static ulong Expect(SysResult r, string what) =>
        r.Ok ? r.Value : throw new InvalidOperationException($"{what}: {r}");
}
