using System.CommandLine;
using System.CommandLine.Help;
using UvmSim.Cli.Commands;

namespace UvmSim.Cli;

/// <summary>The <c>uvmsim</c> command tree and the rules every command shares: usage errors exit 2, nothing prints a stack trace.</summary>
internal static class CliApp
{
    /// <summary>
    /// The root command with every subcommand, writing to <paramref name="terminal"/>. It is
    /// a plain command named <c>uvmsim</c>, with the help and version options a
    /// <see cref="RootCommand"/> would add, because a root command takes its name from the
    /// binary, which here is <c>UvmSim.Cli</c>.
    /// </summary>
    public static Command BuildRoot(Terminal terminal) => new("uvmsim", "uvmsim: a model of NetBSD UVM page wiring")
    {
        new HelpOption(),
        new VersionOption(),
        DemoCommand.Create(terminal),
        RunCommand.Create(terminal),
        MatrixCommand.Create(terminal),
        PoliciesCommand.Create(terminal),
        FuzzCommand.Create(terminal),
        ExploreCommand.Create(terminal),
        DesignCommand.Create(terminal),
        MergeCommand.Create(terminal),
        ShrinkCommand.Create(terminal),
        EmitCCommand.Create(terminal),
        KernelCommand.Create(terminal),
        BenchHostCommand.Create(terminal),
        ReportCommand.Create(terminal),
    };

    /// <summary>
    /// Parses and invokes; command-line errors are usage errors (exit 2), one line each on
    /// stderr, with "did you mean" for a misspelt command or option. No arguments prints the
    /// help; <c>[suggest:N] "LINE"</c> prints completions (<see cref="Completion"/>).
    /// </summary>
    public static int Run(string[] args, Terminal terminal)
    {
        Command root = BuildRoot(terminal);
        if (args.Length == 0)
        {
            args = ["--help"];
        }
        if (Completion.IsRequest(args))
        {
            return Completion.Run(root, args, terminal);
        }
        ParseResult parse = root.Parse(args);
        var errors = Suggestions.Explain(parse);
        if (errors.Count > 0)
        {
            foreach (string error in errors)
            {
                terminal.ErrorLine("uvmsim: " + string.Join(' ', error.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            }
            terminal.ErrorLine($"Try '{HelpCommand(parse)}'.");
            return ExitCodes.UsageError;
        }
        return parse.Invoke(new InvocationConfiguration
        {
            Output = terminal.Out.Profile.Out.Writer,
            Error = terminal.Error.Profile.Out.Writer,
            EnableDefaultExceptionHandler = false,
        });
    }

    /// <summary><c>uvmsim COMMAND --help</c> for the command the error is in, else <c>uvmsim --help</c>.</summary>
    private static string HelpCommand(ParseResult parse) =>
        parse.CommandResult.Command.Parents.Any() ? $"uvmsim {parse.CommandResult.Command.Name} --help" : "uvmsim --help";

    /// <summary>
    /// Runs a command body; an unexpected exception becomes one line, <c>uvmsim: internal error:
    /// ...</c>, and exit 70 (<see cref="ExitCodes.InternalError"/>), so a script tells a bug from
    /// its own mistake (exit 2).
    /// </summary>
    public static int Guard(Terminal terminal, Func<int> body)
    {
        try
        {
            return body();
        }
#pragma warning disable CA1031 // the last line of defence: report, never print a trace
        catch (Exception e)
#pragma warning restore CA1031
        {
            terminal.ErrorLine($"uvmsim: internal error: {e.GetType().Name}: {TextSafety.OneLine(e.Message)}");
            return ExitCodes.InternalError;
        }
    }
}
