using System.CommandLine;
using UvmSim.Exploration;
using UvmSim.Exploration.Sharding;
using UvmSim.Policies;

namespace UvmSim.Cli.Commands;

/// <summary><c>uvmsim explore</c>: exhaustive breadth-first search up to a depth (SPEC §13).</summary>
internal static class ExploreCommand
{
    private static readonly Option<int?> Depth = new("--depth") { Description = "Longest call sequence to search (required).", HelpName = "D" };
    private static readonly Option<int?> Pages = new("--pages") { Description = "Pages of each mapping and segment in the universe (1-4, default 2).", HelpName = "N" };
    private static readonly Option<bool> Transient = new("--transient") { Description = "Add vslock/vsunlock to the alphabet." };
    private static readonly Option<int> Jobs = new("--jobs") { Description = "Threads sharing each level (default 1); the result is the same for any number.", DefaultValueFactory = _ => 1, HelpName = "J" };
    private static readonly Option<int?> SplitDepth = new("--split-depth") { Description = "With --shard: the depth whose states are shared out among the shards (0 to D; default half the depth, at most 4).", HelpName = "S" };

    /// <summary>The command.</summary>
    public static Command Create(Terminal terminal)
    {
        var command = new Command("explore", "Search every call sequence up to --depth over a small universe.")
        {
            ExplorerOptions.Policy, Depth, ExplorerOptions.Procs, Pages, ExplorerOptions.Frames, Transient, Jobs,
            ExplorerOptions.Out, SharedOptions.Set, SharedOptions.NoDiagnostics, SharedOptions.Format, ExplorerOptions.Shard, SplitDepth,
        };
        command.SetAction(parse => CliApp.Guard(terminal, () =>
        {
            Policy? policy = ExplorerOptions.Resolve(parse.GetValue(ExplorerOptions.Policy)!, parse.GetValue(SharedOptions.Set), out string? error);
            if (policy is null)
            {
                return terminal.Usage(error!);
            }
            int? depth = parse.GetValue(Depth);
            int procs = parse.GetValue(ExplorerOptions.Procs) ?? 1, pages = parse.GetValue(Pages) ?? 2, frames = parse.GetValue(ExplorerOptions.Frames) ?? 32;
            int jobs = parse.GetValue(Jobs);
            if (depth is null or < 1 or > 12 || procs is < 1 or > 2 || pages is < 1 or > 4 || frames is < 8 or > 4096 || jobs is < 1 or > 64)
            {
                return terminal.Usage("explore needs --depth D (1-12); --procs takes 1 or 2, --pages 1-4, --frames 8-4096, --jobs 1-64");
            }
            ShardSpec? shard = ExplorerOptions.ParseShard(parse, out error);
            if (error is not null)
            {
                return terminal.Usage(error);
            }
            int split = parse.GetValue(SplitDepth) ?? ShardRuns.DefaultSplitDepth(depth.Value);
            if (split < 0 || split > depth.Value)
            {
                return terminal.Usage($"--split-depth takes 0 to the depth ({depth.Value}), not {split}");
            }
            var universe = new Universe(policy, frames, procs, parse.GetValue(SharedOptions.NoDiagnostics) ? false : null);
            bool json = parse.GetValue(SharedOptions.Format) == SharedOptions.Json;
            if (shard is { } s)
            {
                var options = new ExploreOptions(universe, depth.Value, parse.GetValue(Transient), pages, jobs, new ExploreShard(s.Index, s.Count, split));
                ExploreResult part = Explorer.Run(options);
                string file = ShardRuns.Write(parse.GetValue(ExplorerOptions.Out)!, s, options, part);
                return MergeCommand.PrintShard(terminal, json, "explore", s, file, part.Calls, part.Seconds, part.States, part.Finding);
            }
            Action<int, long>? progress = terminal.Rich && !json ? (d, s) => terminal.Progress($"depth {d}: {s:N0} states") : null;
            ExploreResult r = Explorer.Run(new ExploreOptions(universe, depth.Value, parse.GetValue(Transient), pages, jobs), progress);
            terminal.Progress(null);
            var repro = r.Finding is { } f
                ? FindingReport.Write(f, universe, policy, parse.GetValue(ExplorerOptions.Out)!, $"found by uvmsim explore --policy {policy.Label} --depth {depth}: a shortest counterexample ({f.Ops.Count} calls)", $"depth{f.Ops.Count}")
                : ((string, int)?)null;
            if (r.Finding is null && !json)
            {
                terminal.Line($"no violation up to depth {depth}");
            }
            return FindingReport.Print(terminal, json, policy, r.Calls, r.Seconds, r.States, r.Finding, repro);
        }));
        return command;
    }
}
