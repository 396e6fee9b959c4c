using System.Diagnostics.CodeAnalysis;
using UvmSim.Policies;

namespace UvmSim.Scenarios.Syntax;

/* Numbers, expressions, ranges, flag sets and per-preset alternatives (SPEC §12.1, §12.4). */
internal sealed partial class Parser
{
    private const string NumberTooBig = "number does not fit in 64 bits";

    /*
     * Parses a number with an optional unit: decimal, 0x hex, or octal when 0 is followed by
     * digits. A p number stays a page count (inPages); its byte value is checked against the
     * page size known so far.
     * => text starts with a digit; errors are reported at column, the number's first column.
     */
    private bool ParseNumber(string text, int column, out ulong value, out bool inPages)
    {
        value = 0;
        inPages = false;
        int i;
        if (text.StartsWith("0x", StringComparison.Ordinal))
        {
            for (i = 2; i < text.Length && char.IsAsciiHexDigit(text[i]); i++)
            {
                if (value > ulong.MaxValue >> 4)
                {
                    return Fail(column, NumberTooBig);
                }
                value = (value << 4) + (ulong)(char.IsAsciiDigit(text[i]) ? text[i] - '0' : (text[i] | 0x20) - 'a' + 10);
            }
            if (i == 2)
            {
                return Fail(column, $"malformed number '{text}'");
            }
        }
        else
        {
            ulong radix = text.Length > 1 && text[0] == '0' && char.IsAsciiDigit(text[1]) ? 8UL : 10UL;
            for (i = 0; i < text.Length && char.IsAsciiDigit(text[i]); i++)
            {
                ulong digit = (ulong)(text[i] - '0');
                if (digit >= radix)
                {
                    return Fail(column, $"malformed number '{text}'");
                }
                if (value > (ulong.MaxValue - digit) / radix)
                {
                    return Fail(column, NumberTooBig);
                }
                value = value * radix + digit;
            }
        }
        string unit = text[i..];
        ulong multiplier;
        switch (unit)
        {
            case "":
                return true;
            case "p":
                inPages = true;
                multiplier = _pageSize;
                break;
            case "k": multiplier = 1UL << 10; break;
            case "m": multiplier = 1UL << 20; break;
            case "g": multiplier = 1UL << 30; break;
            default:
                return Fail(column, $"unknown unit '{unit}' in '{text}' (p, k, m or g)");
        }
        if (value > ulong.MaxValue / multiplier)
        {
            return Fail(column, NumberTooBig);
        }
        if (!inPages)
        {
            value *= multiplier;
        }
        return true;
    }

    // A number standing alone (machine and proc values): units resolved to bytes now.
    private bool ParsePlainNumber(string text, int column, out ulong value)
    {
        value = 0;
        if (text.Length == 0 || !char.IsAsciiDigit(text[0]))
        {
            return Fail(column, $"malformed number '{text}'");
        }
        if (!ParseNumber(text, column, out value, out bool inPages))
        {
            return false;
        }
        if (inPages)
        {
            value *= _pageSize;
        }
        return true;
    }

    /*
     * Parses an expression word: numbers and bound names joined by + or -.
     * => a leading - only when allowNegative (a check's right-hand side).
     */
    private bool ParseExpr(string text, int column, bool allowNegative, [NotNullWhen(true)] out Expr? expr)
    {
        expr = null;
        if (text.Length == 0)
        {
            return Fail(column, "missing value");
        }
        var terms = new List<Term>();
        int i = 0;
        bool negative = false;
        if (text[0] == '-' && allowNegative)
        {
            negative = true;
            i = 1;
        }
        while (true)
        {
            int j = i;
            while (j < text.Length && text[j] is not ('+' or '-'))
            {
                j++;
            }
            int termColumn = ColumnAt(text, column, i);
            if (j == i)
            {
                return Fail(termColumn, i == 0 && text[0] == '-'
                    ? "a negative value is allowed only on a check's right-hand side"
                    : $"malformed expression '{text}'");
            }
            if (!ParseTerm(text[i..j], termColumn, negative, out var term))
            {
                return false;
            }
            terms.Add(term);
            if (j == text.Length)
            {
                break;
            }
            negative = text[j] == '-';
            i = j + 1;
        }
        expr = new Expr(terms.ToEquatableList());
        return true;
    }

