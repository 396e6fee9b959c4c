using Spectre.Console;

namespace UvmSim.Cli;

/// <summary>
/// Where a command writes: standard output and standard error as Spectre consoles, and whether
/// output is a terminal (colour and tables) or redirected (plain text, stable for scripts).
/// Tests pass <c>TestConsole</c>s with <see cref="Rich"/> false.
/// </summary>
internal sealed record Terminal(IAnsiConsole Out, IAnsiConsole Error, bool Rich)
{
    /// <summary>
    /// Whether a progress line may be drawn in place: standard error is a terminal and
    /// <c>TERM</c> is not <c>dumb</c> (what progress is written on, not standard output).
    /// </summary>
    public bool LiveError { get; init; }

    /// <summary>The process's console: rich only when standard output is a terminal.</summary>
    public static Terminal ForProcess(IAnsiConsole stdout, TextWriter stderr)
    {
        var error = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stderr),
            Ansi = Console.IsErrorRedirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = Console.IsErrorRedirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        return new Terminal(stdout, error, Rich: !Console.IsOutputRedirected)
        {
            LiveError = !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb",
        };
    }

    /// <summary>
    /// Writes one line to standard output as given (no markup, no wrapping), with controls and
    /// bidi overrides shown escaped (<see cref="TextSafety.Lines"/>): scenario text never acts on
    /// the terminal.
    /// </summary>
    public void Line(string text = "")
    {
        TextWriter w = Out.Profile.Out.Writer;
        w.Write(TextSafety.Lines(text));
        w.Write('\n');
        w.Flush();
    }

    /// <summary>Writes text (possibly several lines) to standard error as given, escaped as <see cref="Line"/> is, then a newline.</summary>
    public void ErrorLine(string text)
    {
        TextWriter w = Error.Profile.Out.Writer;
        w.Write(TextSafety.Lines(text));
        w.Write('\n');
        w.Flush();
    }

    /// <summary>
    /// A live progress line on standard error (rewritten in place); null clears it. Nothing is
    /// written unless <see cref="LiveError"/>; <see cref="Progress"/> decides what to draw when.
    /// </summary>
    public void Progress(string? text)
    {
        if (!LiveError)
        {
            return;
        }
        TextWriter w = Error.Profile.Out.Writer;
        w.Write(text is null ? "\r\u001b[2K" : "\r\u001b[2K" + text);
        w.Flush();
    }

    /// <summary>A usage error: one line on stderr, then <see cref="ExitCodes.UsageError"/>.</summary>
    public int Usage(string message)
    {
        ErrorLine("uvmsim: " + message);
        return ExitCodes.UsageError;
    }
}
