using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace UvmSim.Scenarios.Syntax;

/// <summary>
/// The statement parser (SPEC §12.2–§12.7). It reads one line at a time, left to right, and
/// stops at the first error, so errors come out in position order.
/// Every method returns false after recording an error with <see cref="Fail"/>; none throws.
/// Invariants: <see cref="_procs"/>, <see cref="_files"/> and <see cref="_names"/> hold exactly
/// what earlier lines declared or bound, which is what the semantic checks of §12.7 consult.
/// </summary>
internal sealed partial class Parser
{
    private readonly SourceText _source;
    private readonly List<Statement> _statements = [];
    private readonly HashSet<string> _procs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private bool _sawProc;
    private ulong _pageSize = 4096;
    private ParseError? _error;

    private List<Token> _tokens = [];
    private int _pos;
    private int _lineIndex;

    public Parser(SourceText source) => _source = source;

    public ParseResult Run()
    {
        for (_lineIndex = 0; _lineIndex < _source.LineCount; _lineIndex++)
        {
            int[] scalars = _source.DecodeLine(_lineIndex);
            var lexed = Lexer.Lex(scalars);
            if (lexed.Tokens.Count == 0)
            {
                continue;
            }
            _tokens = [.. lexed.Tokens];
            _pos = 0;
            string text = SourceText.ToText(scalars, 0, lexed.CodeLength).Trim(' ', '\t');
            if (!ParseStatement(out var statement))
            {
                Debug.Assert(_error is not null, "a failed parse must record its error");
                return ParseResult.Failed(_error ?? MakeError(1, "internal error: parse failed without a message"));
            }
            _statements.Add(statement with { Line = _lineIndex + 1, Column = _tokens[0].Column, Text = text });
        }
        return ParseResult.Ok(new Scenario(_source.FileName, _statements.ToEquatableList()));
    }

    /*
     * Parses the statement on the current line.
     * => tokens non-empty; on success every token was consumed.
     */
    private bool ParseStatement([NotNullWhen(true)] out Statement? statement)
    {
        statement = null;
        var first = _tokens[0];
        if (first.Kind == TokenKind.Bad)
        {
            return Fail(first.Column, first.Error ?? "bad token");
        }
        if (first.Kind != TokenKind.Word)
        {
            return Fail(first.Column, "unknown statement (a string)");
        }
        if (first.Text.EndsWith(':'))
        {
            _pos = 1;
            string proc = first.Text[..^1];
            if (!Keywords.IsNameShape(proc))
            {
                return Fail(first.Column, $"malformed process name '{proc}'");
            }
            if (Keywords.IsReserved(proc))
            {
                return Fail(first.Column, $"reserved word '{proc}' cannot be a name");
            }
            if (!_procs.Contains(proc))
            {
                return Fail(first.Column, $"unknown process '{proc}' (no earlier proc or fork declares it)");
            }
            return ParseProcessLine(proc, first, out statement);
        }
        _pos = 1;
        switch (first.Text)
        {
            case "machine":
                if (!ParseMachine(first, out var machine))
                {
                    return false;
                }
                statement = machine;
                return true;
            case "sysctl":
                if (!ParseSysctl(out var sysctl))
                {
                    return false;
                }
                statement = sysctl;
                return true;
            case "proc":
                if (!ParseProc(out var proc))
                {
                    return false;
                }
                statement = proc;
                return true;
            case "file":
                if (!ParseFile(out var file) || !ExpectEnd())
                {
                    return false;
                }
                statement = new CallStatement(null, null, file);
                return true;
            case "check":
                if (!ParseCheck(null, null, out var check))
                {
                    return false;
                }
                statement = check;
                return true;
            default:
                return Keywords.CallNames.Contains(first.Text)
                    ? Fail(first.Column, $"call '{first.Text}' needs a process prefix (PROC: {first.Text} ...)")
                    : Fail(first.Column, $"unknown statement '{first.Text}'");
        }
    }

