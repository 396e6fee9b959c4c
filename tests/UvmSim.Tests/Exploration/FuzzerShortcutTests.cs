using UvmSim.Exploration;
using UvmSim.Policies;

namespace UvmSim.Tests.Exploration;

/// <summary>
/// The fuzzer skips the audit of a state its episode met clean before and offers such a state
/// to its set once (docs/performance.md, the fuzzer's second round): its answer must be the
/// one of a plain loop that audits and hashes every call.
/// </summary>
public class FuzzerShortcutTests
{
    /// <summary>The fuzzer's job written plainly: every call audited (Engine.Step), every clean state added.</summary>
    private static (long Calls, long States, Finding? Finding) Plain(Universe u, int seed, long steps, bool panicsOnly)
    {
        var rng = new Random(seed);
        var engine = new Engine(u);
        var seen = new StateSet();
        var episode = new List<Op>();
        long calls = 0;
        while (true)
        {
            engine.Begin([]);
            episode.Clear();
            for (int i = 0; i < 48; i++)
            {
                if (calls >= steps)
                {
                    return (calls, seen.Count, null);
                }
                Op op = Fuzzer.RandomOp(rng);
                episode.Add(op);
                calls++;
                StepResult r = engine.Step(op);
                switch (r.Kind)
                {
                    case StepKind.Panic:
                        return (calls, seen.Count, new Finding(true, r.Panic!, [.. episode], u.Procs, u.Pages));
                    case StepKind.Violation when !panicsOnly:
                        return (calls, seen.Count, Finding.FromViolations([.. r.Violations!], [.. episode], u.Procs, u.Pages));
                    case StepKind.Violation:
                        seen.Add(engine.Hash());
                        break;
                    case StepKind.State:
                        seen.Add(r.Hash);
                        break;
                    default:
                        throw new InvalidOperationException($"unknown step kind {r.Kind}");
                }
            }
        }
    }

    [Theory]
    [InlineData(PresetNames.NetBsd8, 1, false)]
    [InlineData(PresetNames.NetBsd8, 2, true)]
    [InlineData(PresetNames.Thorpej2019, 1, false)]
    [InlineData(PresetNames.NetBsd9, 3, true)]
    [InlineData(PresetNames.Dual, 1, false)]
    [InlineData(PresetNames.Dual, 5, true)]
    public void Fuzz_answers_as_a_loop_that_audits_every_call(string preset, int seed, bool panicsOnly)
    {
        var u = new Universe(Policy.FromPreset(preset)!);
        const long steps = 30_000;
        var (calls, states, finding) = Plain(u, seed, steps, panicsOnly);
        FuzzResult r = Fuzzer.Run(new FuzzOptions(u, Steps: steps, Seconds: null, Seed: seed, PanicsOnly: panicsOnly),
            cancel: TestContext.Current.CancellationToken);
        Assert.Equal(calls, r.Calls);
        Assert.Equal(states, r.States);
        Assert.Equal(finding?.Panic, r.Finding?.Panic);
        Assert.Equal(finding?.Message, r.Finding?.Message);
        Assert.Equal(finding?.Ops, r.Finding?.Ops);
    }

    private const ulong Spread = 0x9E3779B97F4A7C15UL;
    private const ulong Five = unchecked(5 * Spread);

    [Fact]
    public void A_small_state_set_grows_and_clears()
    {
        var set = new StateSet(4);
        for (ulong h = 0; h < 100; h++)
        {
            Assert.True(set.Add(unchecked(h * Spread)));
        }
        Assert.False(set.Add(Five));
        Assert.Equal(100, set.Count);
        set.Clear();
        Assert.Equal(0, set.Count);
        Assert.False(set.Contains(0));
        Assert.False(set.Contains(Five));
        Assert.True(set.Add(0));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(6)]
    public void A_state_set_size_must_be_a_power_of_two(int slots) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new StateSet(slots));
}
