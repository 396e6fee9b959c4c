using System.Globalization;
using CsCheck;
using UvmSim.Kernel;
using UvmSim.Policies;

namespace UvmSim.Tests.Scenarios.Syntax;

/// <summary>Generators of valid scenario text (for round trips) and of raw material for malformed input.</summary>
internal static class ScenarioGen
{
    // Lines every generated scenario starts with, so the names a, seg, h, C and files f, g exist.
    public const string Prelude =
        "machine pages=4096 page=4096 diagnostics=off\nsysctl shmmax 64p\nproc A\nproc B uid=1000 gid=7\nfile f 8p\nfile g 2p ro\n"
        + "A: a = mmap 4p rw private|anon\nA: seg = shmget private 4p create|0600\nA: h = vslock a 1p\nA: fork C\n";

    public static readonly Gen<string> Number = Gen.OneOf(
        Gen.ULong[0, 100_000].Select(n => n.ToString(CultureInfo.InvariantCulture)),
        Gen.ULong[0, 1000].Select(n => n.ToString(CultureInfo.InvariantCulture) + "p"),
        Gen.ULong[0, 1000].Select(n => n.ToString(CultureInfo.InvariantCulture) + Gen.OneOfConst("k", "m", "g").Single()),
        Gen.ULong.Select(n => "0x" + n.ToString("x", CultureInfo.InvariantCulture)),
        Gen.UInt[0, 4095].Select(n => "0" + Convert.ToString(n, 8)));

    private static readonly Gen<string> Operand = Gen.Frequency((3, Number), (1, Gen.OneOfConst("a", "seg", "h")));

    public static readonly Gen<string> Expr = Gen.Select(Operand, Gen.Select(Gen.OneOfConst("+", "-"), Operand, (o, t) => o + t).Array[0, 2],
        (first, rest) => first + string.Concat(rest));

    private static readonly Gen<string> Prot = Gen.OneOfConst("none", "r", "w", "x", "rw", "rx", "wx", "rwx");

    private static Gen<string> Flags(params string[] words) =>
        Gen.Select(Gen.OneOfConst(words).Array[0, 3], Gen.Bool, Gen.UInt[0, 511],
            (w, withNumber, n) => string.Join('|', withNumber || w.Length == 0 ? [.. w, "0" + Convert.ToString(n, 8)] : w));

    private static readonly Gen<string> String = Gen.Char["a\"\\ #xyz->!=é"].Array[0, 8]
        .Select(chars => "\"" + new string(chars).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"");

    private static readonly Gen<string> Outcome = Gen.OneOf(
        Gen.OneOfConst("0", "ok", "dead", "unbound"),
        Gen.OneOfConst(Enum.GetValues<Errno>().Where(e => e != Errno.None).Select(e => e.ToString()).ToArray()),
        String.Select(s => "panic " + s));

    private static readonly Gen<string> CheckNumber = Gen.OneOf(Expr, Gen.ULong[0, 1000].Select(n => "-" + n.ToString(CultureInfo.InvariantCulture)), Gen.Const("unbound"));

    // "wiring=split" or "sysv=segment,object": one switch and distinct legal values.
    private static readonly Gen<string> SwitchCondition =
        Gen.Select(Gen.Int[0, Policy.SwitchNames.Count - 1], Gen.Int[1, 7], (i, mask) =>
        {
            string name = Policy.SwitchNames[i];
            var legal = Policy.ValuesOf(name)!;
            var values = legal.Where((_, k) => (mask & (1 << k)) != 0).ToList();
            return name + "=" + string.Join(',', values.Count == 0 ? [legal[0]] : values);
        });

    // "netbsd-8,dual: X | wiring=split: Y | Z" or "X": distinct presets, switch conditions, default last.
    private static Gen<string> Alternatives(Gen<string> value) =>
        Gen.Select(Gen.Int[0, (1 << PresetNames.All.Count) - 1], Gen.Bool, value.Array[5], SwitchCondition.Array[0, 2], (mask, withDefault, values, switches) =>
        {
            var presets = PresetNames.All.Where((_, i) => (mask & (1 << i)) != 0).ToList();
            var parts = new List<string>();
            if (presets.Count > 0)
            {
                int half = presets.Count / 2;
                parts.Add(string.Join(',', presets.Take(Math.Max(half, 1))) + ": " + values[0]);
                if (presets.Count > 1)
                {
                    parts.Add(string.Join(',', presets.Skip(Math.Max(half, 1))) + ": " + values[1]);
                }
            }
            parts.AddRange(switches.Select((condition, k) => condition + ": " + values[3 + k]));
            if (withDefault || parts.Count == 0)
            {
                parts.Add(values[2]);
            }
            return string.Join(" | ", parts);
        });

