using BenchmarkDotNet.Attributes;
using UvmSim.Exploration;
using UvmSim.Snapshots;

namespace UvmSim.Bench;

/// <summary>
/// What a snapshot costs against what it saves: copying the kernel and interpreter of a state
/// seven calls deep in the explorer's universe (map, mlock, a segment attached, a fork, a
/// touch, SHM_LOCK) against booting and replaying those seven calls (docs/performance.md,
/// "Snapshots"). The explorer pays one copy per successor with <c>--snapshots</c>, one boot
/// and replay per successor without.
/// </summary>
[MemoryDiagnoser]
public class SnapshotBench
{
    private readonly Universe _universe = new(Policies.Policy.FromPreset(Policies.PresetNames.Dual)!, Pages: 32, Procs: 1);
    private readonly CloneMap _map = new();
    private Op[] _calls = [];
    private OpInterpreter _state = null!;

    /// <summary>Picks the seven calls from the explorer's alphabet and reaches the state.</summary>
    [GlobalSetup]
    public void Setup()
    {
        IReadOnlyList<Op> alphabet = Explorer.Alphabet(2, 2, transient: false);
        Op Find(OpKind kind, int proc, int c = -1) => alphabet.First(o => o.Kind == kind && o.Proc == proc && (c < 0 || o.C == c));
        _calls =
        [
            Find(OpKind.Mmap, 0), Find(OpKind.Mlock, 0, 2 << 4), Find(OpKind.Shmget, 0), Find(OpKind.Shmat, 0),
            Find(OpKind.Fork, 0), Find(OpKind.Touch, 1), Find(OpKind.Shmctl, 0, 2),
        ];
        _state = Replay();
    }

    /// <summary>A copy of the state (<see cref="OpInterpreter.Copy"/>).</summary>
    [Benchmark]
    public OpInterpreter Copy() => _state.Copy(_map);

    /// <summary>The state rebuilt from boot.</summary>
    [Benchmark(Baseline = true)]
    public OpInterpreter Replay()
    {
        OpInterpreter d = _universe.Boot();
        foreach (Op op in _calls)
        {
            d.Apply(op);
        }
        return d;
    }
}