    // PROC: [NAME =] CALL ARGS... [=> OUTCOME], or PROC: check ...
    private bool ParseProcessLine(string proc, Token prefix, [NotNullWhen(true)] out Statement? statement)
    {
        statement = null;
        if (AtEnd)
        {
            return Fail(MissingColumn, "missing call");
        }
        string? bind = null;
        var head = Peek;
        if (head.Kind == TokenKind.Word && _pos + 1 < _tokens.Count && _tokens[_pos + 1].IsWord("="))
        {
            if (!CheckNewName(head, "name"))
            {
                return false;
            }
            bind = head.Text;
            _pos += 2;
            if (AtEnd)
            {
                return Fail(MissingColumn, "missing call");
            }
        }
        if (Peek.IsWord("check"))
        {
            if (bind is not null)
            {
                return Fail(Peek.Column, "a check cannot bind a name");
            }
            _pos++;
            if (!ParseCheck(proc, prefix, out var check))
            {
                return false;
            }
            statement = check;
            return true;
        }
        if (!ParseCall(out var call) || !ParseExpectation(out var expect))
        {
            return false;
        }
        if (bind is not null)
        {
            _names.Add(bind);
        }
        statement = new CallStatement(proc, bind, call, expect);
        return true;
    }

    // machine KEY=VALUE...
    private bool ParseMachine(Token keyword, [NotNullWhen(true)] out MachineStatement? statement)
    {
        statement = null;
        if (_sawProc)
        {
            return Fail(keyword.Column, "machine must come before the first proc");
        }
        if (AtEnd)
        {
            return Fail(MissingColumn, "missing KEY=VALUE");
        }
        var result = new MachineStatement();
        while (!AtEnd)
        {
            if (!NextWord("KEY=VALUE", out var token) || !SplitKeyValue(token, out var key, out var value, out int valueColumn))
            {
                return false;
            }
            if (key == "diagnostics")
            {
                if (value is not ("on" or "off"))
                {
                    return Fail(valueColumn, $"unknown diagnostics value '{value}' (on or off)");
                }
                result = result with { Diagnostics = value == "on" };
                continue;
            }
            if (key == "rootcaps")
            {
                if (UvmSim.Kernel.Privilege.CapabilityNames.Parse(value) is null)
                {
                    return Fail(valueColumn, $"unknown capabilities '{value}' ({CapsWords} or none)");
                }
                result = result with { RootCaps = value };
                continue;
            }
            if (key == "image")
            {
                string[] parts = value.Split(':');
                if (parts.Length > 2 || !ParsePlainNumber(parts[0], valueColumn, out ulong lockable))
                {
                    return parts.Length > 2 ? Fail(valueColumn, "image takes LOCKABLE[:TOTAL] pages") : false;
                }
                ulong total = lockable;
                if (parts.Length == 2 && !ParsePlainNumber(parts[1], valueColumn + parts[0].Length + 1, out total))
                {
                    return false;
                }
                if (total < lockable)
                {
                    return Fail(valueColumn, "image TOTAL must be at least LOCKABLE");
                }
                result = result with { ImageLockable = lockable, ImageTotal = total };
                continue;
            }
            if (key is not ("pages" or "page" or "wiredmax" or "swap" or "freetarg" or "maxproc" or "top"))
            {
                return Fail(token.Column, $"unknown machine key '{key}'");
            }
            if (!ParsePlainNumber(value, valueColumn, out ulong number))
            {
                return false;
            }
            // The model's ranges (MachineConfig): a value outside is an error, never a clamp.
            (ulong min, ulong max) = key switch
            {
                "pages" => (1UL, MaxPages),
                "page" => (4096UL, MaxPageSize),
                "freetarg" or "maxproc" => (0UL, (ulong)int.MaxValue),
                _ => (0UL, (ulong)long.MaxValue),
            };
            if (number < min || number > max)
            {
                return Fail(valueColumn, $"{key}={value} is out of range ({(key == "page" ? "a power of two, " : "")}{min}-{max})");
            }
            switch (key)
            {
                case "pages": result = result with { Pages = number }; break;
                case "page":
                    if (!ulong.IsPow2(number))
                    {
                        return Fail(valueColumn, "page size must be a power of two, at least 4096");
                    }
                    _pageSize = number;
                    result = result with { PageSize = number };
                    break;
                case "wiredmax": result = result with { WiredMax = number }; break;
                case "swap": result = result with { Swap = number }; break;
                case "freetarg": result = result with { FreeTarget = number }; break;
                case "top": result = result with { Top = number }; break;
                default: result = result with { MaxProc = number }; break;
            }
        }
        statement = result;
        return true;
    }

