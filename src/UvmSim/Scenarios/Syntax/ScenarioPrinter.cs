using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace UvmSim.Scenarios.Syntax;

/// <summary>
/// Writes a scenario in canonical form: one statement a line, defaults spelled out, no comments.
/// Parsing the output yields an equal <see cref="Scenario"/>, so the shrinker and the explorer
/// can write reproducers that <c>uvmsim run</c> replays.
/// </summary>
public static class ScenarioPrinter
{
    /// <summary>The whole scenario, each line ending in <c>\n</c>.</summary>
    public static string Print(Scenario scenario)
    {
        var builder = new StringBuilder();
        foreach (var statement in scenario.Statements)
        {
            builder.Append(Format(statement)).Append('\n');
        }
        return builder.ToString();
    }

    /// <summary>One statement as a line (without the newline).</summary>
    public static string Format(Statement statement) => statement switch
    {
        MachineStatement m => FormatMachine(m),
        SysctlStatement s => $"sysctl {SysctlWord(s.Key)} {Format(s.Value)}",
        ProcStatement p => "proc " + p.Name
            + (p.Uid is { } uid ? $" uid={Number(uid)}" : "")
            + (p.Gid is { } gid ? $" gid={Number(gid)}" : "")
            + (p.Caps is { } caps ? $" caps={caps}" : ""),
        CallStatement c => (c.Proc is null ? "" : c.Proc + ": ")
            + (c.BindName is null ? "" : c.BindName + " = ")
            + Format(c.Call)
            + (c.Expect is null ? "" : " => " + FormatAlternatives(c.Expect, FormatOutcome)),
        CheckStatement k => (k.Proc is null ? "" : k.Proc + ": ") + "check " + FormatCheck(k.Check),
        _ => throw new ArgumentException($"unknown statement {statement.GetType().Name}", nameof(statement)),
    };

    /// <summary>A call with its arguments, as written after <c>PROC:</c>.</summary>
    public static string Format(Call call) => call.Accept(CallFormatter.Instance);

    /// <summary>Each call's canonical text: the printer's row of the per-call table.</summary>
    private sealed class CallFormatter : ICallVisitor<string>
    {
        public static readonly CallFormatter Instance = new();

        public string VisitMmap(MmapCall m) =>
            $"mmap {Format(m.Length)} {Keywords.ProtectionWord(m.Protection)} {Format(m.Flags, octal: false)}"
            + (m.Address is null ? "" : $" at {Format(m.Address)}")
            + (m.File is null ? "" : $" file {m.File}")
            + (m.Offset is null ? "" : $" {Format(m.Offset)}");

        public string VisitMunmap(MunmapCall c) => $"munmap {Format(c.Address)} {Format(c.Length)}";

        public string VisitMprotect(MprotectCall c) =>
            $"mprotect {Format(c.Address)} {Format(c.Length)} {Keywords.ProtectionWord(c.Protection)}";

        public string VisitMinherit(MinheritCall c) =>
            $"minherit {Format(c.Address)} {Format(c.Length)} {Keywords.InheritanceWord(c.Inheritance)}";

        public string VisitMlock(MlockCall c) => $"mlock {Format(c.Address)} {Format(c.Length)}";

        public string VisitMlock2(Mlock2Call c) => $"mlock2 {Format(c.Address)} {Format(c.Length)}{(c.OnFault ? " onfault" : "")}";

        public string VisitMunlock(MunlockCall c) => $"munlock {Format(c.Address)} {Format(c.Length)}";

        public string VisitMlockall(MlockallCall c) => $"mlockall {Format(c.Flags, octal: false)}";

        public string VisitMunlockall(MunlockallCall c) => "munlockall";

        public string VisitBrk(BrkCall c) => $"brk {Format(c.Length)}";

        public string VisitTouch(TouchCall c) => $"touch {Format(c.Address)} {Format(c.Length)} {AccessWord(c.Access)}";