    private bool ParseTerm(string text, int column, bool negative, [NotNullWhen(true)] out Term? term)
    {
        term = null;
        if (char.IsAsciiDigit(text[0]))
        {
            if (!ParseNumber(text, column, out ulong value, out bool inPages))
            {
                return false;
            }
            term = new Term(negative, null, value, inPages);
            return true;
        }
        if (!char.IsAsciiLetter(text[0]) && text[0] != '_')
        {
            return Fail(column, $"unexpected '{FirstScalar(text)}' in an expression");
        }
        for (int k = 1; k < text.Length; k++)
        {
            if (!char.IsAsciiLetterOrDigit(text[k]) && text[k] != '_')
            {
                return Fail(ColumnAt(text, column, k), $"unexpected '{FirstScalar(text[k..])}' in '{text}'");
            }
        }
        if (Keywords.IsReserved(text))
        {
            return Fail(column, $"reserved word '{text}' cannot be a name");
        }
        if (!_names.Contains(text))
        {
            return Fail(column, $"unknown name '{text}' (no earlier NAME = binds it)");
        }
        term = Term.Named(text, negative);
        return true;
    }

    private static string FirstScalar(string text) =>
        text.Length > 1 && char.IsHighSurrogate(text[0]) ? text[..2] : text[..1];

    // The next argument as an expression.
    private bool NextExpr(string what, [NotNullWhen(true)] out Expr? expr)
    {
        expr = null;
        return NextWord(what, out var token) && ParseExpr(token.Text, token.Column, false, out expr);
    }

    // The next argument as ADDR or ADDR..LEN.
    private bool NextRange(string what, [NotNullWhen(true)] out Expr? address, out Expr? length)
    {
        address = null;
        length = null;
        if (!NextWord(what, out var token))
        {
            return false;
        }
        int dots = token.Text.IndexOf("..", StringComparison.Ordinal);
        if (dots < 0)
        {
            return ParseExpr(token.Text, token.Column, false, out address);
        }
        return ParseExpr(token.Text[..dots], token.Column, false, out address)
            && ParseExpr(token.Text[(dots + 2)..], ColumnAt(token.Text, token.Column, dots + 2), false, out length);
    }

    // A |-joined flag set of words allowed in context and raw numbers.
    private bool ParseFlags(Token token, FlagContext context, [NotNullWhen(true)] out FlagSet? flags)
    {
        flags = null;
        ulong bits = 0;
        var words = new List<string>();
        int start = 0;
        string text = token.Text;
        while (true)
        {
            int bar = text.IndexOf('|', start);
            int end = bar < 0 ? text.Length : bar;
            string part = text[start..end];
            int column = ColumnAt(text, token.Column, start);
            if (part.Length == 0)
            {
                return Fail(column, $"malformed flags '{text}'");
            }
            if (char.IsAsciiDigit(part[0]))
            {
                if (!ParsePlainNumber(part, column, out ulong value))
                {
                    return false;
                }
                bits |= value;
            }
            else if (Keywords.TryFlag(context, part, out ulong value))
            {
                bits |= value;
                words.Add(part);
            }
            else
            {
                return Fail(column, $"unknown flag '{part}'");
            }
            if (bar < 0)
            {
                break;
            }
            start = bar + 1;
        }
        flags = new FlagSet(bits, words.ToEquatableList());
        return true;
    }

