using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using UvmSim.Cli.Rendering;
using UvmSim.Exploration;
using UvmSim.Exploration.Design;
using UvmSim.Exploration.Sharding;
using UvmSim.Policies;

namespace UvmSim.Cli.Commands;

/// <summary>
/// <c>uvmsim design</c>: the exhaustive explorer on every combination of the varied switches
/// (docs/design.md), each combination's shortest reproducer written as <c>DIR/LABEL.scn</c>,
/// then the analysis of the table. Exit 0 when the search completed, 2 for a usage error.
/// </summary>
internal static class DesignCommand
{
    private static readonly Option<string> Base = new("--base")
    {
        Description = "The preset the unvaried switches come from, and that 'minimal' moves back toward (default netbsd-8).",
        DefaultValueFactory = _ => PresetNames.NetBsd8,
        HelpName = "PRESET",
    };

    private static readonly Option<string> Vary = new("--vary")
    {
        Description = "Switches to vary over all their values: all (default) or a comma list.",
        DefaultValueFactory = _ => Lattice.All,
        HelpName = "all|SWITCH,...",
    };

    private static readonly Option<int?> Depth = new("--depth") { Description = "Longest call sequence to search per combination (required).", HelpName = "D" };
    private static readonly Option<int?> Pages = new("--pages") { Description = "Pages of each mapping and segment in the universe (1-4, default 2).", HelpName = "N" };
    private static readonly Option<bool> Transient = new("--transient") { Description = "Add vslock/vsunlock to the alphabet." };

    private static readonly Option<string> Ops = new("--ops")
    {
        Description = $"Op groups added to the explorer's alphabet: all (default), none, or a comma list of {string.Join(", ", OpGroupNames.All.Select(g => g.Name))}.",
        DefaultValueFactory = _ => "all",
        HelpName = "all|none|GROUP,...",
    };

    private static readonly Option<long> FuzzSteps = new("--fuzz-steps") { Description = "Seeded fuzz calls for each combination the search finds clean (default 0).", DefaultValueFactory = _ => 0, HelpName = "N" };
    private static readonly Option<int> Seed = new("--seed") { Description = "The fuzzer's seed (default 1).", DefaultValueFactory = _ => 1, HelpName = "S" };
    private static readonly Option<int?> Procs = RangedOption.Int("--procs", "Processes at the start", 1, 2, 1, "K");
    private static readonly Option<int?> Frames = RangedOption.Int("--frames", "Frames in the simulated machine", 8, 4096, 32);
    private static readonly Option<int> Jobs = new("--jobs") { Description = "Combinations searched at once (default 1); the result is the same for any number.", DefaultValueFactory = _ => 1, HelpName = "J" };

    /// <summary>Seconds between plain progress lines when standard error is not a terminal.</summary>
    private const double PlainProgressSeconds = 10;

    /// <summary>The command.</summary>
    public static Command Create(Terminal terminal)
    {
        var command = new Command("design", "Search every combination of switches: which are safe, which switch values are necessary, and why.")
        {
            Base, Vary, Depth, Procs, Pages, Frames, Transient, Ops, FuzzSteps, Seed, Jobs,
            ExplorerOptions.Out, SharedOptions.NoDiagnostics, SharedOptions.Format, ExplorerOptions.Shard,
        };
        command.SetAction(parse => CliApp.Guard(terminal, () =>
        {
            DesignOptions? o = Resolve(parse, out string? error);
            if (o is null)
            {
                return terminal.Usage(error!);
            }
            ShardSpec? shard = ExplorerOptions.ParseShard(parse, out error);
            if (error is not null)
            {
                return terminal.Usage(error);
            }
            bool json = parse.GetValue(SharedOptions.Format) == SharedOptions.Json;
            string outDir = parse.GetValue(ExplorerOptions.Out)!;
            var (report, clear) = Progress(terminal);
            if (shard is { } sh)
            {
                var clock = Stopwatch.StartNew();
                var part = DesignSearch.RunShard(o, sh, parse.GetValue(Jobs), report);
                clear();
                string file = DesignShards.Write(outDir, sh, o, part, clock.Elapsed.TotalSeconds);
                MergeCommand.PrintShard(terminal, json, "design", sh, file, 0, clock.Elapsed.TotalSeconds,
                    part.Sum(r => r.Row.States), null);
                return ExitCodes.Ok;
            }
            DesignResult result = DesignSearch.Run(o, parse.GetValue(Jobs), report);
            clear();
            return Report(terminal, json, result, outDir, parse.GetValue(Jobs));
        }));
        return command;
    }

