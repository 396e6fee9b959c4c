using UvmSim.Exploration.Shrinking;
using UvmSim.Cli.Rendering;
using UvmSim.Exploration;
using UvmSim.Policies;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Cli.Commands;

/// <summary>
/// What <c>fuzz</c> and <c>explore</c> do with a finding: shrink it, write the reproducer to
/// the output folder, and print the summary (text or the §13 JSON object). A finding is never
/// lost: <c>--out</c> is checked before the search (<see cref="CheckOut"/>), the file is written
/// whole or not at all (<see cref="AtomicFile"/>), and when it still cannot be written the
/// reproducer's text is printed instead.
/// </summary>
internal static class FindingReport
{
    /// <summary>Exit status when nothing was found.</summary>
    public const int NothingFound = 0;

    /// <summary>Exit status when a panic or violation was found.</summary>
    public const int Found = 1;

    /// <summary>The first line of every reproducer; <c>run</c> reads it to say "reproduced".</summary>
    public const string Marker = "# uvmsim reproducer: ";

    /// <summary>A shrunk finding: where it was written (null when it could not be), its calls, its text, and why not.</summary>
    public sealed record Reproduction(string? Path, int Calls, string Text, string? WriteError);

    /// <summary>A usage message when reproducers cannot be written to <paramref name="outDir"/>, else null.</summary>
    public static string? CheckOut(string outDir) =>
        AtomicFile.CheckWritable(outDir) is { } why ? $"--out {TextSafety.OneLine(outDir)}: cannot write a reproducer there: {why}" : null;

    /// <summary>Where an explore finding came from: the command that finds it again (explore and merge write the same header).</summary>
    public static string ExploreOrigin(Policy policy, int depth, int procs, int pages, int frames, int calls) =>
        $"uvmsim explore --policy {policy.Preset} --depth {depth} --procs {procs} --pages {pages} --frames {frames}: a shortest counterexample ({calls} calls)";

    /// <summary>Where a fuzz finding came from: the command that finds it again (fuzz and merge write the same header).</summary>
    public static string FuzzOrigin(Policy policy, int? seed, int procs, int frames) =>
        $"uvmsim fuzz --policy {policy.Preset} --seed {seed} --procs {procs} --frames {frames}";

    /// <summary>Shrinks and writes the finding; never throws for an unwritable folder.</summary>
    public static Reproduction Write(Finding finding, Universe universe, Policy policy, string outDir, string origin, string tag)
    {
        string text = Reproducer.Text(universe, finding.Ops, "");
        Scenario raw = Reproducer.Parse("reproducer.scn", text);
        Scenario shrunk = new Shrinker(policy, universe.Diagnostics).Shrink(raw) ?? raw;
        int calls = shrunk.Statements.OfType<CallStatement>().Count();
        string body = ScenarioPrinter.Print(shrunk);
        string Header(string path) => string.Concat(new[]
        {
            $"{Marker}a {finding.Kind} ({finding.Message})",
            $"found by: {origin}",
            $"replay:   {ReplayCommand(path, policy)}",
            $"PASS from that command means the {finding.Kind} happened again, as recorded below.",
        }.Select(l => "# " + TextSafety.OneLine(l[(l.StartsWith('#') ? 2 : 0)..]) + "\n")) + body;
        string stem = Path.Combine(outDir, $"{policy.Preset}-{finding.Kind}-{tag}");
        try
        {
            Directory.CreateDirectory(outDir);
            string path = AtomicFile.WriteNew(stem, ".scn", Header);
            return new Reproduction(path, calls, Header(path), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new Reproduction(null, calls, Header(stem + ".scn"), e.Message);
        }
    }

    /// <summary>The command that replays a reproducer: its real path and the policy, with any <c>--set</c>.</summary>
    public static string ReplayCommand(string path, Policy policy)
    {
        Policy preset = Policy.FromPreset(policy.Preset)!;
        IEnumerable<string> sets = policy.Switches.Zip(preset.Switches)
            .Where(p => p.First.Value != p.Second.Value)
            .Select(p => $" --set {p.First.Key}={p.First.Value}");
        return $"uvmsim run {TextSafety.ShellWord(path)} --policy {policy.Preset}{string.Concat(sets)}";
    }

    /// <summary>Prints the summary and returns the exit status (<paramref name="interrupted"/>: the search was stopped by a signal).</summary>
    /// <remarks><paramref name="cpuSeconds"/>: the process's CPU time over the search, when it was measured (not for a merge).</remarks>
    public static int Print(Terminal terminal, bool json, Policy policy, long calls, double seconds, long states,
        int? seed, Finding? finding, Reproduction? reproducer, bool interrupted, IReadOnlyList<long>? statesPerDepth = null, double? cpuSeconds = null)
    {
        double rate = seconds > 0 ? calls / seconds : 0;
        if (json)
        {
            terminal.Line(Json.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("policy", policy.Label);
                w.NumberOrNull("seed", seed);
                w.WriteBoolean("interrupted", interrupted);
                w.WriteNumber("calls", calls);
                w.WriteNumber("seconds", Math.Round(seconds, 3));
                if (cpuSeconds is { } cpu)
                {
                    w.WriteNumber("cpuSeconds", Math.Round(cpu, 3));
                }
                else
                {
                    w.WriteNull("cpuSeconds");
                }
                w.WriteNumber("callsPerSecond", Math.Round(rate));
                w.WriteNumber("states", states);
                w.WriteBoolean("found", finding is not null);
                w.StringOrNull("kind", finding?.Kind);
                w.StringOrNull("message", finding?.Message);
                w.StringOrNull("reproducer", reproducer?.Path);
                w.NumberOrNull("reproducerCalls", reproducer?.Calls);
                w.StringOrNull("reproducerText", reproducer is { Path: null } ? reproducer.Text : null);
                w.StringOrNull("reproducerError", reproducer?.WriteError);
                if (statesPerDepth is not null)
                {
                    // explore only: fuzz has no depths.
                    w.WriteStartArray("statesPerDepth");
                    foreach (long n in statesPerDepth)
                    {
                        w.WriteNumberValue(n);
                    }
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }));
        }
        else
        {
            string seedText = seed is { } s ? $", seed {s}" : "";
            string cpuText = cpuSeconds is { } c ? $", {c:F2} s of CPU" : "";
            terminal.Line($"{policy.Label}: {calls:N0} calls in {seconds:F2} s ({rate:N0} calls/s{cpuText}), {states:N0} distinct states{seedText}"
                + (interrupted ? " (interrupted)" : ""));
            if (finding is null)
            {
                terminal.Line(interrupted ? "nothing found before the interruption" : "nothing found");
            }
            else
            {
                terminal.Line($"found a {finding.Kind}: {finding.Message}");
                if (reproducer is { Path: { } path })
                {
                    terminal.Line($"reproducer ({reproducer.Calls} calls): {path}");
                }
                else if (reproducer is not null)
                {
                    terminal.ErrorLine($"uvmsim: cannot write the reproducer: {reproducer.WriteError}");
                    terminal.Line($"reproducer ({reproducer.Calls} calls), not written; its text:");
                    foreach (string line in reproducer.Text.TrimEnd('\n').Split('\n'))
                    {
                        terminal.Line(line);
                    }
                }
            }
        }
        return finding is null ? NothingFound : Found;
    }
}