    /*
     * Re-splits the rest of the line so that "netbsd-8,dual:" and "EIO|0" become separate
     * tokens: alternatives are punctuated by | , and : whether or not blanks surround them.
     */
    private void SplitRest()
    {
        var rest = new List<Token>();
        for (int k = _pos; k < _tokens.Count; k++)
        {
            var token = _tokens[k];
            if (token.Kind != TokenKind.Word)
            {
                rest.Add(token);
                continue;
            }
            int start = 0;
            string text = token.Text;
            for (int i = 0; i <= text.Length; i++)
            {
                if (i < text.Length && text[i] is not ('|' or ',' or ':'))
                {
                    continue;
                }
                if (i > start)
                {
                    int column = ColumnAt(text, token.Column, start);
                    rest.Add(new Token(TokenKind.Word, text[start..i], column, ColumnAt(text, token.Column, i) - column));
                }
                if (i < text.Length)
                {
                    rest.Add(new Token(TokenKind.Punct, text[i].ToString(), ColumnAt(text, token.Column, i), 1));
                }
                start = i + 1;
            }
        }
        _tokens.RemoveRange(_pos, _tokens.Count - _pos);
        _tokens.AddRange(rest);
    }

    private delegate bool ValueParser<T>([NotNullWhen(true)] out T? value);

    /*
     * Parses "CONDITION: VALUE | ... | DEFAULT" up to the end of the line, where a condition is
     * PRESET[,PRESET] or SWITCH=VALUE[,VALUE] (docs/scenarios.md).
     * => SplitRest has run; a preset is named at most once; the default comes last.
     */
    private bool ParseAlternatives<T>(string what, ValueParser<T> parseValue,
        out EquatableList<Alternative<T>> alternatives, out T? fallback)
        where T : class
    {
        var list = new List<Alternative<T>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        alternatives = EquatableList<Alternative<T>>.Empty;
        fallback = null;
        while (true)
        {
            if (AtEnd)
            {
                return Fail(MissingColumn, $"missing {what}");
            }
            Condition? condition = null;
            if (Peek.Kind == TokenKind.Word && _pos + 1 < _tokens.Count
                && (_tokens[_pos + 1].IsPunct(":") || _tokens[_pos + 1].IsPunct(",")))
            {
                if (!(Peek.Text.Contains('=', StringComparison.Ordinal)
                        ? ParseSwitchCondition(out condition)
                        : ParsePresetCondition(seen, out condition)))
                {
                    return false;
                }
            }
            if (!parseValue(out var value))
            {
                return false;
            }
            if (condition is null)
            {
                fallback = value;
            }
            else
            {
                list.Add(new Alternative<T>(condition, value));
            }
            if (AtEnd)
            {
                break;
            }
            if (!Peek.IsPunct("|"))
            {
                return ExtraArgument();
            }
            _pos++;
            if (fallback is not null)
            {
                return Fail(AtEnd ? MissingColumn : Peek.Column, $"the default {what} must come last");
            }
        }
        alternatives = list.ToEquatableList();
        return true;
    }

    // PRESET[,PRESET]: — each a known preset, none named twice on the line.
    private bool ParsePresetCondition(HashSet<string> seen, [NotNullWhen(true)] out Condition? condition)
    {
        condition = null;
        var presets = new List<string>();
        while (true)
        {
            if (!NextValueToken("a preset", out var preset))
            {
                return false;
            }
            if (preset.Text.Contains('=', StringComparison.Ordinal))
            {
                return Fail(preset.Column, "a condition names presets or one switch, not both");
            }
            if (!PresetNames.Named.Contains(preset.Text))
            {
                return Fail(preset.Column, $"unknown policy '{preset.Text}'");
            }
            if (!seen.Add(preset.Text))
            {
                return Fail(preset.Column, $"policy '{preset.Text}' is named twice");
            }
            presets.Add(preset.Text);
            if (!EndOfConditionPart(out bool more))
            {
                return false;
            }
            if (!more)
            {
                condition = new PresetCondition(presets.ToEquatableList());
                return true;
            }
        }
    }

