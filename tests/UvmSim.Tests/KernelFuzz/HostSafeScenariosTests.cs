using UvmSim.Exploration;
using UvmSim.Policies;
using UvmSim.Scenarios.Running;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Tests.KernelFuzz;

/// <summary>
/// The generator of <c>uvmsim kernel --fuzz</c>: its scenarios parse, replay from the seed,
/// and keep to the host-safety rules of docs/linux.md ("kernel --fuzz").
/// </summary>
public class HostSafeScenariosTests
{
    private const int Page = 4096;
    private const ulong Roomy = 8 << 20;

    private static List<Scenario> Generate(int seed, int count, HostSafeOptions? options = null)
    {
        var g = new HostSafeScenarios(seed, options ?? new HostSafeOptions(MemlockSoft: Roomy), Page);
        return [.. Enumerable.Range(0, count).Select(i => g.Next($"g{i}.scn"))];
    }

    [Fact]
    public void The_same_seed_gives_the_same_scenarios_and_another_seed_others()
    {
        var a = new HostSafeScenarios(7, new HostSafeOptions(), Page);
        var b = new HostSafeScenarios(7, new HostSafeOptions(), Page);
        var c = new HostSafeScenarios(8, new HostSafeOptions(), Page);
        string[] first = [a.NextText(), a.NextText()];
        Assert.Equal<string[]>(first, [b.NextText(), b.NextText()]);
        Assert.NotEqual(first[0], c.NextText());
    }

    [Fact]
    public void Scenarios_have_one_to_three_processes_and_the_calls_asked_for()
    {
        foreach (Scenario s in Generate(1, 300, new HostSafeOptions(Procs: 3, MinCalls: 5, MaxCalls: 9, MemlockSoft: Roomy)))
        {
            int declared = s.Statements.OfType<ProcStatement>().Count();
            Assert.InRange(declared, 1, 3);
            Assert.InRange(s.Statements.OfType<CallStatement>().Count(), 5, 9);
            Assert.True(declared + s.Statements.OfType<CallStatement>().Count(c => c.Call is ForkCall) <= 4);
        }
        Assert.All(Generate(2, 50, new HostSafeOptions(Procs: 1, MemlockSoft: Roomy)), s => Assert.Single(s.Statements.OfType<ProcStatement>()));
    }

    [Fact]
    public void Every_call_is_one_the_host_runs_faithfully_and_within_the_safety_limits()
    {
        var seen = new HashSet<Type>();
        foreach (Scenario s in Generate(3, 400))
        {
            Assert.DoesNotContain(s.Statements, st => st is SysctlStatement or MachineStatement or CheckStatement);
            foreach (CallStatement c in s.Statements.OfType<CallStatement>())
            {
                seen.Add(c.Call.GetType());
                Assert.False(c.Call is VslockCall or VsunlockCall or PagedaemonCall or ExecCall or MinheritCall or BrkCall, c.Text);
                switch (c.Call)
                {
                    case MmapCall m:
                        Assert.Null(m.Address);
                        Assert.Null(m.File);
                        Assert.InRange(m.Length.Evaluate(_ => 0, Page), 1UL, 8UL * Page);
                        break;
                    case ShmgetCall g:
                        Assert.Null(g.Key); // private only: literal keys are global on the host
                        Assert.InRange(g.Size.Evaluate(_ => 0, Page), 1UL, 8UL * Page);
                        break;
                }
            }
        }
        // The mix the brief asks for is all there.
        Assert.Superset(new HashSet<Type>
        {
            typeof(MmapCall), typeof(MunmapCall), typeof(MprotectCall), typeof(MlockCall), typeof(MunlockCall), typeof(Mlock2Call),
            typeof(MlockallCall), typeof(MunlockallCall), typeof(TouchCall), typeof(SetrlimitCall), typeof(ForkCall), typeof(ExitCall),
            typeof(ShmgetCall), typeof(ShmatCall), typeof(ShmdtCall), typeof(ShmctlCall),
        }, seen);
    }

