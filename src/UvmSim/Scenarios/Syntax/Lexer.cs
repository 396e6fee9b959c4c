using System.Globalization;
using System.Text;

namespace UvmSim.Scenarios.Syntax;

/// <summary>The tokens of one line and where its comment starts.</summary>
/// <param name="Tokens">Tokens in column order; lexing stops after the first bad token.</param>
/// <param name="CodeLength">Scalars before the comment (the whole line if none).</param>
public sealed record LexedLine(IReadOnlyList<Token> Tokens, int CodeLength);

/// <summary>
/// Splits a decoded line into blank-separated words and quoted strings (SPEC §12.1).
/// Words are interpreted by the parser in context (a number, an expression, a flag set…),
/// because <c>netbsd-8</c>, <c>p+1p</c> and <c>create|0600</c> share characters.
/// </summary>
public static class Lexer
{
    /// <summary>Tokenizes <paramref name="line"/>; never throws.</summary>
    public static LexedLine Lex(int[] line)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (i < line.Length)
        {
            int c = line[i];
            if (c is ' ' or '\t')
            {
                i++;
                continue;
            }
            if (c == '#')
            {
                // The comment must still be valid text: report its first bad scalar.
                for (int k = i + 1; k < line.Length; k++)
                {
                    if (BadScalar(line[k]) is { } message)
                    {
                        tokens.Add(new Token(TokenKind.Bad, "", k + 1, 1, message));
                        break;
                    }
                }
                return new LexedLine(tokens, i);
            }
            var token = c == '"' ? LexString(line, ref i) : LexWord(line, ref i);
            tokens.Add(token);
            if (token.Kind == TokenKind.Bad)
            {
                break;
            }
        }
        return new LexedLine(tokens, line.Length);
    }

    /// <summary>Why a scalar can appear nowhere in a file, or null.</summary>
    private static string? BadScalar(int c) => c switch
    {
        SourceText.InvalidByte => "invalid UTF-8 byte",
        0 => "NUL byte",
        _ => null,
    };

    private static Token LexWord(int[] line, ref int i)
    {
        int start = i;
        var text = new StringBuilder();
        while (i < line.Length && line[i] is not (' ' or '\t' or '#' or '"'))
        {
            int c = line[i];
            if (BadScalar(c) is { } message)
            {
                return new Token(TokenKind.Bad, "", i + 1, 1, message);
            }
            if (c < 0x20 || c == 0x7F)
            {
                return new Token(TokenKind.Bad, "", i + 1, 1,
                    $"unexpected character U+{c.ToString("X4", CultureInfo.InvariantCulture)}");
            }
            text.Append(new Rune(c).ToString());
            i++;
        }
        return new Token(TokenKind.Word, text.ToString(), start + 1, i - start);
    }

    private static Token LexString(int[] line, ref int i)
    {
        int start = i;
        var text = new StringBuilder();
        i++;
        while (i < line.Length)
        {
            int c = line[i];
            if (BadScalar(c) is { } message)
            {
                return new Token(TokenKind.Bad, "", i + 1, 1, message);
            }
            if (c == '"')
            {
                i++;
                return new Token(TokenKind.String, text.ToString(), start + 1, i - start);
            }
            if (c == '\\')
            {
                int next = i + 1 < line.Length ? line[i + 1] : -2;
                if (next is not ('"' or '\\'))
                {
                    if (next == -2)
                    {
                        break;
                    }
                    return new Token(TokenKind.Bad, "", i + 1, 1, "unknown escape in string (only \\\" and \\\\)");
                }
                c = next;
                i++;
            }
            text.Append(new Rune(c).ToString());
            i++;
        }
        return new Token(TokenKind.Bad, "", start + 1, 1, "unterminated string");
    }
}