    // SWITCH=VALUE[,VALUE]: — a known switch and its legal values, none named twice.
    private bool ParseSwitchCondition([NotNullWhen(true)] out Condition? condition)
    {
        condition = null;
        if (!NextValueToken("a switch", out var first))
        {
            return false;
        }
        int equals = first.Text.IndexOf('=', StringComparison.Ordinal);
        string name = first.Text[..equals];
        if (Policy.AllValuesOf(name) is not { } legal)
        {
            return Fail(first.Column, $"unknown switch '{name}' (expected one of {string.Join(", ", Policy.AllSwitchNames)})");
        }
        var values = new List<string>();
        string value = first.Text[(equals + 1)..];
        int column = ColumnAt(first.Text, first.Column, equals + 1);
        while (true)
        {
            if (!legal.Contains(value))
            {
                return Fail(column, value.Length == 0
                    ? $"missing a value of switch '{name}'"
                    : $"switch '{name}' takes {string.Join(", ", legal)}, not '{value}'");
            }
            if (values.Contains(value))
            {
                return Fail(column, $"value '{value}' is named twice");
            }
            values.Add(value);
            if (!EndOfConditionPart(out bool more))
            {
                return false;
            }
            if (!more)
            {
                condition = new SwitchCondition(name, values.ToEquatableList());
                return true;
            }
            if (!NextValueToken($"a value of switch '{name}'", out var next))
            {
                return false;
            }
            if (next.Text.Contains('=', StringComparison.Ordinal))
            {
                return Fail(next.Column, "a condition names one switch (list its values: SWITCH=VALUE,VALUE)");
            }
            value = next.Text;
            column = next.Column;
        }
    }

    // After a condition's word: ',' (more follows) or ':' (the condition ends).
    private bool EndOfConditionPart(out bool more)
    {
        more = false;
        if (!AtEnd && Peek.IsPunct(","))
        {
            _pos++;
            more = true;
            return true;
        }
        if (!AtEnd && Peek.IsPunct(":"))
        {
            _pos++;
            return true;
        }
        return AtEnd ? Fail(MissingColumn, "missing ':' after the condition") : Fail(Peek.Column, $"expected ',' or ':', found {Describe(Peek)}");
    }

    // [=> OUTCOME...] at the end of a call line.
    private bool ParseExpectation(out Expectation? expectation)
    {
        expectation = null;
        if (AtEnd)
        {
            return true;
        }
        if (!Peek.IsWord("=>"))
        {
            return ExtraArgument();
        }
        _pos++;
        SplitRest();
        if (!ParseAlternatives<Outcome>("outcome", ParseOutcome, out var alternatives, out var fallback))
        {
            return false;
        }
        expectation = new Expectation(alternatives, fallback);
        return true;
    }

    private bool ParseOutcome([NotNullWhen(true)] out Outcome? outcome)
    {
        outcome = null;
        if (!NextValueToken("outcome", out var token))
        {
            return false;
        }
        switch (token.Text)
        {
            case "0" or "ok": outcome = Outcome.Ok; return true;
            case "dead": outcome = Outcome.Dead; return true;
            case "unbound": outcome = Outcome.Unbound; return true;
            case "panic":
                if (AtEnd)
                {
                    return Fail(MissingColumn, "missing panic text (a string)");
                }
                var text = Peek;
                if (text.Kind == TokenKind.Bad)
                {
                    return Fail(text.Column, text.Error ?? "bad token");
                }
                if (text.Kind != TokenKind.String)
                {
                    return Fail(text.Column, $"expected the panic text as a string, found {Describe(text)}");
                }
                _pos++;
                outcome = Outcome.Panic(text.Text);
                return true;
        }
        if (Keywords.TryErrno(token.Text, out var errno))
        {
            outcome = Outcome.Error(errno);
            return true;
        }
        return token.Text.Length > 1 && token.Text[0] == 'E' && token.Text.All(char.IsAsciiLetterUpper)
            ? Fail(token.Column, $"unknown errno '{token.Text}'")
            : Fail(token.Column, $"unknown outcome '{token.Text}'");
    }

    // One word of an alternative's condition or value (not punctuation, not a string).
    private bool NextValueToken(string what, out Token token)
    {
        token = default;
        if (AtEnd)
        {
            return Fail(MissingColumn, $"missing {what}");
        }
        token = Peek;
        if (token.Kind == TokenKind.Bad)
        {
            return Fail(token.Column, token.Error ?? "bad token");
        }
        if (token.Kind != TokenKind.Word)
        {
            return Fail(token.Column, $"expected {what}, found {Describe(token)}");
        }
        _pos++;
        return true;
    }
}
