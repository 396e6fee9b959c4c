using UvmSim.Exploration.Shrinking;
using System.CommandLine;
using UvmSim.Cli.Rendering;
using UvmSim.Exploration;
using UvmSim.Policies;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Cli.Commands;

/// <summary>
/// <c>uvmsim shrink FILE --policy P [--out DIR] [--format text|json]</c>: reduces a scenario
/// that fails under P to a minimal one that fails the same way, written to --out (SPEC §13).
/// Exit 0 written, 1 the file does not fail under P, 2 usage or parse error.
/// </summary>
internal static class ShrinkCommand
{
    private static readonly Argument<string> File = new("FILE") { Description = "The scenario to shrink." };

    /// <summary>The command.</summary>
    public static Command Create(Terminal terminal)
    {
        var command = new Command("shrink", "Reduce a failing scenario to a minimal one that fails the same way.")
        {
            File, ExplorerOptions.Policy, ExplorerOptions.Out, SharedOptions.Set, SharedOptions.NoDiagnostics, SharedOptions.Format,
        };
        command.SetAction(parse => CliApp.Guard(terminal, () =>
        {
            Policy? policy = ExplorerOptions.Resolve(parse.GetValue(ExplorerOptions.Policy)!, parse.GetValue(SharedOptions.Set), out string? error);
            if (policy is null)
            {
                return terminal.Usage(error!);
            }
            string path = parse.GetValue(File)!;
            if (ScenarioFiles.UnknownOption([path]) is { } unknown)
            {
                return terminal.Usage(unknown);
            }
            var (scenario, parseError) = ScenarioFiles.Parse(ScenarioFiles.FromPaths([path])[0]);
            if (scenario is null)
            {
                terminal.ErrorLine(parseError!);
                return ExitCodes.UsageError;
            }
            string outDir = parse.GetValue(ExplorerOptions.Out)!;
            if (FindingReport.CheckOut(outDir) is { } unwritable)
            {
                return terminal.Usage(unwritable);
            }
            bool json = parse.GetValue(SharedOptions.Format) == SharedOptions.Json;
            var shrinker = new Shrinker(policy, parse.GetValue(SharedOptions.NoDiagnostics) ? false : null);
            Scenario? shrunk = shrinker.Shrink(scenario);
            int before = scenario.Statements.OfType<CallStatement>().Count();
            if (shrunk is null)
            {
                terminal.ErrorLine($"{TextSafety.OneLine(path)}: does not panic or leave a violation under {policy.Label}");
                if (json)
                {
                    terminal.Line(RenderJson(path, policy, before, null, shrinker.Runs, null));
                }
                return 1;
            }
            string target = Path.Combine(outDir, Path.GetFileNameWithoutExtension(path) + ".min.scn");
            // The input path goes into a comment line: escaped and quoted, so it is one line whatever it holds.
            string header = $"# shrunk from {TextSafety.ShellWord(path)} under {policy.Label} by uvmsim shrink ({shrinker.Runs} runs)\n"
                + $"# replay: {TextSafety.OneLine(FindingReport.ReplayCommand(target, policy))}\n";
            int after = shrunk.Statements.OfType<CallStatement>().Count();
            try
            {
                AtomicFile.Write(target, header + ScenarioPrinter.Print(shrunk), overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                terminal.ErrorLine($"uvmsim: cannot write {TextSafety.OneLine(target)}: {e.Message}; the shrunk scenario follows");
                terminal.Line(header + ScenarioPrinter.Print(shrunk).TrimEnd('\n'));
                return ExitCodes.UsageError;
            }
            terminal.Line(json
                ? RenderJson(path, policy, before, after, shrinker.Runs, target)
                : $"{after} calls (from {before}): {target}");
            return 0;
        }));
        return command;
    }

    /// <summary>The shrink document (docs/json.md): what was shrunk, under what, to how many calls, where.</summary>
    public static string RenderJson(string file, Policy policy, int callsBefore, int? calls, int runs, string? output) => Json.Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("version", 1);
        w.WriteString("file", file);
        w.WriteString("policy", policy.Label);
        w.WriteBoolean("fails", calls is not null);
        w.WriteNumber("callsBefore", callsBefore);
        w.NumberOrNull("calls", calls);
        w.WriteNumber("runs", runs);
        w.StringOrNull("output", output);
        w.WriteEndObject();
    });
}
