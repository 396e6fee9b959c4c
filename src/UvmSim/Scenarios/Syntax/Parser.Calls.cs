using System.Diagnostics.CodeAnalysis;
using UvmSim.Map;

namespace UvmSim.Scenarios.Syntax;

/* The calls of SPEC §12.3, each with its arguments in the documented order. */
internal sealed partial class Parser
{
    private bool ParseCall([NotNullWhen(true)] out Call? call)
    {
        call = null;
        if (!NextWord("call", out var keyword))
        {
            return false;
        }
        Expr? a, b;
        switch (keyword.Text)
        {
            case "mmap": return ParseMmap(out call);
            case "munmap":
                if (!NextExpr("ADDR", out a) || !NextExpr("LEN", out b))
                {
                    return false;
                }
                call = new MunmapCall(a, b);
                return true;
            case "mlock":
                if (!NextExpr("ADDR", out a) || !NextExpr("LEN", out b))
                {
                    return false;
                }
                call = new MlockCall(a, b);
                return true;
            case "mlock2":
                if (!NextExpr("ADDR", out a) || !NextExpr("LEN", out b))
                {
                    return false;
                }
                bool onFault = false;
                if (!AtEnd && Peek.IsWord("onfault"))
                {
                    _pos++;
                    onFault = true;
                }
                call = new Mlock2Call(a, b, onFault);
                return true;
            case "munlock":
                if (!NextExpr("ADDR", out a) || !NextExpr("LEN", out b))
                {
                    return false;
                }
                call = new MunlockCall(a, b);
                return true;
            case "mprotect":
                if (!NextExpr("ADDR", out a) || !NextExpr("LEN", out b) || !NextProtection(out var protection))
                {
                    return false;
                }
                call = new MprotectCall(a, b, protection);
                return true;
            case "minherit":
                if (!NextExpr("ADDR", out a) || !NextExpr("LEN", out b) || !NextWord("share|copy|none|zero", out var inh))
                {
                    return false;
                }
                if (!Keywords.TryInheritance(inh.Text, out var inheritance))
                {
                    return Fail(inh.Column, $"unknown inheritance '{inh.Text}' (share, copy, none or zero)");
                }
                call = new MinheritCall(a, b, inheritance);
                return true;
            case "mlockall":
                if (!NextWord("FLAGS", out var flagToken) || !ParseFlags(flagToken, FlagContext.Mlockall, out var flags))
                {
                    return false;
                }
                call = new MlockallCall(flags);
                return true;
            case "munlockall": call = new MunlockallCall(); return true;
            case "exec": call = new ExecCall(); return true;
            case "exit": call = new ExitCall(); return true;
            case "brk":
                if (!NextExpr("LEN", out a))
                {
                    return false;
                }
                call = new BrkCall(a);
                return true;
            case "touch":
            case "vslock":
                return ParseAccessCall(keyword.Text == "touch", out call);
            case "fork":
                if (!NextWord("CHILD", out var child) || !CheckNewName(child, "process"))
                {
                    return false;
                }
                _procs.Add(child.Text);
                call = new ForkCall(child.Text);
                return true;
            case "setrlimit":
                if (!NextWord("memlock", out var resource))
                {
                    return false;
                }
                if (resource.Text != "memlock")
                {
                    return Fail(resource.Column, $"unknown resource '{resource.Text}' (only memlock)");
                }
                if (!NextExpr("SOFT", out a) || !NextExpr("HARD", out b))
                {
                    return false;
                }
                call = new SetrlimitCall(a, b);
                return true;
            case "shmget": return ParseShmget(out call);
            case "shmat": return ParseShmat(out call);
            case "shmdt":
                if (!NextExpr("ADDR", out a))
                {
                    return false;
                }
                call = new ShmdtCall(a);
                return true;
            case "shmctl": return ParseShmctl(out call);
            case "vsunlock":
                if (!NextExpr("H", out a))
                {
                    return false;
                }
                call = new VsunlockCall(a);
                return true;
            case "pagedaemon":
                a = null;
                if (!AtArgEnd && !NextExpr("PAGES", out a))
                {
                    return false;
                }
                call = new PagedaemonCall(a);
                return true;
            case "file":
                if (!ParseFile(out var file))
                {
                    return false;
                }
                call = file;
                return true;
            default:
                return Fail(keyword.Column, $"unknown call '{keyword.Text}'");
        }
    }

    private bool NextProtection(out Protection protection)
    {
        protection = Protection.None;
        if (!NextWord("PROT", out var token))
        {
            return false;
        }
        return Keywords.TryProtection(token.Text, out protection)
            || Fail(token.Column, $"unknown protection '{token.Text}' (none r w x rw rx wx rwx)");
    }

    // mmap LEN PROT FLAGS [at ADDR] [file NAME [OFF]]
    private bool ParseMmap([NotNullWhen(true)] out Call? call)
    {
        call = null;
        if (!NextExpr("LEN", out var length) || !NextProtection(out var protection)
            || !NextWord("FLAGS", out var flagToken) || !ParseFlags(flagToken, FlagContext.Mmap, out var flags))
        {
            return false;
        }
        Expr? address = null, offset = null;
        string? file = null;
        if (!AtArgEnd && Peek.IsWord("at"))
        {
            _pos++;
            if (!NextExpr("ADDR", out address))
            {
                return false;
            }
        }
        if (!AtArgEnd && Peek.IsWord("file"))
        {
            _pos++;
            if (!NextWord("file NAME", out var name))
            {
                return false;
            }
            if (!_files.Contains(name.Text))
            {
                return Fail(name.Column, $"unknown file '{name.Text}' (no earlier file line creates it)");
            }
            file = name.Text;
            if (!AtArgEnd && !NextExpr("OFF", out offset))
            {
                return false;
            }
        }
        call = new MmapCall(length, protection, flags, address, file, offset);
        return true;
    }

