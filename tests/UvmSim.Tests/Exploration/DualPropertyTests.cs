using CsCheck;
using UvmSim.Checking;
using UvmSim.Exploration;
using UvmSim.Kernel;
using UvmSim.Physical;
using UvmSim.Policies;

namespace UvmSim.Tests.Exploration;

/// <summary>
/// The design claim of SPEC §1 and §10: under <c>dual</c> no multi-process mix of the §5
/// calls panics or leaves any violation, audited after every call. CsCheck shrinks a
/// failing sequence to a short one.
/// </summary>
public class DualPropertyTests
{
    internal static readonly Gen<Op> OpGen =
        Gen.Select(Gen.Enum<OpKind>(), Gen.Int[0, 3], Gen.Int[0, 1023], Gen.Int[0, 1023], Gen.Int[0, 15])
            .Select((k, p, a, b, c) => new Op(k, p, a, b, c));

    internal static string? FirstFailure(Policy policy, Op[] ops)
    {
        var kernel = new global::UvmSim.Kernel.Kernel(new MachineConfig { Pages = 96 }, policy);
        var driver = new OpInterpreter(kernel, procs: 2);
        for (int i = 0; i < ops.Length; i++)
        {
            try
            {
                driver.Apply(ops[i]);
            }
            catch (KernelPanic panic)
            {
                return $"step {i} ({ops[i]}): panic {panic.Message}";
            }
            var violations = Auditor.Audit(kernel);
            if (violations.Count > 0)
            {
                return $"step {i} {ops[i]}: {string.Join("; ", violations)}";
            }
        }
        return null;
    }

    [Fact]
    public void Dual_never_panics_or_leaks_under_random_call_mixes()
    {
        Policy dual = Policy.FromPreset(PresetNames.Dual)!;
        OpGen.Array[1, 40].Sample(ops => FirstFailure(dual, ops) is null, iter: 3000, seed: null,
            print: ops => FirstFailure(dual, ops) + "\n" + string.Join("\n", ops));
    }

    [Fact]
    public void Netbsd8_random_mixes_do_find_damage()
    {
        // The same driver must be able to find the bug, or the dual property proves nothing.
        Policy netbsd8 = Policy.FromPreset(PresetNames.NetBsd8)!;
        bool found = false;
        OpGen.Array[1, 40].Sample(ops =>
        {
            found |= FirstFailure(netbsd8, ops) is not null;
            return true;
        }, iter: 2000, seed: "0N0XIzNsQ0O2");
        Assert.True(found);
    }
}
