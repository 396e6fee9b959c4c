using System.CommandLine;
using UvmSim.Exploration;
using UvmSim.Exploration.Sharding;
using UvmSim.Policies;

namespace UvmSim.Cli.Commands;

/// <summary><c>uvmsim fuzz</c>: seeded random call sequences, audited after every call (SPEC §13).</summary>
internal static class FuzzCommand
{
    private static readonly Option<double?> Seconds = new("--seconds") { Description = "Stop after this many seconds (default 10 unless --steps).", HelpName = "N" };
    private static readonly Option<long?> Steps = new("--steps") { Description = "Stop after this many calls in all.", HelpName = "N" };
    private static readonly Option<int> Seed = new("--seed") { Description = "Seed of the first job (default 1).", DefaultValueFactory = _ => 1, HelpName = "S" };
    private static readonly Option<string> StopOn = CreateStopOn();
    private static readonly Option<int> Jobs = new("--jobs") { Description = "Independent seeds run in parallel (default 1).", DefaultValueFactory = _ => 1, HelpName = "J" };

    private static Option<string> CreateStopOn()
    {
        var option = new Option<string>("--stop-on")
        {
            Description = "What ends the run: the first panic or violation (any, the default), or only a panic (violations are still audited).",
            DefaultValueFactory = _ => "any",
            HelpName = "any|panic",
        };
        option.AcceptOnlyFromAmong("any", "panic");
        return option;
    }

    /// <summary>The command.</summary>
    public static Command Create(Terminal terminal)
    {
        var command = new Command("fuzz", "Run seeded random call sequences until a panic or an audit violation.")
        {
            ExplorerOptions.Policy, Seconds, Steps, Seed, Jobs, ExplorerOptions.Procs, ExplorerOptions.Frames,
            StopOn, ExplorerOptions.Out, SharedOptions.Set, SharedOptions.NoDiagnostics, SharedOptions.Format, ExplorerOptions.Shard,
        };
        command.SetAction(parse => CliApp.Guard(terminal, () =>
        {
            Policy? policy = ExplorerOptions.Resolve(parse.GetValue(ExplorerOptions.Policy)!, parse.GetValue(SharedOptions.Set), out string? error);
            if (policy is null)
            {
                return terminal.Usage(error!);
            }
            double? seconds = parse.GetValue(Seconds);
            long? steps = parse.GetValue(Steps);
            int jobs = parse.GetValue(Jobs), procs = parse.GetValue(ExplorerOptions.Procs) ?? 2, pages = parse.GetValue(ExplorerOptions.Frames) ?? 64;
            if (seconds is <= 0 || steps is <= 0 || jobs is < 1 or > 64 || procs is < 1 or > 8 || pages is < 8 or > 1 << 20)
            {
                return terminal.Usage("expected --seconds > 0, --steps > 0, --jobs 1-64, --procs 1-8, --frames 8-1048576");
            }
            if (seconds is null && steps is null)
            {
                seconds = 10;
            }
            ShardSpec? shard = ExplorerOptions.ParseShard(parse, out error);
            if (error is not null)
            {
                return terminal.Usage(error);
            }
            if (shard is not null && steps is null)
            {
                return terminal.Usage("fuzz --shard needs --steps N: a time budget gives no answer that shards can merge exactly");
            }
            var universe = new Universe(policy, pages, procs, parse.GetValue(SharedOptions.NoDiagnostics) ? false : null);
            bool json = parse.GetValue(SharedOptions.Format) == SharedOptions.Json;
            if (shard is { } s)
            {
                var options = new FuzzOptions(universe, steps, null, parse.GetValue(Seed), 1, PanicsOnly: parse.GetValue(StopOn) == "panic",
                    Shard: new FuzzShard(s.Index, s.Count));
                FuzzResult part = Fuzzer.Run(options);
                string file = ShardRuns.Write(parse.GetValue(ExplorerOptions.Out)!, s, options, part);
                return MergeCommand.PrintShard(terminal, json, "fuzz", s, file, part.Calls, part.Seconds, part.States, part.Finding);
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Action<long, long>? progress = terminal.Rich && !json
                ? (calls, states) => terminal.Progress($"{(jobs > 1 ? "job 1 of " + jobs + ": " : "")}{calls:N0} calls, {calls / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):N0} calls/s, {states:N0} distinct states")
                : null;
            FuzzResult r = Fuzzer.Run(new FuzzOptions(universe, steps, seconds, parse.GetValue(Seed), jobs,
                PanicsOnly: parse.GetValue(StopOn) == "panic"), progress);
            terminal.Progress(null);
            var repro = r.Finding is { } f
                ? FindingReport.Write(f, universe, policy, parse.GetValue(ExplorerOptions.Out)!, $"found by uvmsim fuzz --policy {policy.Label} --seed {r.Seed}", $"seed{r.Seed}")
                : ((string, int)?)null;
            return FindingReport.Print(terminal, json, policy, r.Calls, r.Seconds, r.States, r.Finding, repro);
        }));
        return command;
    }
}