    // touch ADDR [LEN] [read|write]; vslock ADDR LEN [read|write]
    private bool ParseAccessCall(bool touch, [NotNullWhen(true)] out Call? call)
    {
        call = null;
        if (!NextExpr("ADDR", out var address))
        {
            return false;
        }
        Expr? length = touch ? Expr.Of(1) : null;
        if (!touch || (!AtArgEnd && !IsAccessWord(Peek)))
        {
            if (!NextExpr("LEN", out length))
            {
                return false;
            }
        }
        var access = touch ? Access.Read : Access.Write;
        if (!AtArgEnd && IsAccessWord(Peek))
        {
            access = Peek.Text == "read" ? Access.Read : Access.Write;
            _pos++;
        }
        call = touch ? new TouchCall(address, length!, access) : new VslockCall(address, length!, access);
        return true;
    }

    private static bool IsAccessWord(Token token) => token.IsWord("read") || token.IsWord("write");

    // shmget KEY|private SIZE FLAGS
    private bool ParseShmget([NotNullWhen(true)] out Call? call)
    {
        call = null;
        if (!NextWord("KEY", out var keyToken))
        {
            return false;
        }
        Expr? key = null;
        if (keyToken.Text != "private" && !ParseExpr(keyToken.Text, keyToken.Column, false, out key))
        {
            return false;
        }
        if (!NextExpr("SIZE", out var size) || !NextWord("FLAGS", out var flagToken)
            || !ParseFlags(flagToken, FlagContext.Shmget, out var flags))
        {
            return false;
        }
        call = new ShmgetCall(key, size, flags);
        return true;
    }

    // shmat ID [ADDR] [FLAGS]: a lone number (or name) after ID is ADDR.
    private bool ParseShmat([NotNullWhen(true)] out Call? call)
    {
        call = null;
        if (!NextExpr("ID", out var id))
        {
            return false;
        }
        Expr? address = null;
        var flags = FlagSet.None;
        if (!AtArgEnd && !LooksLikeShmatFlags(Peek) && !NextExpr("ADDR", out address))
        {
            return false;
        }
        if (!AtArgEnd && (!NextWord("FLAGS", out var flagToken) || !ParseFlags(flagToken, FlagContext.Shmat, out flags)))
        {
            return false;
        }
        call = new ShmatCall(id, address, flags);
        return true;
    }

    private static bool LooksLikeShmatFlags(Token token)
    {
        if (token.Kind != TokenKind.Word)
        {
            return false;
        }
        return token.Text.Contains('|', StringComparison.Ordinal) || Keywords.TryFlag(FlagContext.Shmat, token.Text, out _);
    }

    // shmctl ID IPC_STAT|IPC_SET|IPC_RMID|SHM_LOCK|SHM_UNLOCK; IPC_SET [uid=N] [gid=N] [mode=N]
    private bool ParseShmctl([NotNullWhen(true)] out Call? call)
    {
        call = null;
        if (!NextExpr("ID", out var id) || !NextWord("command", out var cmd))
        {
            return false;
        }
        ShmctlCommand? command = cmd.Text switch
        {
            "IPC_STAT" => ShmctlCommand.IPC_STAT,
            "IPC_SET" => ShmctlCommand.IPC_SET,
            "IPC_RMID" => ShmctlCommand.IPC_RMID,
            "SHM_LOCK" => ShmctlCommand.SHM_LOCK,
            "SHM_UNLOCK" => ShmctlCommand.SHM_UNLOCK,
            _ => null,
        };
        if (command is null)
        {
            return Fail(cmd.Column, $"unknown shmctl command '{cmd.Text}'");
        }
        Expr? uid = null, gid = null, mode = null;
        while (command == ShmctlCommand.IPC_SET && !AtArgEnd)
        {
            if (!NextWord("uid=N, gid=N or mode=N", out var token) || !SplitKeyValue(token, out var key, out var value, out int column))
            {
                return false;
            }
            if (key is not ("uid" or "gid" or "mode"))
            {
                return Fail(token.Column, $"unknown IPC_SET field '{key}' (uid, gid or mode)");
            }
            if ((key == "uid" ? uid : key == "gid" ? gid : mode) is not null)
            {
                return Fail(token.Column, $"duplicate '{key}'");
            }
            if (!ParseExpr(value, column, false, out var expr))
            {
                return false;
            }
            _ = key switch
            {
                "uid" => uid = expr,
                "gid" => gid = expr,
                _ => mode = expr,
            };
        }
        call = new ShmctlCall(id, command.Value, uid, gid, mode);
        return true;
    }

    // file NAME SIZE [ro]
    private bool ParseFile([NotNullWhen(true)] out FileCall? call)
    {
        call = null;
        if (!NextWord("NAME", out var name) || !CheckNewName(name, "file") || !NextExpr("SIZE", out var size))
        {
            return false;
        }
        bool readOnly = false;
        if (!AtArgEnd && Peek.IsWord("ro"))
        {
            readOnly = true;
            _pos++;
        }
        _files.Add(name.Text);
        call = new FileCall(name.Text, size, readOnly);
        return true;
    }
}