        public string VisitFork(ForkCall c) => $"fork {c.Child}";

        public string VisitExec(ExecCall c) => "exec";

        public string VisitExit(ExitCall c) => "exit";

        public string VisitSetrlimit(SetrlimitCall c) => $"setrlimit memlock {Format(c.Soft)} {Format(c.Hard)}";

        public string VisitShmget(ShmgetCall c) =>
            $"shmget {(c.Key is null ? "private" : Format(c.Key))} {Format(c.Size)} {Format(c.Flags, octal: true)}";

        public string VisitShmat(ShmatCall c) =>
            "shmat " + Format(c.Id) + (c.Address is null ? "" : " " + Format(c.Address)) + FormatShmatFlags(c);

        public string VisitShmdt(ShmdtCall c) => $"shmdt {Format(c.Address)}";

        public string VisitShmctl(ShmctlCall c) =>
            $"shmctl {Format(c.Id)} {c.Command}"
            + (c.Uid is null ? "" : $" uid={Format(c.Uid)}")
            + (c.Gid is null ? "" : $" gid={Format(c.Gid)}")
            + (c.Mode is null ? "" : $" mode={Format(c.Mode)}");

        public string VisitVslock(VslockCall c) => $"vslock {Format(c.Address)} {Format(c.Length)} {AccessWord(c.Access)}";

        public string VisitVsunlock(VsunlockCall c) => $"vsunlock {Format(c.Handle)}";

        public string VisitPagedaemon(PagedaemonCall c) => "pagedaemon" + (c.Pages is null ? "" : " " + Format(c.Pages));

        public string VisitFile(FileCall c) => $"file {c.Name} {Format(c.Size)}" + (c.ReadOnly ? " ro" : "");
    }

    /// <summary>An expression (<c>heap+1p+16</c>).</summary>
    public static string Format(Expr expr)
    {
        var builder = new StringBuilder();
        for (int i = 0; i < expr.Terms.Count; i++)
        {
            var term = expr.Terms[i];
            if (term.Negative)
            {
                builder.Append('-');
            }
            else if (i > 0)
            {
                builder.Append('+');
            }
            builder.Append(term.Name ?? Number(term.Value) + (term.InPages ? "p" : ""));
        }
        return builder.ToString();
    }

    /// <summary>A flag set: its words, then the remaining bits as one number (octal for modes).</summary>
    public static string Format(FlagSet flags, bool octal)
    {
        var parts = new List<string>(flags.Words);
        ulong raw = flags.RawBits;
        if (raw != 0 || parts.Count == 0)
        {
            parts.Add(raw == 0 ? "0" : octal ? "0" + Convert.ToString((long)raw, 8) : Number(raw));
        }
        return string.Join('|', parts);
    }

    private static string Number(ulong value) =>
        value < 0x10000 ? value.ToString(CultureInfo.InvariantCulture) : "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    // Without ADDR, numeric-only flags get a "|0" so they are not read back as ADDR.
    private static string FormatShmatFlags(ShmatCall call)
    {
        if (call.Flags.Bits == 0 && call.Flags.Words.Count == 0)
        {
            return "";
        }
        string flags = Format(call.Flags, octal: false);
        return " " + (call.Address is null && call.Flags.Words.Count == 0 ? flags + "|0" : flags);
    }

    private static string AccessWord(Access access) => access switch
    {
        Access.Read => "read",
        Access.Write => "write",
        _ => throw new UnreachableException($"access {access}"),
    };

