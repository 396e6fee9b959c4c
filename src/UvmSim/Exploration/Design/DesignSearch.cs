using System.Diagnostics;
using UvmSim.Policies;
using UvmSim.Exploration.Shrinking;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Exploration.Design;

/// <summary>Where a design search is: combinations done of all, how many found something, time so far and an estimate of the rest.</summary>
public readonly record struct DesignProgress(int Done, int Total, int Findings, double Elapsed, double? Remaining);

/// <summary>The table of a design search, in lattice order, and its wall time.</summary>
public sealed record DesignResult(DesignOptions Options, IReadOnlyList<CombinationResult> Combinations, double Seconds);

/// <summary>
/// Runs the exhaustive explorer (and, if asked, a seeded fuzz budget) on every combination of
/// the lattice, <c>jobs</c> combinations at a time. Each combination is its own search on its
/// own kernels and stops at the depth of its first finding, so a combination's row is the same
/// whatever else runs and in whatever order.
/// </summary>
public static class DesignSearch
{
    /// <summary>Runs every combination of <paramref name="o"/>; <paramref name="progress"/> hears after each one.</summary>
    public static DesignResult Run(DesignOptions o, int jobs = 1, Action<DesignProgress>? progress = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var rows = RunSome(o, Lattice.Combinations(o.Base, o.Vary), null, jobs, progress, cancel);
        return new DesignResult(o, [.. rows.Select(r => r.Row)], clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Shard <paramref name="shard"/>'s share of the lattice (the combinations whose index is
    /// its index modulo the count), each row with its index in lattice order.
    /// </summary>
    public static IReadOnlyList<(int Index, CombinationResult Row)> RunShard(DesignOptions o, Sharding.ShardSpec shard, int jobs = 1,
        Action<DesignProgress>? progress = null, CancellationToken cancel = default) =>
        RunSome(o, Lattice.Combinations(o.Base, o.Vary), shard, jobs, progress, cancel);

    private static (int Index, CombinationResult Row)[] RunSome(DesignOptions o, IReadOnlyList<Policy> combinations, Sharding.ShardSpec? shard,
        int jobs, Action<DesignProgress>? progress, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        int[] indices = [.. Enumerable.Range(0, combinations.Count).Where(i => shard is not { } s || i % s.Count == s.Index)];
        var rows = new (int, CombinationResult)[indices.Length];
        int done = 0, findings = 0;
        var gate = new Lock();
        Parallel.For(0, indices.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(jobs, 1, 64), CancellationToken = cancel }, k =>
        {
            CombinationResult row = RunOne(o, combinations[indices[k]], cancel);
            rows[k] = (indices[k], row);
            lock (gate)
            {
                done++;
                findings += row.Clean ? 0 : 1;
                double elapsed = clock.Elapsed.TotalSeconds;
                progress?.Invoke(new DesignProgress(done, indices.Length, findings, elapsed,
                    done < indices.Length ? elapsed / done * (indices.Length - done) : null));
            }
        });
        return rows;
    }

    /// <summary>One combination: explore to the depth, fuzz if clean and asked, shrink what was found.</summary>
    public static CombinationResult RunOne(DesignOptions o, Policy combination, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        ExploreResult explored = Explorer.Run(o.ExploreFor(combination), cancel: cancel);
        Finding? finding = explored.Finding;
        long states = explored.States;
        string origin = $"a shortest counterexample ({finding?.Ops.Count} calls) by the exhaustive search to depth {o.Depth}";
        if (finding is null && o.FuzzSteps > 0)
        {
            FuzzResult fuzzed = Fuzzer.Run(new FuzzOptions(o.UniverseFor(combination), o.FuzzSteps, Seconds: null, Seed: o.Seed), cancel: cancel);
            finding = fuzzed.Finding;
            states += fuzzed.States;
            origin = $"found by the fuzzer (seed {o.Seed}) after a clean search to depth {o.Depth}";
        }
        if (finding is null)
        {
            return new CombinationResult(combination.Label, combination.Switches, true, o.Depth, states, null, null, null, null, clock.Elapsed.TotalSeconds);
        }
        var (text, calls) = Shrunk(o, combination, finding, origin);
        return new CombinationResult(combination.Label, combination.Switches, false, finding.Ops.Count, states,
            finding.Kind, finding.Message, text, calls, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The command that replays a combination's reproducer: its preset plus a <c>--set</c> for
    /// every switch that differs from the preset.
    /// </summary>
    public static string ReplayCommand(Policy combination) =>
        $"uvmsim run FILE --policy {combination.Preset}" + string.Concat(combination.Switches
            .Zip(Policy.FromPreset(combination.Preset)!.Switches)
            .Where(p => p.First.Value != p.Second.Value)
            .Select(p => $" --set {p.First.Key}={p.First.Value}"));

    /// <summary>The finding as a shrunk scenario that <c>uvmsim run</c> replays to the same failure, and its calls.</summary>
    private static (string Text, int Calls) Shrunk(DesignOptions o, Policy combination, Finding finding, string origin)
    {
        Universe universe = o.UniverseFor(combination);
        string comment = $"uvmsim design: {combination.Label}, {origin}\n{finding.Kind}: {finding.Message}\nreplay: {ReplayCommand(combination)}";
        Scenario raw = Reproducer.Parse("reproducer.scn", Reproducer.Text(universe, finding.Ops, comment));
        Scenario shrunk = new Shrinker(combination, universe.Diagnostics).Shrink(raw) ?? raw;
        string header = string.Concat(comment.Split('\n').Select(l => "# " + l + "\n"));
        return (header + ScenarioPrinter.Print(shrunk), shrunk.Statements.OfType<CallStatement>().Count());
    }
}
