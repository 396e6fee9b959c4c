using System.Diagnostics.CodeAnalysis;

namespace UvmSim.Scenarios.Syntax;

/* The check forms of SPEC §12.5 and the PROC: prefix rule. */
internal sealed partial class Parser
{
    private static readonly HashSet<string> PerProcessForms =
        ["pw", "ec", "mlocked", "onfault", "resident", "entries", "locked", "wirefuture"];

    private static readonly HashSet<string> GlobalForms = ["wired", "free", "segment", "audit"];

    /*
     * Parses the rest of a check line, "check" already consumed.
     * => proc and prefix are both null or both set.
     */
    private bool ParseCheck(string? proc, Token? prefix, [NotNullWhen(true)] out CheckStatement? statement)
    {
        statement = null;
        if (!NextWord("check form", out var form))
        {
            return false;
        }
        bool perProcess = PerProcessForms.Contains(form.Text);
        if (!perProcess && !GlobalForms.Contains(form.Text))
        {
            return Fail(form.Column, $"unknown check '{form.Text}'");
        }
        if (perProcess && proc is null)
        {
            return Fail(form.Column, $"check {form.Text} needs a PROC: prefix");
        }
        if (!perProcess && prefix is { } p)
        {
            return Fail(p.Column, $"check {form.Text} is global and takes no PROC: prefix");
        }
        Expr? address = null, length = null;
        var kind = CheckValueKind.Number;
        var property = SegmentProperty.Nattch;
        switch (form.Text)
        {
            case "pw" or "resident" or "mlocked" or "onfault":
                if (!NextRange("ADDR[..LEN]", out address, out length))
                {
                    return false;
                }
                kind = form.Text == "pw" ? CheckValueKind.Number : CheckValueKind.YesNo;
                break;
            case "ec":
                if (!NextExpr("ADDR", out address))
                {
                    return false;
                }
                kind = CheckValueKind.Number;
                break;
            case "wirefuture":
                kind = CheckValueKind.YesNo;
                break;
            case "segment":
                if (!NextExpr("ID", out address) || !NextWord("locked, exists, nattch or dest", out var what))
                {
                    return false;
                }
                (bool known, property, kind) = what.Text switch
                {
                    "locked" => (true, SegmentProperty.Locked, CheckValueKind.YesNo),
                    "exists" => (true, SegmentProperty.Exists, CheckValueKind.YesNo),
                    "nattch" => (true, SegmentProperty.Nattch, CheckValueKind.Number),
                    "dest" => (true, SegmentProperty.Dest, CheckValueKind.YesNo),
                    _ => (false, SegmentProperty.Nattch, CheckValueKind.Number),
                };
                if (!known)
                {
                    return Fail(what.Column, $"unknown segment property '{what.Text}' (locked, exists, nattch or dest)");
                }
                break;
            case "audit":
                kind = CheckValueKind.CleanDirty;
                if (!AtEnd && Peek.IsWord("finds"))
                {
                    _pos++;
                    SplitRest();
                    ValueParser<string> parseText = ([NotNullWhen(true)] out string? value) =>
                    {
                        value = null;
                        if (AtEnd)
                        {
                            return Fail(MissingColumn, "missing TEXT");
                        }
                        var token = Peek;
                        if (token.Kind == TokenKind.Bad)
                        {
                            return Fail(token.Column, token.Error ?? "bad token");
                        }
                        _pos++;
                        if (token.Kind != TokenKind.String)
                        {
                            return Fail(token.Column, $"expected the text as a string, found {Describe(token)}");
                        }
                        value = token.Text;
                        return true;
                    };
                    if (!ParseAlternatives("TEXT", parseText, out var texts, out var defaultText))
                    {
                        return false;
                    }
                    statement = new CheckStatement(proc, new AuditFindsCheck(defaultText) { Alternatives = texts });
                    return true;
                }
                break;
        }
        if (!NextWord("comparison operator", out var opToken))
        {
            return false;
        }
        Comparison? op = opToken.Text switch
        {
            "==" => Comparison.Equal,
            "!=" => Comparison.NotEqual,
            "<" => Comparison.Less,
            "<=" => Comparison.LessOrEqual,
            ">" => Comparison.Greater,
            ">=" => Comparison.GreaterOrEqual,
            _ => null,
        };
        if (op is null)
        {
            return Fail(opToken.Column, $"expected a comparison operator, found '{opToken.Text}'");
        }
        if (kind != CheckValueKind.Number && op is not (Comparison.Equal or Comparison.NotEqual))
        {
            return Fail(opToken.Column, $"'{opToken.Text}' compares numbers; check {form.Text} takes == or !=");
        }
        SplitRest();
        ValueParser<CheckValue> parseValue = ([NotNullWhen(true)] out CheckValue? value) => ParseCheckValue(kind, out value);
        if (!ParseAlternatives("value", parseValue, out var alternatives, out var fallback))
        {
            return false;
        }
        var expected = new CheckExpectation(alternatives, fallback);
        Check check = form.Text switch
        {
            "wired" => new WiredCheck(op.Value, expected),
            "free" => new FreeCheck(op.Value, expected),
            "pw" => new PwCheck(address!, length, op.Value, expected),
            "ec" => new EcCheck(address!, op.Value, expected),
            "mlocked" => new MlockedCheck(address!, op.Value, expected, length),
            "onfault" => new OnFaultCheck(address!, length, op.Value, expected),
            "resident" => new ResidentCheck(address!, length, op.Value, expected),
            "entries" => new EntriesCheck(op.Value, expected),
            "locked" => new LockedCheck(op.Value, expected),
            "wirefuture" => new WireFutureCheck(op.Value, expected),
            "segment" => new SegmentCheck(address!, property, op.Value, expected),
            _ => new AuditCheck(op.Value, expected),
        };
        statement = new CheckStatement(proc, check);
        return true;
    }

    private bool ParseCheckValue(CheckValueKind kind, [NotNullWhen(true)] out CheckValue? value)
    {
        value = null;
        if (!NextValueToken("value", out var token))
        {
            return false;
        }
        if (token.Text == "unbound")
        {
            value = CheckValue.Unbound;
            return true;
        }
        CheckWord? word = token.Text switch
        {
            "yes" => CheckWord.Yes,
            "no" => CheckWord.No,
            "clean" => CheckWord.Clean,
            "dirty" => CheckWord.Dirty,
            _ => null,
        };
        switch (kind)
        {
            case CheckValueKind.Number:
                if (word is not null)
                {
                    return Fail(token.Column, $"expected a number, found '{token.Text}'");
                }
                if (!ParseExpr(token.Text, token.Column, true, out var expr))
                {
                    return false;
                }
                value = new NumberValue(expr);
                return true;
            case CheckValueKind.YesNo when word is CheckWord.Yes or CheckWord.No:
            case CheckValueKind.CleanDirty when word is CheckWord.Clean or CheckWord.Dirty:
                value = new WordValue(word.Value);
                return true;
            default:
                return Fail(token.Column, kind == CheckValueKind.YesNo
                    ? $"expected yes or no, found '{token.Text}'"
                    : $"expected clean or dirty, found '{token.Text}'");
        }
    }
}
