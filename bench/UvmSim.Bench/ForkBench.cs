using BenchmarkDotNet.Attributes;
using UvmSim.Kernel;
using UvmSim.Map;
using UvmSim.Physical;

namespace UvmSim.Bench;

/// <summary>
/// <c>fork</c> of a process whose map has 10^4 entries, then <c>exit</c> of the child, so the
/// parent is the same before every invocation. Entries are one page each, alternately
/// read-only and read-write so none merge; <see cref="Resident"/> says whether every page
/// was touched first (then fork marks each private amap needs-copy and the child shares
/// the anons).
/// </summary>
[MemoryDiagnoser]
public class ForkBench
{
    private const int Entries = 10_000;

    private Kernel.Kernel _kernel = null!;
    private Process _parent = null!;

    /// <summary>Preset under test.</summary>
    [Params(Policies.PresetNames.Dual, Policies.PresetNames.NetBsd8)]
    public string Policy { get; set; } = Policies.PresetNames.Dual;

    /// <summary>Whether every page was touched before the fork.</summary>
    [Params(false, true)]
    public bool Resident { get; set; }

    /// <summary>The parent with its 10^4 entries on a 64 MiB machine.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _kernel = new Kernel.Kernel(new MachineConfig { Pages = 16_384 }, Policies.Policy.FromPreset(Policy)!);
        _parent = _kernel.CreateProcess(0, 0)!;
        ulong p = (ulong)_kernel.PageSize;
        for (int i = 0; i < Entries; i++)
        {
            SysResult r = _kernel.Mmap(_parent, p, i % 2 == 0 ? Protection.ReadWrite : Protection.Read, MapFlags.Private | MapFlags.Anon);
            if (!r.Ok)
            {
                throw new InvalidOperationException($"mmap {i}: {r}");
            }
            if (Resident)
            {
                _kernel.Touch(_parent, r.Value, p, write: i % 2 == 0);
            }
        }
        if (_parent.Space.Map.EntryCount != Entries)
        {
            throw new InvalidOperationException($"{_parent.Space.Map.EntryCount} entries, not {Entries}");
        }
    }

    /// <summary>Fork, then exit the child.</summary>
    [Benchmark]
    public int ForkExit()
    {
        SysResult r = _kernel.Fork(_parent, out Process? child);
        if (!r.Ok)
        {
            throw new InvalidOperationException($"fork: {r}");
        }
        int entries = child!.Space.Map.EntryCount;
        _kernel.Exit(child);
        return entries;
    }
}
