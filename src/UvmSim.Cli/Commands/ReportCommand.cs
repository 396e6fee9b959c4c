using System.CommandLine;
using UvmSim.Cli.Report;
using UvmSim.Cli.Rendering;
using UvmSim.Policies;
using UvmSim.Scenarios.Running;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Cli.Commands;

/// <summary>
/// <c>uvmsim report FILE... -o report.html</c>: runs the files under the selected policies with
/// traces and writes one self-contained HTML page (matrix, timelines, call lists, and a design
/// lattice or explorer summaries read from their JSON output).
/// </summary>
internal static class ReportCommand
{
    private static readonly Option<string> Output = new("--output", "-o") { Description = "The HTML file to write (required).", HelpName = "FILE" };
    private static readonly Option<string[]> Design = new("--design")
    {
        Description = "A 'uvmsim design --format json' result to show as a lattice table. Repeatable.",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
        HelpName = "FILE.json",
    };
    private static readonly Option<string[]> Explore = new("--explore")
    {
        Description = "An 'uvmsim explore --format json' summary to show as states per depth. Repeatable.",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
        HelpName = "FILE.json",
    };

    /// <summary>The command.</summary>
    public static Command Create(Terminal terminal)
    {
        var command = new Command("report", "Write an HTML report: the matrix, each scenario's wire-count timelines per policy, and optional design and explorer results.")
        {
            SharedOptions.Files, SharedOptions.Policy, SharedOptions.Set, SharedOptions.NoDiagnostics, Design, Explore, Output,
        };
        command.SetAction(parse => CliApp.Guard(terminal, () => Execute(
            terminal,
            parse.GetValue(SharedOptions.Files) ?? [],
            parse.GetValue(SharedOptions.Policy),
            parse.GetValue(SharedOptions.Set),
            parse.GetValue(SharedOptions.NoDiagnostics),
            parse.GetValue(Design) ?? [],
            parse.GetValue(Explore) ?? [],
            parse.GetValue(Output))));
        return command;
    }

    /// <summary>
    /// Runs the files and writes the report. =&gt; the status <c>matrix</c> would give (0, 1 when
    /// an expectation failed, 2 when a file did not parse: the others are still reported), or 2
    /// for a usage error or an input or output file that cannot be used (nothing written).
    /// </summary>
    public static int Execute(Terminal terminal, IReadOnlyList<string> files, string[]? policyNames, string[]? sets,
        bool noDiagnostics, IReadOnlyList<string> designFiles, IReadOnlyList<string> exploreFiles, string? output)
    {
        if (string.IsNullOrEmpty(output))
        {
            return terminal.Usage("report needs -o FILE.html, the file to write");
        }
        IReadOnlyList<Policy>? policies = PolicySelection.Resolve(policyNames, sets, out string? error);
        if (policies is null)
        {
            return terminal.Usage(error!);
        }
        if (ScenarioFiles.UnknownOption(files) is { } unknown)
        {
            return terminal.Usage(unknown);
        }
        if (ReadAll(designFiles, ReportInputs.ReadDesign, out var designs) is { } badDesign)
        {
            return terminal.Usage(badDesign);
        }
        if (ReadAll(exploreFiles, ReportInputs.ReadExplore, out var explores) is { } badExplore)
        {
            return terminal.Usage(badExplore);
        }
        var sources = ScenarioFiles.FromPaths(files, directories: true);
        var (results, status) = Runs.Execute(terminal, sources, policies, noDiagnostics ? false : null, trace: true);
        var scenarios = new List<ReportScenario>();
        foreach (var group in results.GroupBy(r => r.Source))
        {
            // The source parsed once already (it has results); its call lines are the timeline's x axis.
            Scenario scenario = ScenarioFiles.Parse(group.Key).Scenario!;
            var calls = scenario.Statements.OfType<CallStatement>().Select(c => c.Line).ToHashSet();
            scenarios.Add(new ReportScenario(group.Key.ShortName, group.Key.Name, calls, group.Select(r => r.Result).ToList()));
        }
        string full = Path.GetFullPath(output);
        string html = HtmlReport.Render(scenarios, policies.Select(p => p.Label).ToList(), designs, explores, Path.GetDirectoryName(full)!);
        try
        {
            File.WriteAllText(full, html);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            terminal.ErrorLine($"uvmsim: cannot write {output}: {e.Message}");
            return ExitCodes.UsageError;
        }
        terminal.Line($"wrote {output}: {scenarios.Count} scenarios × {policies.Count} policies");
        return status;
    }

    /// <summary>Reads every input file; =&gt; the first file's problem, or null with all of them read.</summary>
    private static string? ReadAll<T>(IReadOnlyList<string> files, Func<string, (T?, string?)> read, out List<T> inputs)
        where T : class
    {
        inputs = [];
        foreach (string file in files)
        {
            var (input, problem) = read(file);
            if (input is null)
            {
                return problem;
            }
            inputs.Add(input);
        }
        return null;
    }
}
