using UvmSim;
using UvmSim.Exploration;
using UvmSim.Policies;

namespace UvmSim.Tests.Exploration;

/// <summary>
/// <c>explore --symmetry</c>: a state and its mirror (the processes the calls name, in the other
/// order) hash alike under the symmetric hash and apart under the plain one; states it takes
/// for one have the same successors; and a search that keeps one state of each mirror set
/// finds what the plain search finds, as a real sequence.
/// </summary>
public class SymmetryTests
{
    private static Universe U(string preset, int procs = 1) => new(Policy.FromPreset(preset)!, Pages: 32, Procs: procs);

    private static readonly Op Map = new(OpKind.Mmap, 0, 1, 2, 0);       // a private anonymous mapping of two pages
    private static readonly Op Fork = new(OpKind.Fork, 0, 0, 0, 0);

    /// <summary>The state after <paramref name="ops"/> from boot.</summary>
    private static OpInterpreter After(Universe u, params Op[] ops)
    {
        var (driver, panic) = u.Replay(ops);
        Assert.Null(panic);
        return driver;
    }

    [Theory]
    [InlineData(PresetNames.Dual, OpKind.Mlock)]
    [InlineData(PresetNames.NetBsd8, OpKind.Mlock)]
    [InlineData(PresetNames.Dual, OpKind.Touch)]
    public void A_call_in_the_parent_and_the_same_call_in_the_child_reach_mirror_states(string preset, OpKind kind)
    {
        Universe u = U(preset);
        int flags = kind == OpKind.Touch ? 1 : 0;
        OpInterpreter parent = After(u, Map, Fork, Op.ExactRange(kind, 0, 0, 0, 2, flags));
        OpInterpreter child = After(u, Map, Fork, Op.ExactRange(kind, 1, 0, 0, 2, flags));
        Assert.Equal(2, parent.ProcessCount);

        Assert.NotEqual(new StateHash().Of(parent.Kernel), new StateHash().Of(child.Kernel));
        Assert.Equal(new StateHash(interchangeable: 2).Of(parent.Kernel), new StateHash(interchangeable: 2).Of(child.Kernel));
    }

    [Fact]
    public void States_that_are_not_mirrors_still_hash_apart()
    {
        Universe u = U(PresetNames.Dual);
        var hash = new StateHash(interchangeable: 2);
        ulong whole = hash.Of(After(u, Map, Fork, Op.ExactRange(OpKind.Mlock, 0, 0, 0, 2)).Kernel);
        ulong firstPage = hash.Of(After(u, Map, Fork, Op.ExactRange(OpKind.Mlock, 0, 0, 0, 1)).Kernel);
        ulong both = hash.Of(After(u, Map, Fork, Op.ExactRange(OpKind.Mlock, 0, 0, 0, 2), Op.ExactRange(OpKind.Mlock, 1, 0, 0, 2)).Kernel);
        ulong forked = hash.Of(After(u, Map, Fork).Kernel);
        Assert.Equal(4, new HashSet<ulong> { whole, firstPage, both, forked }.Count);
    }

    [Fact]
    public void Processes_no_call_names_keep_their_place()
    {
        // After fork, mmap in P0 and fork again, the process without a mapping is the second,
        // which the alphabet names; after fork, fork of P1 and mmap in P1 it is the third, which
        // no call names. The two look alike but have different successors: they are not mirrors.
        Universe u = U(PresetNames.Dual);
        var hash = new StateHash(interchangeable: 2);
        ulong second = hash.Of(After(u, Fork, Map, Fork).Kernel);
        ulong third = hash.Of(After(u, Fork, Map, Fork with { Proc = 1 }, Map with { Proc = 1 }).Kernel);
        Assert.NotEqual(second, third);
        Assert.Equal(hash.Of(After(u, Fork, Map with { Proc = 1 }, Fork with { Proc = 1 }).Kernel), second);
    }

    /// <summary>
    /// The hash's promise, checked state by state: every two states the search meets up to
    /// <paramref name="depth"/> that the symmetric hash takes for one have the same successors
    /// (their symmetric hashes; a panic as a panic), so keeping either loses nothing.
    /// </summary>
    [Theory]
    [InlineData(PresetNames.NetBsd8, 4)]
    [InlineData(PresetNames.Thorpej2019, 4)]
    [InlineData(PresetNames.NetBsd9, 4)]
    [InlineData(PresetNames.Dual, 5)]
    [InlineData(PresetNames.Linux, 4)]
    public void States_the_symmetric_hash_identifies_have_the_same_successors(string preset, int depth)
    {
        Universe u = U(preset);
        IReadOnlyList<Op> alphabet = Explorer.Alphabet(2, 2, transient: false);
        var plain = new StateHash();
        var symmetric = new StateHash(interchangeable: 2);
        var seen = new HashSet<ulong> { plain.Of(u.Boot().Kernel) };
        var states = new List<Op[]> { Array.Empty<Op>() };
        var frontier = new List<Op[]> { Array.Empty<Op>() };
        for (int d = 1; d <= depth; d++)
        {
            var next = new List<Op[]>();
            foreach (Op[] prefix in frontier)
            {
                foreach (Op op in alphabet)
                {
                    if (Successor(u, prefix, op, plain) is { } h && h != Panicked && seen.Add(h))
                    {
                        next.Add([.. prefix, op]);
                    }
                }
            }
            states.AddRange(next);
            frontier = next;
        }
        int classes = 0;
        foreach (var mirrors in states.GroupBy(s => symmetric.Of(After(u, s).Kernel)).Where(g => g.Count() > 1))
        {
            classes++;
            Op[] first = mirrors.First();
            HashSet<ulong> expected = Successors(u, first, alphabet, symmetric);
            foreach (Op[] other in mirrors.Skip(1))
            {
                Assert.True(expected.SetEquals(Successors(u, other, alphabet, symmetric)),
                    $"{string.Join("; ", first)} and {string.Join("; ", other)} hash alike but lead to different states");
            }
        }
        Assert.True(classes > 10, $"only {classes} sets of mirror states met: the test would prove little");
    }

