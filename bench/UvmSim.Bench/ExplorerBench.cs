using BenchmarkDotNet.Attributes;
using UvmSim.Checking;
using UvmSim.Exploration;
using UvmSim.Kernel;
using UvmSim.Physical;

namespace UvmSim.Bench;

/// <summary>
/// Explorer throughput: <see cref="OpInterpreter"/> calls per second on the small universe
/// (96 pages, two processes, at most four live), with the explorer's incremental audit after
/// every call, the full audit, or none. Calls are drawn as in the property tests (kind uniform, small
/// integers) from one seeded generator; the universe restarts every
/// <see cref="Sequence"/> calls and after a panic, and the restart is part of the cost.
/// The reported time is per call.
/// </summary>
[MemoryDiagnoser]
public class ExplorerBench
{
    private const int Calls = 4096;
    private const int Sequence = 64;

    private readonly Op[] _ops = new Op[Calls];
    private Kernel.Kernel _kernel = null!;
    private OpInterpreter _driver = null!;

    /// <summary>Preset under test.</summary>
    [Params(Policies.PresetNames.Dual, Policies.PresetNames.NetBsd8)]
    public string Policy { get; set; } = Policies.PresetNames.Dual;

    /// <summary>Which audit runs after every call: none, the explorer's incremental one, or the full scan.</summary>
    [Params("none", "incremental", "full")]
    public string Audit { get; set; } = "incremental";

    private readonly Auditor _auditor = new();

    /// <summary>Panics met (the netbsd-8 driver finds them; dual should not).</summary>
    public int Panics { get; private set; }

    /// <summary>Calls after which the audit reported a violation.</summary>
    public int Violations { get; private set; }

    /// <summary>Draws the calls.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        int kinds = Enum.GetValues<OpKind>().Length;
        for (int i = 0; i < Calls; i++)
        {
            _ops[i] = new Op((OpKind)rng.Next(kinds), rng.Next(4), rng.Next(1024), rng.Next(1024), rng.Next(16));
        }
        Restart();
    }

    private void Restart()
    {
        _kernel = new Kernel.Kernel(new MachineConfig { Pages = 96 }, Policies.Policy.FromPreset(Policy)!);
        _driver = new OpInterpreter(_kernel, procs: 2);
    }

    /// <summary><see cref="Calls"/> calls, each audited when <see cref="Audit"/> is set.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public int Run()
    {
        int failed = 0;
        for (int i = 0; i < Calls; i++)
        {
            if (i % Sequence == 0)
            {
                Restart();
            }
            try
            {
                if (!_driver.Apply(_ops[i]).Ok)
                {
                    failed++;
                }
            }
            catch (KernelPanic)
            {
                Panics++;
                Restart();
                continue;
            }
            if (Audit != "none" && _auditor.Check(_kernel, full: Audit == "full").Count > 0)
            {
                Violations++;
            }
        }
        return failed;
    }
}