    [Fact]
    public void Partial_failures_are_generated_zero_lengths_holes_onfault_and_future()
    {
        var g = new HostSafeScenarios(4, new HostSafeOptions(MemlockSoft: Roomy), Page);
        string all = string.Join("\n", Enumerable.Range(0, 200).Select(_ => g.NextText()));
        Assert.Contains(" 0\n", all, StringComparison.Ordinal);              // zero length
        Assert.Contains(" onfault\n", all, StringComparison.Ordinal);        // mlock2 onfault
        Assert.Contains("future", all, StringComparison.Ordinal);            // MCL_FUTURE
        Assert.Contains(" none ", all, StringComparison.Ordinal);            // PROT_NONE
        Assert.Contains("uid=65534", all, StringComparison.Ordinal);         // unprivileged
        Assert.Contains("setrlimit memlock 0 ", all, StringComparison.Ordinal);
    }

    /// <summary>
    /// The image rule: no process calls <c>mlockall</c> under a limit lowered below 8 MiB (other
    /// than 0), nor lowers it so after <c>mlockall</c>: the host would charge the worker's image.
    /// </summary>
    [Theory]
    [InlineData(Roomy)]
    [InlineData(64UL << 10)]
    public void No_mlockall_under_a_lowered_limit_nor_a_lowered_limit_after_mlockall(ulong hostLimit)
    {
        foreach (Scenario s in Generate(5, 400, new HostSafeOptions(MemlockSoft: hostLimit)))
        {
            var lowered = new Dictionary<string, bool>();
            var lockedAll = new Dictionary<string, bool>();
            var hard = new Dictionary<string, ulong>();
            foreach (Statement st in s.Statements)
            {
                switch (st)
                {
                    case ProcStatement p:
                        lowered[p.Name] = hostLimit < Roomy;
                        lockedAll[p.Name] = false;
                        if (hostLimit < Roomy)
                        {
                            hard[p.Name] = 0; // the host's hard limit may be as low: a raise may be refused
                        }
                        break;
                    case CallStatement { Proc: { } p, Call: SetrlimitCall r }:
                        ulong soft = r.Soft.Evaluate(_ => 0, Page), newHard = r.Hard.Evaluate(_ => 0, Page);
                        bool lowers = soft is > 0 and < Roomy;
                        Assert.False(lowers && lockedAll[p], $"{s.FileName}: {st.Text} after mlockall");
                        // Raising a hard limit set before may be EPERM (unprivileged): the old limit then stays.
                        bool mayFail = hard.TryGetValue(p, out ulong before) && newHard > before;
                        lowered[p] = mayFail ? lowered[p] || lowers : lowers;
                        if (!mayFail)
                        {
                            hard[p] = newHard;
                        }
                        break;
                    case CallStatement { Proc: { } p, Call: MlockallCall }:
                        Assert.False(lowered[p], $"{s.FileName}: {st.Text} under a lowered limit");
                        lockedAll[p] = true;
                        break;
                    case CallStatement { Proc: { } p, Call: MunlockallCall }:
                        lockedAll[p] = false;
                        break;
                    case CallStatement { Proc: { } p, Call: ForkCall f }:
                        lowered[f.Child] = lowered[p];
                        if (hard.TryGetValue(p, out ulong h))
                        {
                            hard[f.Child] = h;
                        }
                        lockedAll[f.Child] = false;
                        break;
                }
            }
        }
    }

    [Fact]
    public void Generated_scenarios_run_in_the_model_under_linux_without_a_panic()
    {
        Policy linux = Policy.FromPreset(PresetNames.Linux)!;
        foreach (Scenario s in Generate(6, 100))
        {
            RunResult r = new ScenarioRunner(s, linux).Run();
            Assert.Null(r.Panic);
            Assert.Empty(r.Audit);
        }
    }

    [Fact]
    public void More_than_three_processes_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HostSafeScenarios(1, new HostSafeOptions(Procs: 4), Page));
    }
}
