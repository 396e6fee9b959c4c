using UvmSim.Exploration.Shrinking;
using System.CommandLine;
using UvmSim.Exploration;
using UvmSim.Policies;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Cli.Commands;

/// <summary>
/// <c>uvmsim shrink FILE --policy P</c>: reduces a scenario that fails under P to a minimal
/// one that fails the same way, written to --out (SPEC §13). Exit 0 written, 1 the file
/// does not fail under P, 2 usage or parse error.
/// </summary>
internal static class ShrinkCommand
{
    private static readonly Argument<string> File = new("FILE") { Description = "The scenario to shrink." };

    /// <summary>The command.</summary>
    public static Command Create(Terminal terminal)
    {
        var command = new Command("shrink", "Reduce a failing scenario to a minimal one that fails the same way.")
        {
            File, ExplorerOptions.Policy, ExplorerOptions.Out, SharedOptions.Set, SharedOptions.NoDiagnostics,
        };
        command.SetAction(parse => CliApp.Guard(terminal, () =>
        {
            Policy? policy = ExplorerOptions.Resolve(parse.GetValue(ExplorerOptions.Policy)!, parse.GetValue(SharedOptions.Set), out string? error);
            if (policy is null)
            {
                return terminal.Usage(error!);
            }
            string path = parse.GetValue(File)!;
            var (scenario, parseError) = ScenarioFiles.Parse(ScenarioFiles.FromPaths([path])[0]);
            if (scenario is null)
            {
                terminal.ErrorLine(parseError!);
                return ExitCodes.UsageError;
            }
            var shrinker = new Shrinker(policy, parse.GetValue(SharedOptions.NoDiagnostics) ? false : null);
            Scenario? shrunk = shrinker.Shrink(scenario);
            if (shrunk is null)
            {
                terminal.ErrorLine($"{path}: does not panic or leave a violation under {policy.Label}");
                return 1;
            }
            string outDir = parse.GetValue(ExplorerOptions.Out)!;
            Directory.CreateDirectory(outDir);
            string target = Path.Combine(outDir, Path.GetFileNameWithoutExtension(path) + ".min.scn");
            System.IO.File.WriteAllText(target, $"# shrunk from {path} under {policy.Label} by uvmsim shrink ({shrinker.Runs} runs)\n" + ScenarioPrinter.Print(shrunk));
            terminal.Line($"{shrunk.Statements.OfType<CallStatement>().Count()} calls (from {scenario.Statements.OfType<CallStatement>().Count()}): {target}");
            return 0;
        }));
        return command;
    }
}
