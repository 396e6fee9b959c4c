using System.CommandLine;
using UvmSim.Exploration;
using UvmSim.Exploration.Sharding;
using UvmSim.Policies;

namespace UvmSim.Cli.Commands;

/// <summary><c>uvmsim explore</c>: exhaustive breadth-first search up to a depth (SPEC §13).</summary>
internal static class ExploreCommand
{
    private static readonly Option<int?> Depth = RangedOption.Int("--depth", "Longest call sequence to search, required", 1, 12, null, "D");
    private static readonly Option<int?> Pages = RangedOption.Int("--pages", "Pages of each mapping and segment in the universe", 1, 4, 2);
    private static readonly Option<int?> Procs = RangedOption.Int("--procs", "Processes at the start", 1, 2, 1, "K");
    private static readonly Option<int?> Frames = RangedOption.Int("--frames", "Frames in the simulated machine", 8, 4096, 32);
    private static readonly Option<bool> Transient = new("--transient") { Description = "Add vslock/vsunlock to the alphabet." };
    private static readonly Option<string> Jobs = RangedOption.Jobs("Threads sharing each level; the result is the same for any number");
    private static readonly Option<bool> Snapshots = new("--snapshots") { Description = "Compute each state's successors from a copy of its kernel instead of walking one kernel with an undo log (the same answer; see docs/performance.md for the speed)." };
    private static readonly Option<bool> Replay = new("--replay") { Description = "Rebuild every state by replaying its calls on a freshly booted kernel instead of walking one kernel with an undo log (the same answer, slower; for comparison)." };
    private static readonly Option<bool> Symmetry = new("--symmetry") { Description = "Keep one state of each set of mirror images (the processes the calls name, in the other order): fewer states, the same verdicts, the finding still a real sequence (docs/cli.md)." };
    private static readonly Option<int?> SplitDepth = new("--split-depth") { Description = "With --shard: the depth whose states are shared out among the shards (0 to D; default half the depth, at most 4).", HelpName = "S" };

    /// <summary>The command.</summary>
    public static Command Create(Terminal terminal)
    {
        var command = new Command("explore", "Search every call sequence up to --depth over a small universe.")
        {
            ExplorerOptions.Policy, Depth, Procs, Pages, Frames, Transient, Jobs,
            ExplorerOptions.Out, SharedOptions.Set, SharedOptions.NoDiagnostics, SharedOptions.Format, ExplorerOptions.Shard, SplitDepth, ProgressReport.Option, Snapshots, Replay, Symmetry,
        };
        command.SetAction(parse => CliApp.Guard(terminal, () =>
        {
            Policy? policy = ExplorerOptions.Resolve(parse.GetValue(ExplorerOptions.Policy)!, parse.GetValue(SharedOptions.Set), out string? error);
            if (policy is null)
            {
                return terminal.Usage(error!);
            }
            if (parse.GetValue(Depth) is not { } depth)
            {
                return terminal.Usage("explore needs --depth D (1-12)");
            }
            int procs = parse.GetValue(Procs) ?? 1, pages = parse.GetValue(Pages) ?? 2, frames = parse.GetValue(Frames) ?? 32;
            int jobs = RangedOption.JobCount(parse.GetValue(Jobs))!.Value;
            string outDir = parse.GetValue(ExplorerOptions.Out)!;
            if (FindingReport.CheckOut(outDir) is { } unwritable)
            {
                return terminal.Usage(unwritable);
            }
            ShardSpec? shard = ExplorerOptions.ParseShard(parse, out error);
            if (error is not null)
            {
                return terminal.Usage(error);
            }
            if (parse.GetValue(Replay) && parse.GetValue(Snapshots))
            {
                return terminal.Usage("explore takes --replay or --snapshots, not both");
            }
            int split = parse.GetValue(SplitDepth) ?? ShardRuns.DefaultSplitDepth(depth);
            if (split < 0 || split > depth)
            {
                return terminal.Usage($"--split-depth takes 0 to the depth ({depth}), not {split}");
            }
            var universe = new Universe(policy, frames, procs, parse.GetValue(SharedOptions.NoDiagnostics) ? false : null);
            bool json = parse.GetValue(SharedOptions.Format) == SharedOptions.Json;
            if (shard is { } s)
            {
                var options = new ExploreOptions(universe, depth, parse.GetValue(Transient), pages, jobs, new ExploreShard(s.Index, s.Count, split), Snapshots: parse.GetValue(Snapshots), Replay: parse.GetValue(Replay), Symmetry: parse.GetValue(Symmetry));
                ExploreResult part = Explorer.Run(options);
                string file = ShardRuns.Write(outDir, s, options, part);
                return MergeCommand.PrintShard(terminal, json, "explore", s, file, part.Calls, part.Seconds, part.States, part.Finding);
            }
            var progress = ProgressReport.For(terminal, parse.GetValue(ProgressReport.Option), json);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var cpu = CpuClock.StartNew();
            (int Depth, long States) reached = (0, 1);
            using var interruption = Interruption.Listen();
            ExploreResult r;
            try
            {
                r = Explorer.Run(new ExploreOptions(universe, depth, parse.GetValue(Transient), pages, jobs, Snapshots: parse.GetValue(Snapshots), Replay: parse.GetValue(Replay), Symmetry: parse.GetValue(Symmetry)),
                    (d, s) =>
                    {
                        reached = (d, s);
                        progress.Report(() => $"explore {policy.Label}: depth {d} of {depth} done, {s:N0} states");
                    },
                    interruption.Token);
            }
            catch (OperationCanceledException) when (interruption.Requested)
            {
                // The explorer stops mid-level: what is known is the last level it finished.
                progress.Done();
                if (!json)
                {
                    terminal.Line($"interrupted during depth {reached.Depth + 1}: no violation up to depth {reached.Depth}");
                }
                FindingReport.Print(terminal, json, policy, 0, clock.Elapsed.TotalSeconds, reached.States, null, null, null, interrupted: true, cpuSeconds: cpu.Seconds);
                return interruption.ExitCode;
            }
            progress.Done();
            var repro = r.Finding is { } f
                ? FindingReport.Write(f, universe, policy, outDir, FindingReport.ExploreOrigin(policy, depth, procs, pages, frames, f.Ops.Count), $"depth{f.Ops.Count}")
                : null;
            if (r.Finding is null && !json)
            {
                terminal.Line($"no violation up to depth {depth}");
            }
            return FindingReport.Print(terminal, json, policy, r.Calls, r.Seconds, r.States, null, r.Finding, repro, interrupted: false, r.StatesPerDepth, r.CpuSeconds);
        }));
        return command;
    }
}
