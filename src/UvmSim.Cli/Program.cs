using Spectre.Console;

namespace UvmSim.Cli;

/// <summary>The <c>uvmsim</c> entry point: build the command tree, parse, invoke.</summary>
internal static class Program
{
    private static int Main(string[] args) =>
        CliApp.Run(args, Terminal.ForProcess(AnsiConsole.Console, Console.Error));
}
