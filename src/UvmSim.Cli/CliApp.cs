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
    };

    /// <summary>Parses and invokes; command-line errors are usage errors (exit 2), one line each on stderr.</summary>
    public static int Run(string[] args, Terminal terminal)
    {
        ParseResult parse = BuildRoot(terminal).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                terminal.ErrorLine("uvmsim: " + string.Join(' ', error.Message.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            }
            terminal.ErrorLine("Try 'uvmsim --help'.");
            return ExitCodes.UsageError;
        }
        return parse.Invoke(new InvocationConfiguration
        {
            Output = terminal.Out.Profile.Out.Writer,
            Error = terminal.Error.Profile.Out.Writer,
            EnableDefaultExceptionHandler = false,
        });
    }

    /// <summary>Runs a command body; an unexpected exception becomes <c>internal error: ...</c> and exit 2.</summary>
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
            terminal.ErrorLine($"uvmsim: internal error: {e.GetType().Name}: {e.Message}");
            return ExitCodes.UsageError;
        }
    }
}