    private static readonly Gen<string> Call = Gen.OneOf(
        Gen.Select(Expr, Prot, Flags("private", "shared", "anon", "fixed", "wired", "MAP_ANON"), Gen.Int[0, 3], Expr,
            (len, prot, flags, extra, addr) => $"mmap {len} {prot} {flags}" + (extra switch { 1 => $" at {addr}", 2 => $" file f {addr}", 3 => $" at {addr} file g", _ => "" })),
        Gen.Select(Gen.OneOfConst("munmap", "mlock", "munlock"), Expr, Expr, (c, a, l) => $"{c} {a} {l}"),
        Gen.Select(Expr, Expr, Prot, (a, l, p) => $"mprotect {a} {l} {p}"),
        Gen.Select(Expr, Expr, Gen.OneOfConst("share", "copy", "none", "zero"), (a, l, i) => $"minherit {a} {l} {i}"),
        Flags("current", "future", "MCL_CURRENT").Select(f => "mlockall " + f),
        Gen.OneOfConst("munlockall", "exec", "exit", "pagedaemon"),
        Expr.Select(l => "brk " + l),
        Gen.Select(Expr, Expr, Gen.Int[0, 3], (a, l, k) => "touch " + a + (k is 1 or 3 ? " " + l : "") + (k >= 2 ? " write" : "")),
        Gen.Select(Expr, Expr, Gen.OneOfConst("", " read", " write"), (a, l, acc) => $"vslock {a} {l}{acc}"),
        Gen.Select(Expr, Expr, (s, h) => $"setrlimit memlock {s} {h}"),
        Gen.Select(Gen.OneOf(Gen.Const("private"), Number), Expr, Flags("create", "excl", "IPC_CREAT"), (k, s, f) => $"shmget {k} {s} {f}"),
        Gen.Select(Gen.Int[0, 3], Expr, Flags("rdonly", "rnd"), (k, a, f) => "shmat seg" + (k is 1 or 3 ? " " + a : "") + (k >= 2 ? " " + (k == 2 && !f.Contains("rdonly", StringComparison.Ordinal) && !f.Contains("rnd", StringComparison.Ordinal) && !f.Contains('|', StringComparison.Ordinal) ? "0 " : "") + f : "")),
        Expr.Select(a => "shmdt " + a),
        Gen.OneOfConst("IPC_STAT", "IPC_RMID", "SHM_LOCK", "SHM_UNLOCK", "IPC_SET", "IPC_SET uid=5 mode=0600", "IPC_SET gid=a").Select(c => "shmctl seg " + c),
        Expr.Select(h => "vsunlock " + h),
        Expr.Select(n => "pagedaemon " + n));

    private static readonly Gen<string> Check = Gen.OneOf(
        Gen.Select(Gen.OneOfConst("wired", "free"), Gen.OneOfConst("==", "!=", "<", "<=", ">", ">="), Alternatives(CheckNumber), (f, op, v) => $"check {f} {op} {v}"),
        Gen.Select(Gen.OneOfConst("pw a", "pw a+1p..2p", "ec a", "entries", "locked"), Gen.OneOfConst("==", "<", ">="), Alternatives(CheckNumber), (f, op, v) => $"A: check {f} {op} {v}"),
        Gen.Select(Gen.OneOfConst("mlocked a", "resident a..4p", "resident a", "wirefuture"), Gen.OneOfConst("==", "!="), Alternatives(Gen.OneOfConst("yes", "no", "unbound")), (f, op, v) => $"B: check {f} {op} {v}"),
        Gen.Select(Gen.OneOfConst("locked", "exists"), Alternatives(Gen.OneOfConst("yes", "no")), (p, v) => $"check segment seg {p} == {v}"),
        Alternatives(CheckNumber).Select(v => $"check segment seg nattch == {v}"),
        Alternatives(Gen.OneOfConst("clean", "dirty")).Select(v => $"check audit != {v}"),
        String.Select(s => "check audit finds " + s));

    private static readonly Gen<string> CallLine = Gen.Select(Gen.OneOfConst("A", "B", "C"), Gen.OneOfConst("", "a = ", "x = "), Call, Gen.Int[0, 2], Alternatives(Outcome),
        (proc, bind, call, kind, outcome) => $"{proc}: {bind}{call}" + (kind == 0 ? "" : " => " + outcome));

    /// <summary>A valid scenario: the prelude, then calls and checks (x is bound before use only by its own line, never read).</summary>
    public static readonly Gen<string> Scenario =
        Gen.Frequency((3, CallLine), (1, Check)).Array[0, 25].Select(lines => Prelude + string.Join('\n', lines) + "\n");

    /// <summary>Words and fragments that look like the language, for token soup.</summary>
    public static readonly Gen<string> Fragment = Gen.OneOf(
        Gen.OneOfConst("proc", "machine", "sysctl", "check", "file", "A:", "B:", "Z:", "a", "seg", "=", "=>", "|", ":", ",", "..",
            "mmap", "mlock", "munlock", "shmget", "shmat", "shmctl", "touch", "fork", "vslock", "pagedaemon", "setrlimit", "memlock",
            "rw", "none", "private|anon", "create|0600", "IPC_SET", "SHM_LOCK", "uid=", "mode=0600", "pages=4096", "page=8192",
            "netbsd-8:", "netbsd-8,dual:", "EIO", "ENOMEM", "panic", "\"x", "\"y\"", "\\", "#", "ok", "0", "08", "0x", "4p", "-1",
            "==", "<=", "!=", "pw", "a..4p", "audit", "finds", "segment", "nattch", "\t", "\r", "\n", " ", "\u00e9", "\U0001F600"),
        Number, Expr);
}
