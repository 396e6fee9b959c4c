using UvmSim.Exploration.Shrinking;
using UvmSim.Checking;
using UvmSim.Exploration;
using UvmSim.Policies;
using UvmSim.Scenarios.Running;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Tests.Exploration;

public class ExplorerTests
{
    private static Policy P(string name) => Policy.FromPreset(name)!;

    /// <summary>Shrinks a finding and replays the written scenario: it must fail the same way.</summary>
    private static (Scenario Shrunk, RunResult Replay) ShrinkAndReplay(Finding f, Universe u)
    {
        string text = Reproducer.Text(u, f.Ops, "test");
        Scenario shrunk = new Shrinker(u.Policy, u.Diagnostics).Shrink(Reproducer.Parse("r.scn", text))!;
        Assert.NotNull(shrunk);
        string printed = ScenarioPrinter.Print(shrunk);
        ParseResult reparsed = ScenarioParser.Parse("r.scn", printed);
        Assert.True(reparsed.Success, reparsed.Error?.Render() + "\n" + printed);
        RunResult replay = new ScenarioRunner(reparsed.Scenario!, u.Policy, u.Diagnostics).Run();
        Assert.True(replay.Passed, printed);
        return (shrunk, replay);
    }

    [Fact]
    public void Explore_netbsd8_finds_a_shortest_S9_family_counterexample()
    {
        var u = new Universe(P(PresetNames.NetBsd8), Pages: 32, Procs: 1);
        ExploreResult r = Explorer.Run(new ExploreOptions(u, Depth: 6), cancel: TestContext.Current.CancellationToken);
        Assert.NotNull(r.Finding);
        Assert.Equal(5, r.Finding!.Ops.Count);
        var (shrunk, replay) = ShrinkAndReplay(r.Finding, u);
        string text = ScenarioPrinter.Print(shrunk);
        Assert.Contains("SHM_LOCK", text);
        Assert.Contains("SHM_UNLOCK => EIO", text);
        Assert.Contains(replay.Audit, v => v.Kind == ViolationKind.Underwired);
    }

    [Fact]
    public void Explore_thorpej2019_finds_an_S13_or_S14_family_counterexample()
    {
        var u = new Universe(P(PresetNames.Thorpej2019), Pages: 32, Procs: 1);
        ExploreResult r = Explorer.Run(new ExploreOptions(u, Depth: 6), cancel: TestContext.Current.CancellationToken);
        Assert.NotNull(r.Finding);
        string text = ScenarioPrinter.Print(ShrinkAndReplay(r.Finding!, u).Shrunk);
        Assert.Contains("SHM_UNLOCK => EIO", text);
        Assert.True(text.Contains("munmap", StringComparison.Ordinal) || text.Contains("fork", StringComparison.Ordinal), text);
        Assert.DoesNotContain("munlock", text);
    }

    [Theory]
    [InlineData(PresetNames.NetBsd8, 6, 1)]
    [InlineData(PresetNames.Thorpej2019, 6, 1)]
    [InlineData(PresetNames.Dual, 5, 2)]
    public void Explore_gives_the_same_answer_on_any_number_of_jobs(string preset, int depth, int procs)
    {
        var u = new Universe(P(preset), Pages: 32, Procs: procs);
        CancellationToken cancel = TestContext.Current.CancellationToken;
        ExploreResult one = Explorer.Run(new ExploreOptions(u, depth, Jobs: 1), cancel: cancel);
        foreach (int jobs in new[] { 2, 3 })
        {
            ExploreResult many = Explorer.Run(new ExploreOptions(u, depth, Jobs: jobs), cancel: cancel);
            Assert.Equal((one.States, one.Calls, one.Depth), (many.States, many.Calls, many.Depth));
            Assert.Equal(one.Finding?.Ops, many.Finding?.Ops);
            Assert.Equal(one.Finding?.Message, many.Finding?.Message);
        }
    }