    /// <summary>
    /// Writes the reproducers into <paramref name="outDir"/> and prints the table and its
    /// analysis: what a design run prints, and what <c>uvmsim merge</c> prints for its shards.
    /// </summary>
    public static int Report(Terminal terminal, bool json, DesignResult result, string outDir, int jobs)
    {
        DesignOptions o = result.Options;
        var paths = WriteReproducers(result, outDir);
        DesignAnalysis analysis = DesignAnalysis.Of(o.Base, o.Vary, o.Depth, [.. result.Combinations.Select(c => c.Row)]);
        if (json)
        {
            terminal.Line(JsonText(result, paths, analysis, jobs));
        }
        else
        {
            PrintText(terminal, result, paths, analysis);
        }
        return ExitCodes.Ok;
    }

    private static DesignOptions? Resolve(ParseResult parse, out string? error)
    {
        error = null;
        string baseName = parse.GetValue(Base)!;
        if (Policy.FromPreset(baseName) is not { } basePolicy)
        {
            error = $"--base takes one preset ({string.Join(", ", PresetNames.All)}), not '{baseName}'";
            return null;
        }
        if (Lattice.ParseVary(parse.GetValue(Vary)!, out error) is not { } vary)
        {
            return null;
        }
        if (ParseOps(parse.GetValue(Ops)!, out error) is not { } ops)
        {
            return null;
        }
        int? depth = parse.GetValue(Depth);
        int procs = parse.GetValue(Procs) ?? 1, pages = parse.GetValue(Pages) ?? 2, frames = parse.GetValue(Frames) ?? 32;
        int jobs = parse.GetValue(Jobs);
        long fuzz = parse.GetValue(FuzzSteps);
        if (depth is null or < 1 or > 12 || procs is < 1 or > 2 || pages is < 1 or > 4 || frames is < 8 or > 4096 || jobs is < 1 or > 64 || fuzz < 0)
        {
            error = "design needs --depth D (1-12); --procs takes 1 or 2, --pages 1-4, --frames 8-4096, --jobs 1-64, --fuzz-steps 0 or more";
            return null;
        }
        return new DesignOptions(basePolicy, vary, depth.Value, procs, pages, frames, parse.GetValue(Transient), ops,
            fuzz, parse.GetValue(Seed), parse.GetValue(SharedOptions.NoDiagnostics) ? false : null);
    }

