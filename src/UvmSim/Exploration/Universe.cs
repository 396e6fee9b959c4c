using UvmSim.Kernel;
using UvmSim.Physical;
using UvmSim.Policies;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Exploration;

/// <summary>
/// The small machine the fuzzer and explorer run on: a policy, a few frames (so every
/// audit is cheap and the page daemon gets exercised) and the starting processes.
/// </summary>
public sealed record Universe(Policy Policy, int Pages = 64, int Procs = 2, bool? Diagnostics = null)
{
    /// <summary>The machine configuration.</summary>
    public MachineConfig Machine => new()
    {
        Pages = Pages,
        Diagnostics = Diagnostics ?? true,
        FreeTarget = Math.Max(Pages / 20, 4),
    };

    /// <summary>A freshly booted kernel with the starting processes, driven by an interpreter.</summary>
    public OpInterpreter Boot(bool record = false) => new(new Kernel.Kernel(Machine, Policy), Procs, record);

    /// <summary>The <c>machine</c> line that reproduces this universe in a scenario file.</summary>
    public string MachineLine => ScenarioPrinter.Format(new MachineStatement(
        Pages: (ulong)Pages,
        FreeTarget: (ulong)Machine.EffectiveFreeTarget,
        Diagnostics: Machine.Diagnostics ? null : false));

    /// <summary>
    /// Replays <paramref name="ops"/> on a fresh kernel through an <see cref="Engine"/> (no audit);
    /// a panic is returned, not thrown.
    /// </summary>
    public (OpInterpreter Driver, string? Panic) Replay(IEnumerable<Op> ops, bool record = false)
    {
        var engine = new Engine(this, audit: false, record: record);
        engine.Begin([]);
        foreach (Op op in ops)
        {
            if (engine.Step(op, hash: false) is { Kind: StepKind.Panic } r)
            {
                return (engine.Driver, r.Panic);
            }
        }
        return (engine.Driver, null);
    }
}