    [Fact]
    public void Explore_dual_finds_nothing_up_to_depth_4()
    {
        var u = new Universe(P(PresetNames.Dual), Pages: 32, Procs: 1);
        ExploreResult r = Explorer.Run(new ExploreOptions(u, Depth: 4, Transient: true), cancel: TestContext.Current.CancellationToken);
        Assert.Null(r.Finding);
        Assert.True(r.States > 100);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Fuzz_netbsd8_finds_a_panic_and_shrinks_it_to_at_most_six_calls(int seed)
    {
        var u = new Universe(P(PresetNames.NetBsd8));
        FuzzResult r = Fuzzer.Run(new FuzzOptions(u, Steps: 200_000, Seconds: null, Seed: seed, PanicsOnly: true), cancel: TestContext.Current.CancellationToken);
        Assert.NotNull(r.Finding);
        Assert.True(r.Finding!.Panic);
        var (shrunk, replay) = ShrinkAndReplay(r.Finding, u);
        Assert.InRange(shrunk.Statements.OfType<CallStatement>().Count(), 1, 6);
        Assert.Equal(r.Finding.Message, replay.Panic?.Message);
    }

    [Fact]
    public void Fuzz_is_deterministic_for_a_seed()
    {
        var u = new Universe(P(PresetNames.NetBsd8));
        FuzzResult a = Fuzzer.Run(new FuzzOptions(u, Steps: 100_000, Seconds: null, Seed: 7), cancel: TestContext.Current.CancellationToken);
        FuzzResult b = Fuzzer.Run(new FuzzOptions(u, Steps: 100_000, Seconds: null, Seed: 7), cancel: TestContext.Current.CancellationToken);
        Assert.Equal(a.Calls, b.Calls);
        Assert.Equal(a.Finding?.Ops, b.Finding?.Ops);
    }

    [Fact]
    public void Fuzz_dual_finds_nothing()
    {
        FuzzResult r = Fuzzer.Run(new FuzzOptions(new Universe(P(PresetNames.Dual)), Steps: 50_000, Seconds: null, Seed: 3, Jobs: 2), cancel: TestContext.Current.CancellationToken);
        Assert.Null(r.Finding);
        Assert.Equal(50_000, r.Calls);
    }

    [Fact]
    public void Parallel_jobs_count_a_state_both_reach_once()
    {
        var u = new Universe(P(PresetNames.Dual));
        CancellationToken cancel = TestContext.Current.CancellationToken;
        FuzzResult both = Fuzzer.Run(new FuzzOptions(u, Steps: 20_000, Seconds: null, Seed: 3, Jobs: 2), cancel: cancel);
        FuzzResult first = Fuzzer.Run(new FuzzOptions(u, Steps: 10_000, Seconds: null, Seed: 3), cancel: cancel);
        FuzzResult second = Fuzzer.Run(new FuzzOptions(u, Steps: 10_000, Seconds: null, Seed: 4), cancel: cancel);
        Assert.True(both.States >= Math.Max(first.States, second.States));
        Assert.True(both.States < first.States + second.States, "the jobs share at least the states right after boot");
    }

    [Fact]
    public void A_batch_of_states_adds_what_adding_them_one_by_one_does()
    {
        var rng = new Random(5);
        var one = new StateSet();
        var batched = new StateSet();
        var batch = new ulong[64];
        for (int round = 0; round < 5_000; round++)
        {
            for (int i = 0; i < batch.Length; i++)
            {
                // Repeats within and across batches, and hash 0, all occur.
                batch[i] = rng.Next(4) == 0 ? (ulong)rng.Next(1_000) : (ulong)rng.NextInt64();
                one.Add(batch[i]);
            }
            batched.AddRange(batch.AsSpan(0, 1 + (round % batch.Length)));
            batched.AddRange(batch.AsSpan(1 + (round % batch.Length)));
            Assert.Equal(one.Count, batched.Count);
        }
        Assert.Equal(one.ToArray().Order(), batched.ToArray().Order());
    }

    [Fact]
    public void A_state_set_union_counts_each_hash_once()
    {
        var a = new StateSet();
        var b = new StateSet();
        foreach (ulong h in new ulong[] { 0, 1, 2, 3 })
        {
            a.Add(h);
        }
        for (ulong h = 2; h < 200_000; h++)
        {
            b.Add(h);
        }
        a.UnionWith(b);
        Assert.Equal(200_000, a.Count);
        Assert.False(a.Add(199_999));
        Assert.False(a.Add(0));
    }

    [Theory]
    [InlineData(PresetNames.NetBsd8, true)]
    [InlineData(PresetNames.NetBsd8, false)]
    [InlineData(PresetNames.Thorpej2019, true)]
    [InlineData(PresetNames.NetBsd9, true)]
    [InlineData(PresetNames.Dual, true)]
    public void The_incremental_audit_reports_exactly_what_the_full_audit_does(string preset, bool diagnostics)
    {
        var u = new Universe(P(preset), Diagnostics: diagnostics);
        var rng = new Random(11);
        int dirty = 0;
        for (int episode = 0; episode < 300; episode++)
        {
            OpInterpreter d = u.Boot();
            for (int i = 0; i < 40; i++)
            {
                try
                {
                    d.Apply(Fuzzer.RandomOp(rng));
                }
                catch (KernelPanic)
                {
                    break;
                }
                var full = Auditor.Audit(d.Kernel).Select(v => v.ToString()).ToList();
                var incremental = Auditor.AuditIncremental(d.Kernel).Select(v => v.ToString()).ToList();
                Assert.Equal(full, incremental);
                dirty += full.Count > 0 ? 1 : 0;
            }
        }
        if (preset == PresetNames.NetBsd8)
        {
            Assert.True(dirty > 0, "the comparison must cover damaged states too");
        }
    }

    [Fact]
    public void Shrink_reduces_S9_to_the_calls_that_matter()
    {
        string file = Path.Combine(Scenarios.ExamplesTestsPaths.Examples, "s9-shm-lock-then-munlock.scn");
        Scenario s9 = ScenarioParser.Parse(file, File.ReadAllBytes(file)).Scenario!;
        var shrinker = new Shrinker(P(PresetNames.NetBsd8));
        Scenario shrunk = shrinker.Shrink(s9)!;
        var calls = shrunk.Statements.OfType<CallStatement>().Select(c => c.Call.Keyword).ToList();
        Assert.Equal(["shmget", "shmat", "shmctl", "munlock", "shmctl", "shmctl"], calls);
    }

    [Fact]
    public void Shrink_refuses_a_scenario_that_does_not_fail()
    {
        string file = Path.Combine(Scenarios.ExamplesTestsPaths.Examples, "s1-mlock-twice.scn");
        Scenario s1 = ScenarioParser.Parse(file, File.ReadAllBytes(file)).Scenario!;
        Assert.Null(new Shrinker(P(PresetNames.Dual)).Shrink(s1));
    }
}
