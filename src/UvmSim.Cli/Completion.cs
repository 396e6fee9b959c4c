using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace UvmSim.Cli;

/// <summary>
/// Shell completion from System.CommandLine's own completions (<see cref="ParseResult.GetCompletions"/>),
/// through the <c>[suggest]</c> directive that <c>dotnet-suggest</c> speaks:
/// <c>uvmsim [suggest:POSITION] "uvmsim fu"</c> prints one completion per line. The root is a
/// plain command named <c>uvmsim</c> (not a <see cref="RootCommand"/>, whose name would be the
/// binary's, <c>UvmSim.Cli</c>), so the directive is answered here. Set-up: docs/cli.md.
/// </summary>
internal static class Completion
{
    private const string Directive = "[suggest";

    /// <summary>Whether <paramref name="args"/> asks for completions.</summary>
    public static bool IsRequest(string[] args) => args.Length > 0 && args[0].StartsWith(Directive, StringComparison.Ordinal) && args[0].EndsWith(']');

    /// <summary>Prints the completions for the command line in <paramref name="args"/>; exit 0.</summary>
    public static int Run(Command root, string[] args, Terminal terminal)
    {
        string line = args.Length > 1 ? string.Join(' ', args[1..]) : "";
        string inner = args[0][Directive.Length..^1];
        int position = inner.StartsWith(':') && int.TryParse(inner[1..], NumberStyles.None, CultureInfo.InvariantCulture, out int p)
            ? Math.Min(p, line.Length)
            : line.Length;
        // The line starts with the program's name, as the shell saw it: drop it.
        string[] words = CommandLineParser.SplitCommandLine(line[..position]).ToArray();
        string[] rest = words.Length > 0 ? words[1..] : [];
        bool atNewWord = position > 0 && line[position - 1] == ' ';
        ParseResult parse = root.Parse(rest);
        int at = string.Join(' ', rest).Length + (atNewWord ? 1 : 0);
        foreach (var item in parse.GetCompletions(at))
        {
            terminal.Line(item.Label);
        }
        return ExitCodes.Ok;
    }
}