    /// <summary>The most frames a machine line may ask for (16 Mi: 64 GiB of 4 KiB pages).</summary>
    internal const ulong MaxPages = 1UL << 24;

    /// <summary>The largest page size a machine line may ask for (1 GiB).</summary>
    internal const ulong MaxPageSize = 1UL << 30;

    // sysctl KEY VALUE
    private bool ParseSysctl([NotNullWhen(true)] out SysctlStatement? statement)
    {
        statement = null;
        if (!NextWord("KEY", out var keyToken))
        {
            return false;
        }
        SysctlKey? key = keyToken.Text switch
        {
            "shm_use_phys" => SysctlKey.ShmUsePhys,
            "shmmax" => SysctlKey.ShmMax,
            "shmall" => SysctlKey.ShmAll,
            "shmmin" => SysctlKey.ShmMin,
            "shmseg" => SysctlKey.ShmSeg,
            "shmmni" => SysctlKey.ShmMni,
            _ => null,
        };
        if (key is null)
        {
            return Fail(keyToken.Column, $"unknown sysctl key '{keyToken.Text}'");
        }
        if (!NextExpr("VALUE", out var value) || !ExpectEnd())
        {
            return false;
        }
        statement = new SysctlStatement(key.Value, value);
        return true;
    }

    // proc NAME [uid=N] [gid=N]
    private bool ParseProc([NotNullWhen(true)] out ProcStatement? statement)
    {
        statement = null;
        if (!NextWord("NAME", out var name) || !CheckNewName(name, "process"))
        {
            return false;
        }
        ulong? uid = null, gid = null;
        string? caps = null;
        while (!AtEnd)
        {
            if (!NextWord("uid=N, gid=N or caps=FLAGS", out var token) || !SplitKeyValue(token, out var key, out var value, out int valueColumn))
            {
                return false;
            }
            if (key == "caps")
            {
                if (caps is not null)
                {
                    return Fail(token.Column, "duplicate 'caps'");
                }
                if (UvmSim.Kernel.Privilege.CapabilityNames.Parse(value) is null)
                {
                    return Fail(valueColumn, $"unknown capabilities '{value}' ({CapsWords} or none)");
                }
                caps = value;
                continue;
            }
            if (key is not ("uid" or "gid"))
            {
                return Fail(token.Column, $"unknown proc option '{key}' (uid, gid or caps)");
            }
            if ((key == "uid" ? uid : gid) is not null)
            {
                return Fail(token.Column, $"duplicate '{key}'");
            }
            if (!ParsePlainNumber(value, valueColumn, out ulong number))
            {
                return false;
            }
            if (key == "uid")
            {
                uid = number;
            }
            else
            {
                gid = number;
            }
        }
        _procs.Add(name.Text);
        _sawProc = true;
        statement = new ProcStatement(name.Text, uid, gid, caps);
        return true;
    }

    private static string CapsWords => string.Join("|", UvmSim.Kernel.Privilege.CapabilityNames.All.Select(c => c.Name));

    // ---- token helpers ----

    private Token Peek => _tokens[_pos];

    private bool AtEnd => _pos >= _tokens.Count;

    // The end of a call's arguments: the end of the line or "=>".
    private bool AtArgEnd => AtEnd || Peek.IsWord("=>");