    private static OpGroups? ParseOps(string text, out string? error)
    {
        error = null;
        OpGroups groups = OpGroups.None;
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            OpGroups? g = part switch
            {
                "all" => OpGroups.All,
                "none" => OpGroups.None,
                _ => OpGroupNames.Parse(part),
            };
            if (g is null)
            {
                error = $"--ops takes all, none or groups from {string.Join(", ", OpGroupNames.All.Select(x => x.Name))}, not '{part}'";
                return null;
            }
            groups |= g.Value;
        }
        return groups;
    }

    /// <summary>
    /// A live line when standard error is a terminal (whatever standard output is), else a
    /// plain line every <see cref="PlainProgressSeconds"/>. Returns the reporter and what clears the live line.
    /// </summary>
    private static (Action<DesignProgress> Report, Action Clear) Progress(Terminal terminal)
    {
        bool live = !Console.IsErrorRedirected && terminal.Error.Profile.Capabilities.Ansi;
        TextWriter error = terminal.Error.Profile.Out.Writer;
        var since = Stopwatch.StartNew();
        void Report(DesignProgress p)
        {
            string text = $"design: {p.Done}/{p.Total} combinations, {p.Findings} with findings, {p.Elapsed:F0} s"
                + (p.Remaining is { } r ? $", about {r:F0} s to go" : "");
            if (live)
            {
                error.Write("\r\u001b[2K" + text);
                error.Flush();
            }
            else if (since.Elapsed.TotalSeconds >= PlainProgressSeconds && p.Done < p.Total)
            {
                terminal.ErrorLine(text);
                since.Restart();
            }
        }
        void Clear()
        {
            if (live)
            {
                error.Write("\r\u001b[2K");
                error.Flush();
            }
        }
        return (Report, Clear);
    }

    /// <summary>Writes each finding's reproducer as <c>DIR/LABEL.scn</c>; the paths by label.</summary>
    private static Dictionary<string, string> WriteReproducers(DesignResult result, string outDir)
    {
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (CombinationResult c in result.Combinations.Where(c => c.Reproducer is not null))
        {
            Directory.CreateDirectory(outDir);
            string path = Path.Combine(outDir, c.Label + ".scn");
            File.WriteAllText(path, c.Reproducer);
            paths[c.Label] = path;
        }
        return paths;
    }

    private static void PrintText(Terminal terminal, DesignResult result, Dictionary<string, string> paths, DesignAnalysis analysis)
    {
        DesignOptions o = result.Options;
        terminal.Line($"design: {result.Combinations.Count} combinations of {string.Join(", ", o.Vary)} from {o.Base.Preset}, depth {o.Depth}, in {result.Seconds:F1} s");
        foreach (CombinationResult c in result.Combinations)
        {
            string outcome = c.Clean
                ? $"clean to depth {c.Depth}"
                : $"{c.Kind} at depth {c.Depth}: {c.Message} (reproducer {paths[c.Label]}, {c.ReproducerCalls} calls)";
            terminal.Line($"  {c.Label}: {outcome} [{c.States:N0} states, {c.Seconds:F2} s]");
        }
        terminal.Line($"safe ({analysis.Safe.Count} of {result.Combinations.Count}):");
        foreach (string label in analysis.Safe)
        {
            terminal.Line($"  {label}");
        }
        terminal.Line($"minimal safe (no switch can move back to {o.Base.Preset}'s value and stay safe):");
        foreach (string label in analysis.MinimalSafe)
        {
            terminal.Line($"  {label}");
        }
        terminal.Line("switch values:");
        foreach (ValueVerdict v in analysis.Values)
        {
            terminal.Line($"  {v.Switch}={v.Value}: {v.RoleName}");
        }
        terminal.Line("findings shared with neighbours (one switch moved):");
        var switchesOf = result.Combinations.ToDictionary(c => c.Label, c => c.Switches);
        foreach (SharedFinding s in analysis.Shared)
        {
            var moves = s.SameAs.Select(n => string.Join(",", switchesOf[n].Zip(switchesOf[s.Label])
                .Where(p => p.First.Value != p.Second.Value).Select(p => $"{p.First.Key}={p.First.Value}")));
            terminal.Line($"  {s.Label}: {s.Finding}; the same with {(s.SameAs.Count == 0 ? "no neighbour" : string.Join(", ", moves))}");
        }
        terminal.Line("verdict: " + analysis.Verdict);
    }

    private static string JsonText(DesignResult result, Dictionary<string, string> paths, DesignAnalysis analysis, int jobs) => Json.Write(w =>
    {
        DesignOptions o = result.Options;
        w.WriteStartObject();
        w.WriteNumber("version", 1);
        w.WriteStartObject("universe");
        w.WriteString("base", o.Base.Preset);
        Strings(w, "vary", o.Vary);
        w.WriteNumber("depth", o.Depth);
        w.WriteNumber("procs", o.Procs);
        w.WriteNumber("pages", o.MappingPages);
        w.WriteNumber("frames", o.Frames);
        w.WriteBoolean("transient", o.Transient);
        Strings(w, "ops", OpGroupNames.Names(o.Ops));
        w.WriteNumber("fuzzSteps", o.FuzzSteps);
        w.WriteNumber("seed", o.Seed);
        w.WriteBoolean("diagnostics", o.Diagnostics ?? true);
        w.WriteEndObject();
        w.WriteStartArray("combinations");
        foreach (CombinationResult c in result.Combinations)
        {
            w.WriteStartObject();
            w.WriteString("label", c.Label);
            w.WriteStartObject("switches");
            foreach (var (name, value) in c.Switches)
            {
                w.WriteString(name, value);
            }
            w.WriteEndObject();
            w.WriteBoolean("clean", c.Clean);
            w.WriteNumber("depth", c.Depth);
            w.WriteNumber("states", c.States);
            w.StringOrNull("kind", c.Kind);
            w.StringOrNull("message", c.Message);
            w.StringOrNull("reproducer", paths.GetValueOrDefault(c.Label));
            if (c.ReproducerCalls is { } calls)
            {
                w.WriteNumber("reproducerCalls", calls);
            }
            else
            {
                w.WriteNull("reproducerCalls");
            }
            w.WriteNumber("seconds", Math.Round(c.Seconds, 3));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("analysis");
        Strings(w, "safe", analysis.Safe);
        Strings(w, "minimalSafe", analysis.MinimalSafe);
        w.WriteStartArray("values");
        foreach (ValueVerdict v in analysis.Values)
        {
            w.WriteStartObject();
            w.WriteString("switch", v.Switch);
            w.WriteString("value", v.Value);
            w.WriteString("role", v.RoleName);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        Strings(w, "irrelevant", analysis.Irrelevant);
        w.WritePropertyName("needs");
        Constraints(w, analysis.Needs);
        w.WriteStartArray("anyOf");
        foreach (var alternative in analysis.AnyOf)
        {
            Constraints(w, alternative);
        }
        w.WriteEndArray();
        w.WriteStartArray("shared");
        foreach (SharedFinding s in analysis.Shared)
        {
            w.WriteStartObject();
            w.WriteString("label", s.Label);
            w.WriteString("finding", s.Finding);
            Strings(w, "sameAs", s.SameAs);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("verdict", analysis.Verdict);
        w.WriteEndObject();
        w.WriteNumber("seconds", Math.Round(result.Seconds, 3));
        w.WriteNumber("jobs", jobs);
        w.WriteEndObject();
    });

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (string v in values)
        {
            w.WriteStringValue(v);
        }
        w.WriteEndArray();
    }

    private static void Constraints(Utf8JsonWriter w, IReadOnlyList<Constraint> constraints)
    {
        w.WriteStartArray();
        foreach (Constraint c in constraints)
        {
            w.WriteStartObject();
            w.WriteString("switch", c.Switch);
            Strings(w, "values", c.Values);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