    private static string FormatMachine(MachineStatement m)
    {
        var parts = new List<string> { "machine" };
        void Add(string key, ulong? value)
        {
            if (value is { } v)
            {
                parts.Add($"{key}={Number(v)}");
            }
        }
        Add("pages", m.Pages);
        Add("page", m.PageSize);
        Add("wiredmax", m.WiredMax);
        if (m.Diagnostics is { } d)
        {
            parts.Add(d ? "diagnostics=on" : "diagnostics=off");
        }
        Add("swap", m.Swap);
        Add("freetarg", m.FreeTarget);
        Add("maxproc", m.MaxProc);
        if (m.RootCaps is { } rc)
        {
            parts.Add($"rootcaps={rc}");
        }
        if (m.ImageLockable is { } il)
        {
            parts.Add(m.ImageTotal is { } it && it != il ? $"image={Number(il)}:{Number(it)}" : $"image={Number(il)}");
        }
        Add("top", m.Top);
        return string.Join(' ', parts);
    }

    private static string SysctlWord(SysctlKey key) => key switch
    {
        SysctlKey.ShmUsePhys => "shm_use_phys",
        SysctlKey.ShmMax => "shmmax",
        SysctlKey.ShmAll => "shmall",
        SysctlKey.ShmMin => "shmmin",
        SysctlKey.ShmSeg => "shmseg",
        SysctlKey.ShmMni => "shmmni",
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "unknown sysctl"),
    };

    private static string FormatCheck(Check check) => check switch
    {
        AuditFindsCheck a => $"audit finds {FormatAlternatives(new FindsTexts(a.Alternatives, a.Text), Quote)}",
        ComparisonCheck c => FormatSubject(c) + " " + c.Op.Symbol() + " " + FormatAlternatives(c.Expected, FormatCheckValue),
        _ => throw new ArgumentException($"unknown check {check.GetType().Name}", nameof(check)),
    };

    private static string FormatSubject(ComparisonCheck check) => check switch
    {
        WiredCheck => "wired",
        FreeCheck => "free",
        PwCheck c => "pw " + Format(c.Address) + (c.Length is null ? "" : ".." + Format(c.Length)),
        EcCheck c => "ec " + Format(c.Address),
        MlockedCheck c => "mlocked " + Format(c.Address) + (c.Length is null ? "" : ".." + Format(c.Length)),
        OnFaultCheck c => "onfault " + Format(c.Address) + (c.Length is null ? "" : ".." + Format(c.Length)),
        ResidentCheck c => "resident " + Format(c.Address) + (c.Length is null ? "" : ".." + Format(c.Length)),
        EntriesCheck => "entries",
        LockedCheck => "locked",
        WireFutureCheck => "wirefuture",
        SegmentCheck c => $"segment {Format(c.Id)} {c.Property.ToString().ToLowerInvariant()}",
        AuditCheck => "audit",
        _ => throw new ArgumentException($"unknown check {check.GetType().Name}", nameof(check)),
    };

    private sealed record FindsTexts(EquatableList<Alternative<string>> Alternatives, string? Default)
        : ByPreset<string>(Alternatives, Default);

    private static string FormatAlternatives<T>(ByPreset<T> alternatives, Func<T, string> format)
        where T : class
    {
        var parts = alternatives.Alternatives
            .Select(a => a.When + ": " + format(a.Value)).ToList();
        if (alternatives.Default is { } d)
        {
            parts.Add(format(d));
        }
        return string.Join(" | ", parts);
    }

    private static string FormatOutcome(Outcome outcome) => outcome switch
    {
        ErrnoOutcome e => e.Errno.ToString(),
        PanicOutcome p => "panic " + Quote(p.Text),
        DeadOutcome => "dead",
        UnboundOutcome => "unbound",
        OkOutcome => "0",
        _ => throw new ArgumentException($"unknown outcome {outcome.GetType().Name}", nameof(outcome)),
    };

    private static string FormatCheckValue(CheckValue value) => value switch
    {
        NumberValue n => Format(n.Value),
        WordValue w => w.Word.ToString().ToLowerInvariant(),
        UnboundValue => "unbound",
        _ => throw new ArgumentException($"unknown check value {value.GetType().Name}", nameof(value)),
    };

    private static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
