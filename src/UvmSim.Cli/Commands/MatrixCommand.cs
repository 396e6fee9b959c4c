using System.CommandLine;
using UvmSim.Cli.Rendering;
using UvmSim.Policies;

namespace UvmSim.Cli.Commands;

/// <summary><c>uvmsim matrix FILE...</c>: the scenarios × policies matrix for the given files (SPEC §13).</summary>
internal static class MatrixCommand
{
    /// <summary>The command, writing to <paramref name="terminal"/>.</summary>
    public static Command Create(Terminal terminal)
    {
        var command = new Command("matrix", "Show each file's outcome under each selected policy as a matrix.")
        {
            SharedOptions.Files,
            SharedOptions.Policy,
            SharedOptions.Set,
            SharedOptions.NoDiagnostics,
            SharedOptions.Format,
        };
        command.SetAction(parse => CliApp.Guard(terminal, () => Execute(
            terminal,
            ScenarioFiles.FromPaths(parse.GetValue(SharedOptions.Files) ?? [], directories: true),
            parse.GetValue(SharedOptions.Policy),
            parse.GetValue(SharedOptions.Set),
            parse.GetValue(SharedOptions.NoDiagnostics),
            parse.GetValue(SharedOptions.Format) == SharedOptions.Json)));
        return command;
    }

    /// <summary>Runs every source under every selected policy and prints the matrix; returns the exit status.</summary>
    public static int Execute(Terminal terminal, IReadOnlyList<ScenarioSource> sources, string[]? policyNames, string[]? sets,
        bool noDiagnostics, bool json)
    {
        IReadOnlyList<Policy>? policies = PolicySelection.Resolve(policyNames, sets, out string? error);
        if (policies is null)
        {
            return terminal.Usage(error!);
        }
        if (ScenarioFiles.UnknownOption(sources.Select(s => s.Name)) is { } unknown)
        {
            return terminal.Usage(unknown);
        }
        var (results, status) = Runs.Execute(terminal, sources, policies, noDiagnostics ? false : null, trace: false);
        MatrixView.Render(terminal, results, policies, json);
        return status;
    }
}
