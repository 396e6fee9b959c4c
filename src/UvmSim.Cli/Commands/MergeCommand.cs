using System.CommandLine;
using System.Globalization;
using UvmSim.Cli.Rendering;
using UvmSim.Exploration;
using UvmSim.Exploration.Sharding;
using UvmSim.Policies;

namespace UvmSim.Cli.Commands;

/// <summary>
/// <c>uvmsim merge DIR</c>: combines the shard files that <c>explore</c>, <c>fuzz</c> or
/// <c>design</c> with <c>--shard I/N</c> wrote into DIR, and prints the summary one process
/// prints for the same search (the reproducer shrunk and written into DIR, as a single run
/// writes it into <c>--out</c>). A missing, repeated, foreign or damaged shard is an error
/// naming the file (exit 2), never a smaller answer.
/// </summary>
internal static class MergeCommand
{
    private static readonly Argument<string> Dir = new("DIR") { Description = "The directory the shards wrote (their --out)." };

    /// <summary>The command.</summary>
    public static Command Create(Terminal terminal)
    {
        var command = new Command("merge", "Merge the shard files of a sharded explore, fuzz or design run into the single-process answer.")
        {
            Dir, SharedOptions.Format,
        };
        command.SetAction(parse => CliApp.Guard(terminal, () =>
        {
            string dir = parse.GetValue(Dir)!;
            bool json = parse.GetValue(SharedOptions.Format) == SharedOptions.Json;
            if (ShardMerge.ReadAll(dir, out string? error) is not { } files)
            {
                terminal.ErrorLine("uvmsim merge: " + error);
                return ExitCodes.UsageError;
            }
            if (files[0].Command == "design")
            {
                if (DesignShards.Merge(dir, files, out error) is not { } design)
                {
                    terminal.ErrorLine("uvmsim merge: " + error);
                    return ExitCodes.UsageError;
                }
                if (!json)
                {
                    terminal.Line($"merged {files.Count} design shard{(files.Count == 1 ? "" : "s")} from {dir}");
                }
                return DesignCommand.Report(terminal, json, design, dir, files.Count);
            }
            MergedSearch? merged = ShardMerge.Merge(dir, out error);
            if (merged is null)
            {
                terminal.ErrorLine("uvmsim merge: " + error);
                return ExitCodes.UsageError;
            }
            IReadOnlyDictionary<string, string> s = merged.Settings;
            Policy? policy = ShardRuns.PolicyOf(s["policy"]);
            if (policy is null)
            {
                terminal.ErrorLine($"uvmsim merge: {dir}: the shards name policy '{s["policy"]}', which this uvmsim does not know");
                return ExitCodes.UsageError;
            }
            var universe = new Universe(policy, Int(s["frames"]), Int(s["procs"]), s["diagnostics"] == "false" ? false : null);
            FindingReport.Reproduction? repro = merged.Finding is { } f
                ? merged.Command == "explore"
                    ? FindingReport.Write(f, universe, policy, dir, FindingReport.ExploreOrigin(policy, Int(s["depth"]), Int(s["procs"]), Int(s["pages"]), Int(s["frames"]), f.Ops.Count), $"depth{f.Ops.Count}")
                    : FindingReport.Write(f, universe, policy, dir, FindingReport.FuzzOrigin(policy, merged.Seed, Int(s["procs"]), Int(s["frames"])), $"seed{merged.Seed}")
                : null;
            if (!json)
            {
                terminal.Line($"merged {merged.Shards} {merged.Command} shard{(merged.Shards == 1 ? "" : "s")} from {dir}");
                if (merged.Finding is null && merged.Command == "explore")
                {
                    terminal.Line($"no violation up to depth {s["depth"]}");
                }
            }
            return FindingReport.Print(terminal, json, policy, merged.Calls, merged.Seconds, merged.States,
                merged.Command == "explore" ? null : merged.Seed, merged.Finding, repro, interrupted: false);
        }));
        return command;
    }

    /// <summary>What a shard prints: its own counts and where its shard file went (exit 1 when it found something).</summary>
    public static int PrintShard(Terminal terminal, bool json, string command, ShardSpec shard, string file,
        long calls, double seconds, long states, Finding? finding)
    {
        if (json)
        {
            terminal.Line(Json.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("command", command);
                w.WriteString("shard", shard.ToString());
                w.WriteString("file", file);
                w.WriteNumber("calls", calls);
                w.WriteNumber("seconds", Math.Round(seconds, 3));
                w.WriteNumber("states", states);
                w.WriteBoolean("found", finding is not null);
                w.StringOrNull("kind", finding?.Kind);
                w.StringOrNull("message", finding?.Message);
                w.WriteEndObject();
            }));
        }
        else
        {
            terminal.Line($"{command} shard {shard}: {calls:N0} calls in {seconds:F2} s, {states:N0} states{(finding is null ? "" : $", found a {finding.Kind}")}; wrote {file}");
            terminal.Line($"when every shard is done: uvmsim merge {Path.GetDirectoryName(file)}");
        }
        return finding is null ? FindingReport.NothingFound : FindingReport.Found;
    }

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);
}
