using UvmSim.Exploration.Shrinking;
using System.Text.Json;
using UvmSim.Cli.Rendering;
using UvmSim.Exploration;
using UvmSim.Policies;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Cli.Commands;

/// <summary>
/// What <c>fuzz</c> and <c>explore</c> do with a finding: shrink it, write the reproducer to
/// the output folder, and print the summary (text or the §13 JSON object).
/// </summary>
internal static class FindingReport
{
    /// <summary>Exit status when nothing was found.</summary>
    public const int NothingFound = 0;

    /// <summary>Exit status when a panic or violation was found.</summary>
    public const int Found = 1;

    /// <summary>Shrinks and writes the finding; returns the reproducer's path and its number of calls.</summary>
    public static (string Path, int Calls) Write(Finding finding, Universe universe, Policy policy, string outDir, string origin, string tag)
    {
        string comment = $"{origin}\n{finding.Kind}: {finding.Message}\nreplay: uvmsim run FILE --policy {policy.Preset}";
        string text = Reproducer.Text(universe, finding.Ops, comment);
        Scenario raw = Reproducer.Parse("reproducer.scn", text);
        Scenario shrunk = new Shrinker(policy, universe.Diagnostics).Shrink(raw) ?? raw;
        Directory.CreateDirectory(outDir);
        string stem = Path.Combine(outDir, $"{policy.Preset}-{finding.Kind}-{tag}");
        string path = stem + ".scn";
        for (int i = 2; File.Exists(path); i++)
        {
            path = $"{stem}-{i}.scn";
        }
        string header = string.Concat(comment.Split('\n').Select(l => "# " + l + "\n"));
        File.WriteAllText(path, header + ScenarioPrinter.Print(shrunk));
        return (path, shrunk.Statements.OfType<CallStatement>().Count());
    }

    /// <summary>Prints the summary and returns the exit status.</summary>
    public static int Print(Terminal terminal, bool json, Policy policy, long calls, double seconds, long states,
        Finding? finding, (string Path, int Calls)? reproducer)
    {
        double rate = seconds > 0 ? calls / seconds : 0;
        if (json)
        {
            terminal.Line(Json.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("policy", policy.Label);
                w.WriteNumber("calls", calls);
                w.WriteNumber("seconds", Math.Round(seconds, 3));
                w.WriteNumber("callsPerSecond", Math.Round(rate));
                w.WriteNumber("states", states);
                w.WriteBoolean("found", finding is not null);
                w.StringOrNull("kind", finding?.Kind);
                w.StringOrNull("message", finding?.Message);
                w.StringOrNull("reproducer", reproducer?.Path);
                if (reproducer is { } r)
                {
                    w.WriteNumber("reproducerCalls", r.Calls);
                }
                else
                {
                    w.WriteNull("reproducerCalls");
                }
                w.WriteEndObject();
            }));
        }
        else
        {
            terminal.Line($"{policy.Label}: {calls:N0} calls in {seconds:F2} s ({rate:N0} calls/s), {states:N0} distinct states");
            if (finding is null)
            {
                terminal.Line("nothing found");
            }
            else
            {
                terminal.Line($"found a {finding.Kind}: {finding.Message}");
                terminal.Line($"reproducer ({reproducer?.Calls} calls): {reproducer?.Path}");
            }
        }
        return finding is null ? NothingFound : Found;
    }
}