    // Where a missing argument is reported: one past the previous token.
    private int MissingColumn => _pos == 0 ? 1 : _tokens[Math.Min(_pos, _tokens.Count) - 1].EndColumn;

    private bool NextToken(string what, out Token token)
    {
        token = default;
        if (AtArgEnd)
        {
            return Fail(MissingColumn, $"missing {what}");
        }
        token = Peek;
        if (token.Kind == TokenKind.Bad)
        {
            return Fail(token.Column, token.Error ?? "bad token");
        }
        _pos++;
        return true;
    }

    private bool NextWord(string what, out Token token)
    {
        if (!NextToken(what, out token))
        {
            return false;
        }
        return token.Kind == TokenKind.Word || Fail(token.Column, $"expected {what}, found {Describe(token)}");
    }

    private static string Describe(Token token) => token.Kind switch
    {
        TokenKind.String => "a string",
        _ => $"'{token.Text}'",
    };

    // Reports the token after a complete statement.
    private bool ExtraArgument()
    {
        var token = Peek;
        return token.Kind == TokenKind.Bad
            ? Fail(token.Column, token.Error ?? "bad token")
            : Fail(token.Column, $"extra argument {Describe(token)}");
    }

    private bool ExpectEnd() => AtEnd || ExtraArgument();

    // A name being declared or bound: shape, not reserved, and (for processes and files) new.
    private bool CheckNewName(Token token, string kind)
    {
        if (!Keywords.IsNameShape(token.Text))
        {
            return Fail(token.Column, $"malformed {kind} name '{token.Text}'");
        }
        if (Keywords.IsReserved(token.Text))
        {
            return Fail(token.Column, $"reserved word '{token.Text}' cannot be a name");
        }
        if (kind == "process" && _procs.Contains(token.Text))
        {
            return Fail(token.Column, $"process '{token.Text}' is declared twice");
        }
        if (kind == "file" && _files.Contains(token.Text))
        {
            return Fail(token.Column, $"file '{token.Text}' is declared twice");
        }
        return true;
    }

    private bool SplitKeyValue(Token token, out string key, out string value, out int valueColumn)
    {
        int eq = token.Text.IndexOf('=', StringComparison.Ordinal);
        key = eq < 0 ? token.Text : token.Text[..eq];
        value = eq < 0 ? "" : token.Text[(eq + 1)..];
        valueColumn = ColumnAt(token.Text, token.Column, eq + 1);
        if (eq < 0)
        {
            return Fail(token.Column, $"expected KEY=VALUE, found '{token.Text}'");
        }
        return value.Length > 0 || Fail(valueColumn, $"missing value for '{key}'");
    }

    /*
     * The column of text[index] for a word starting at column (columns count scalars).
     * => linear over a parse: callers walk a word forwards (the terms of an expression, the
     *    parts of a flag set), so the count resumes from the last answer for the same word
     *    instead of restarting at its first character, which made a long expression line
     *    quadratic (issue 12; bench/UvmSim.Bench/ParserBench.cs).
     */
    private int ColumnAt(string text, int column, int index)
    {
        int end = Math.Clamp(index, 0, text.Length);
        if (!ReferenceEquals(text, _columnText) || column != _columnBase || end < _columnIndex)
        {
            (_columnText, _columnBase, _columnIndex, _columnValue) = (text, column, 0, column);
        }
        for (int i = _columnIndex; i < end; i++)
        {
            if (!char.IsLowSurrogate(text[i]))
            {
                _columnValue++;
            }
        }
        _columnIndex = end;
        return _columnValue;
    }

    // ColumnAt's last answer: the word, its first column, an index into it and that index's column.
    private string? _columnText;
    private int _columnBase, _columnIndex, _columnValue;

    private bool Fail(int column, string message)
    {
        _error ??= MakeError(column, message);
        return false;
    }

    private ParseError MakeError(int column, string message) =>
        new(_source.FileName, _lineIndex + 1, column, message,
            _lineIndex < _source.LineCount ? _source.DisplayLine(_lineIndex) : "");
}