    private const ulong Panicked = 1;

    /// <summary>The hash of the state <paramref name="op"/> leads to from <paramref name="prefix"/>'s; null when it names no live process.</summary>
    private static ulong? Successor(Universe u, Op[] prefix, Op op, StateHash hash)
    {
        var (driver, panic) = u.Replay(prefix);
        Assert.Null(panic);
        if (op.Proc >= driver.ProcessCount)
        {
            return null;
        }
        try
        {
            driver.Apply(op);
        }
        catch (KernelPanic)
        {
            return Panicked;
        }
        return hash.Of(driver.Kernel);
    }

    private static HashSet<ulong> Successors(Universe u, Op[] prefix, IReadOnlyList<Op> alphabet, StateHash hash) =>
        [.. alphabet.Select(op => Successor(u, prefix, op, hash)).OfType<ulong>()];

    [Fact]
    public void The_symmetric_hash_of_a_state_does_not_depend_on_the_hasher_or_on_hashing_twice()
    {
        Universe u = U(PresetNames.Dual);
        OpInterpreter s = After(u, Map, Fork, Fork, Op.ExactRange(OpKind.Mlock, 1, 0, 0, 1));
        Assert.Equal(3, s.ProcessCount);
        var first = new StateHash(interchangeable: 2);
        ulong h = first.Of(s.Kernel);
        first.Of(After(u, Map).Kernel); // another state in between
        Assert.Equal(h, first.Of(s.Kernel));
        Assert.Equal(h, new StateHash(interchangeable: 2).Of(s.Kernel));
    }

    [Theory]
    [InlineData(PresetNames.Dual, 6)]
    [InlineData(PresetNames.NetBsd9, 6)]
    [InlineData(PresetNames.Linux, 5)]
    public void Symmetry_keeps_fewer_states_and_the_same_verdict(string preset, int depth)
    {
        Universe u = U(preset);
        ExploreResult plain = Explorer.Run(new ExploreOptions(u, depth), cancel: TestContext.Current.CancellationToken);
        ExploreResult reduced = Explorer.Run(new ExploreOptions(u, depth, Symmetry: true), cancel: TestContext.Current.CancellationToken);
        Assert.Null(plain.Finding);
        Assert.Null(reduced.Finding);
        Assert.True(reduced.States < plain.States, $"{reduced.States} states with symmetry against {plain.States}");
    }

    [Theory]
    [InlineData(PresetNames.NetBsd8)]
    [InlineData(PresetNames.Thorpej2019)]
    public void Symmetry_finds_a_counterexample_as_short_and_as_severe_that_replays(string preset)
    {
        Universe u = U(preset);
        ExploreResult plain = Explorer.Run(new ExploreOptions(u, 6), cancel: TestContext.Current.CancellationToken);
        ExploreResult reduced = Explorer.Run(new ExploreOptions(u, 6, Symmetry: true), cancel: TestContext.Current.CancellationToken);
        Assert.NotNull(plain.Finding);
        Assert.NotNull(reduced.Finding);
        Assert.Equal(plain.Finding!.Ops.Count, reduced.Finding!.Ops.Count);
        Assert.Equal(plain.Rank, reduced.Rank);

        // The finding is the sequence that reached it: replayed from boot, it fails the same way.
        var engine = new Engine(u);
        engine.Begin(reduced.Finding.Ops.SkipLast(1).ToArray());
        StepResult last = engine.Step(reduced.Finding.Ops[^1]);
        Assert.NotEqual(StepKind.State, last.Kind);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Symmetry_gives_the_same_answer_on_any_number_of_jobs(int jobs)
    {
        Universe u = U(PresetNames.Dual, procs: 2);
        ExploreResult one = Explorer.Run(new ExploreOptions(u, 5, Symmetry: true), cancel: TestContext.Current.CancellationToken);
        ExploreResult many = Explorer.Run(new ExploreOptions(u, 5, Jobs: jobs, Symmetry: true), cancel: TestContext.Current.CancellationToken);
        Assert.Equal(one.States, many.States);
        Assert.Equal(one.Calls, many.Calls);
        Assert.Equal(one.StatesPerDepth, many.StatesPerDepth);
    }

    [Fact]
    public void The_walk_replay_and_snapshots_agree_under_symmetry()
    {
        Universe u = U(PresetNames.Dual);
        ExploreResult walk = Explorer.Run(new ExploreOptions(u, 5, Symmetry: true), cancel: TestContext.Current.CancellationToken);
        ExploreResult replay = Explorer.Run(new ExploreOptions(u, 5, Replay: true, Symmetry: true), cancel: TestContext.Current.CancellationToken);
        ExploreResult snapshots = Explorer.Run(new ExploreOptions(u, 5, Snapshots: true, Symmetry: true), cancel: TestContext.Current.CancellationToken);
        Assert.Equal(walk.StatesPerDepth, replay.StatesPerDepth);
        Assert.Equal(walk.StatesPerDepth, snapshots.StatesPerDepth);
    }
}
