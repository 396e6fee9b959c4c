using System.CommandLine;
using UvmSim.Exploration;
using UvmSim.Exploration.Sharding;
using UvmSim.Policies;

namespace UvmSim.Cli.Commands;

/// <summary><c>uvmsim fuzz</c>: seeded random call sequences, audited after every call (SPEC §13).</summary>
internal static class FuzzCommand
{
    private static readonly Option<double?> Seconds = new("--seconds") { Description = "Stop after this many seconds, > 0 (default 10 unless --steps).", HelpName = "N" };
    private static readonly Option<long?> Steps = new("--steps") { Description = "Stop after this many calls in all, > 0.", HelpName = "N" };
    private static readonly Option<int> Seed = new("--seed") { Description = "Seed of the first job (default 1); job j uses seed + j.", DefaultValueFactory = _ => 1, HelpName = "S" };
    private static readonly Option<string> StopOn = CreateStopOn();
    private static readonly Option<string> Jobs = RangedOption.Jobs("Independent seeds run in parallel");
    private static readonly Option<int?> Procs = RangedOption.Int("--procs", "Processes at the start", 1, 8, 2, "K");
    private static readonly Option<int?> Frames = RangedOption.Int("--frames", "Frames in the simulated machine", 8, 1 << 20, 64);

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
            ExplorerOptions.Policy, Seconds, Steps, Seed, Jobs, Procs, Frames,
            StopOn, ExplorerOptions.Out, SharedOptions.Set, SharedOptions.NoDiagnostics, SharedOptions.Format, ExplorerOptions.Shard, ProgressReport.Option,
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
            if (seconds is <= 0 || steps is <= 0)
            {
                return terminal.Usage(seconds is <= 0 ? $"--seconds must be > 0, not {seconds}" : $"--steps must be > 0, not {steps}");
            }
            int jobs = RangedOption.JobCount(parse.GetValue(Jobs))!.Value, procs = parse.GetValue(Procs) ?? 2, pages = parse.GetValue(Frames) ?? 64;
            string outDir = parse.GetValue(ExplorerOptions.Out)!;
            if (FindingReport.CheckOut(outDir) is { } unwritable)
            {
                return terminal.Usage(unwritable);
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
                string file = ShardRuns.Write(outDir, s, options, part);
                return MergeCommand.PrintShard(terminal, json, "fuzz", s, file, part.Calls, part.Seconds, part.States, part.Finding);
            }
            int seed = parse.GetValue(Seed);
            var progress = ProgressReport.For(terminal, parse.GetValue(ProgressReport.Option), json);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var interruption = Interruption.Listen();
            FuzzResult r = Fuzzer.Run(new FuzzOptions(universe, steps, seconds, seed, jobs,
                PanicsOnly: parse.GetValue(StopOn) == "panic"),
                (calls, states) => progress.Report(() => $"fuzz {policy.Label}, seed {seed}{(jobs > 1 ? $" (job 1 of {jobs})" : "")}: {calls:N0} calls, {calls / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):N0} calls/s, {states:N0} distinct states"),
                interruption.Token);
            progress.Done();
            var repro = r.Finding is { } f
                ? FindingReport.Write(f, universe, policy, outDir, FindingReport.FuzzOrigin(policy, r.Seed, procs, pages), $"seed{r.Seed}")
                : null;
            int status = FindingReport.Print(terminal, json, policy, r.Calls, r.Seconds, r.States, r.Seed ?? seed, r.Finding, repro, interruption.Requested, cpuSeconds: r.CpuSeconds);
            return interruption.Requested && r.Finding is null ? interruption.ExitCode : status;
        }));
        return command;
    }
}
