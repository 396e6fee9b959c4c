using System.Text;

namespace UvmSim.Scenarios.Syntax;

/// <summary>
/// A parse error as a value (SPEC §12.7): the CLI prints <see cref="Render"/> and exits 2;
/// nothing throws.
/// </summary>
/// <param name="File">The file name as given on the command line.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column in Unicode scalar values (tab and invalid byte count one).</param>
/// <param name="Message">What is wrong.</param>
/// <param name="SourceLine">The offending line (invalid bytes shown as U+FFFD), for the caret display.</param>
public sealed record ParseError(string File, int Line, int Column, string Message, string SourceLine)
{
    /// <summary>
    /// The three-line form: <c>FILE:LINE:COL: error: MESSAGE</c>, the source line, and a caret
    /// under COL (tabs copied so the caret lines up). Lines are joined by <c>\n</c>, no final newline.
    /// </summary>
    public string Render()
    {
        var caret = new StringBuilder();
        int col = 1;
        foreach (var rune in SourceLine.EnumerateRunes())
        {
            if (col >= Column)
            {
                break;
            }
            caret.Append(rune.Value == '\t' ? '\t' : ' ');
            col++;
        }
        caret.Append(' ', Math.Max(0, Column - col)).Append('^');
        return $"{File}:{Line}:{Column}: error: {Message}\n{SourceLine}\n{caret}";
    }

    /// <inheritdoc/>
    public override string ToString() => $"{File}:{Line}:{Column}: error: {Message}";
}

/// <summary>The result of parsing: a scenario or the first error.</summary>
public sealed class ParseResult
{
    private ParseResult(Scenario? scenario, ParseError? error)
    {
        Scenario = scenario;
        Error = error;
    }

    /// <summary>The scenario, when parsing succeeded.</summary>
    public Scenario? Scenario { get; }

    /// <summary>The first error, when it failed.</summary>
    public ParseError? Error { get; }

    /// <summary>True when <see cref="Scenario"/> is set.</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(Scenario))]
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(false, nameof(Error))]
    public bool Success => Scenario is not null;

    /// <summary>A successful result.</summary>
    public static ParseResult Ok(Scenario scenario) => new(scenario, null);

    /// <summary>A failed result.</summary>
    public static ParseResult Failed(ParseError error) => new(null, error);

    /// <inheritdoc/>
    public override string ToString() => Success ? $"ok: {Scenario.Statements.Count} statements" : Error.ToString();
}
