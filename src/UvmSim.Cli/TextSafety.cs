using System.Globalization;
using System.Text;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Cli;

/// <summary>
/// Scenario text, file names and paths shown on a terminal or in text output: characters that
/// would act instead of print are shown escaped (issue 12). C0 and C1 controls and DEL become
/// <c>\xHH</c> (a newline <c>\n</c>, a carriage return <c>\r</c>; a tab stays, it only moves the
/// cursor forwards), and the bidirectional controls that reorder what a reader sees (U+061C,
/// U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) become <c>\uXXXX</c>. JSON needs none of this:
/// its writer escapes controls itself, and a <c>\uXXXX</c> inside a JSON string is the same string.
/// </summary>
internal static class TextSafety
{
    /// <summary><paramref name="text"/> with every control and bidi override escaped, newlines included: one line.</summary>
    public static string OneLine(string text) => Escape(text, keepNewlines: false);

    /// <summary><paramref name="text"/> escaped as <see cref="OneLine"/>, except that <c>\n</c> still ends a line.</summary>
    public static string Lines(string text) => Escape(text, keepNewlines: true);

    /// <summary>Whether <paramref name="c"/> is shown escaped.</summary>
    public static bool IsUnsafe(char c) =>
        (c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f) || c == '\u061c' || c == '\u200e' || c == '\u200f'
        || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');

    private static string Escape(string text, bool keepNewlines)
    {
        if (!text.Any(IsUnsafe))
        {
            return text;
        }
        var b = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            if (!IsUnsafe(c) || (keepNewlines && c == '\n'))
            {
                b.Append(c);
                continue;
            }
            b.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                < '\u0100' => "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture),
                _ => "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
            });
        }
        return b.ToString();
    }

    /// <summary>
    /// A parse error's three lines (SPEC §12.7) with the file name and source line escaped, and the
    /// caret still under the column: it is placed after the escaped text before the column.
    /// </summary>
    public static string Render(ParseError error)
    {
        string source = error.SourceLine;
        int before = 0, col = 1;
        foreach (Rune rune in source.EnumerateRunes())
        {
            if (col >= error.Column)
            {
                break;
            }
            before += rune.Utf16SequenceLength;
            col++;
        }
        var caret = new StringBuilder();
        foreach (Rune rune in OneLine(source[..before]).EnumerateRunes())
        {
            caret.Append(rune.Value == '\t' ? '\t' : ' ');
        }
        caret.Append(' ', Math.Max(0, error.Column - col)).Append('^');
        return $"{OneLine(error.File)}:{error.Line}:{error.Column}: error: {OneLine(error.Message)}\n{OneLine(source)}\n{caret}";
    }

    /// <summary>
    /// <paramref name="word"/> as one shell word for a command a reader copies: as it is when
    /// it holds only <c>[A-Za-z0-9._/+=:,-]</c>, else in single quotes (a quote inside as
    /// <c>'\''</c>), with controls escaped so the command stays on one line.
    /// </summary>
    public static string ShellWord(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '/' or '+' or '=' or ':' or ',' or '-')
            ? word
            : "'" + OneLine(word).Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
