using System.Diagnostics;
using System.Globalization;
using System.Text;
using UvmSim.Map;
using UvmSim.Scenarios.Running;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Emit;

/// <summary>The kernel an emitted C program is written for.</summary>
public enum CTarget
{
    /// <summary>Linux (glibc): <c>minherit</c> and <c>MAP_WIRED</c> are approximated.</summary>
    Linux,
    /// <summary>NetBSD: the real calls, plus an ATF test case.</summary>
    NetBsd,
}

/// <summary>
/// Writes a scenario as a standalone C99 program that performs its calls on a real kernel and
/// prints each result as <c>uvmsim run --trace</c> does (<c>  LINE: TEXT  =&gt; ok = 0x…</c> or
/// the errno name), so a model run and a kernel run can be compared line by line (SPEC §13,
/// <c>emit-c</c>).
/// =&gt; lines with no user-level equivalent (<c>vslock</c>, <c>vsunlock</c>, <c>pagedaemon</c>,
///    <c>exec</c>, checks of internal counters) become a C comment and a printed
///    <c>(not reproducible at user level)</c>; <c>check segment ID exists|nattch</c> reads
///    <c>IPC_STAT</c>; the program never hangs (every wait has a
///    timeout) and exits 0 when it ran to the end.
/// =&gt; scenario addresses live in an arena: model address m is real address
///    <c>UVMSIM_BASE</c> + m (1 TiB by default), except page 0 and addresses within
///    <c>UVMSIM_BASE</c> of 2^64, which keep their value so the kernel rejects them as the model
///    does; mappings without <c>fixed</c> get the model's first fit as a hint, and addresses
///    returned in the arena print as model addresses, so the output matches
///    <c>uvmsim run --trace</c> (<c>docs/emit-c.md</c>).
/// =&gt; a <c>fixed</c> mmap, <c>munmap</c>, <c>mprotect</c> or <c>minherit</c> whose range reaches
///    memory the scenario did not map (the worker's own code, libraries or stack) is not made, so
///    one line cannot kill the process that runs the later ones; it prints
///    <c>(not reproducible: the range overlaps the worker's own memory)</c>. Free pages in the
///    range still go to the kernel, whose answer for them is what a scenario may test.
/// </summary>
public static class CEmitter
{
    /// <summary>The C source for <paramref name="scenario"/> on <paramref name="target"/>.</summary>
    public static string Emit(Scenario scenario, CTarget target)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return new Writer(scenario, target).Write();
    }

    /// <summary>A C identifier made from <paramref name="text"/> (an ATF test case name).</summary>
    internal static string Identifier(string text)
    {
        var b = new StringBuilder();
        foreach (char c in Path.GetFileNameWithoutExtension(text))
        {
            b.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }
        if (b.Length == 0 || char.IsAsciiDigit(b[0]))
        {
            b.Insert(0, "scn_");
        }
        return b.ToString();
    }

    /// <summary>A C string literal (UTF-8 bytes; no trigraphs, no escapes that run on).</summary>
    internal static string Literal(string text)
    {
        var b = new StringBuilder("\"");
        foreach (byte c in Encoding.UTF8.GetBytes(text))
        {
            switch (c)
            {
                case (byte)'\\': b.Append("\\\\"); break;
                case (byte)'"': b.Append("\\\""); break;
                case (byte)'?': b.Append("\\?"); break;
                default:
                    if (c < 0x20 || c >= 0x7f)
                    {
                        b.Append('\\').Append(Convert.ToString(c, 8).PadLeft(3, '0'));
                    }
                    else
                    {
                        b.Append((char)c);
                    }
                    break;
            }
        }
        return b.Append('"').ToString();
    }

    /// <summary>
    /// Text for a C block comment that cannot end it or change what follows: every character
    /// outside <c>[A-Za-z0-9 ._,:=|+()-]</c> becomes <c>_</c>, so no <c>*/</c>, no <c>/*</c>, no
    /// backslash (a line splice), no <c>??</c> (a trigraph) and no control or non-ASCII byte can
    /// appear, whatever order the input puts them in. Scenario text reaches C only through here and
    /// <see cref="Literal"/> (docs/emit-c.md, "Scenario text in the program").
    /// </summary>
    internal static string CommentText(string text)
    {
        var b = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            b.Append(char.IsAsciiLetterOrDigit(c) || c is ' ' or '.' or '_' or ',' or ':' or '=' or '|' or '+' or '(' or ')' or '-' ? c : '_');
        }
        return b.ToString();
    }

    private sealed class Writer(Scenario scenario, CTarget target) : ICallVisitor<Writer.CCall>
    {
        private readonly Dictionary<string, int> _procs = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _values = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _files = new(StringComparer.Ordinal);
        private readonly StringBuilder _out = new();

        public string Write()
        {
            Collect();
            WriteHeader();
            _out.Append(CEmitRuntime.Prelude);
            WriteDoLine();
            WriteLines();
            WriteMain();
            return _out.ToString();
        }

        private void Collect()
        {
            foreach (Statement s in scenario.Statements)
            {
                switch (s)
                {
                    case ProcStatement p:
                        _procs.TryAdd(p.Name, _procs.Count);
                        break;
                    case CallStatement c:
                        if (c.BindName is { } name)
                        {
                            _values.TryAdd(name, _values.Count);
                        }
                        if (c.Call is ForkCall f)
                        {
                            _procs.TryAdd(f.Child, _procs.Count);
                        }
                        if (c.Call is FileCall file)
                        {
                            _files.TryAdd(file.Name, _files.Count);
                        }
                        break;
                    default:
                        break;
                }
            }
        }

        private void WriteHeader()
        {
            string name = Path.GetFileName(scenario.FileName);
            string targetName = target == CTarget.NetBsd ? "netbsd" : "linux";
            Line($"/*");
            Line($" * {CommentText(name)}: generated by `uvmsim emit-c --target {targetName}`.");
            Line(" *");
            Line(" * Performs the scenario's calls on the running kernel and prints each result as");
            Line(" * `uvmsim run --trace` does:  LINE: TEXT  => ok = 0x<value> | ERRNO. Compare the");
            Line(" * output with `uvmsim run --trace FILE`. A line a policy predicts to panic may panic");
            Line(" * this kernel: that is the point; run it on a test machine.");
            Line(" *");
            Line(" * Build: cc -std=c99 -Wall -Werror" + (target == CTarget.Linux ? " -D_GNU_SOURCE" : "") + " -o prog prog.c"
                + (target == CTarget.NetBsd ? " -latf-c   (or -DUVMSIM_NO_ATF for a plain program)" : ""));
            Line(" * Run it as root: SHM_LOCK and the uid= processes need it.");
            Line(" *");
            Line(" * Addresses: the model maps first fit upwards from 0x1000; this program keeps every");
            Line(" * scenario address m at UVMSIM_BASE + m (1 TiB; cc -DUVMSIM_BASE=... to move it),");
            Line(" * passes the model's first fit as the hint of each mmap and shmat without `fixed`,");
            Line(" * and prints addresses in that arena as m, so they read as the model's. Page 0 and");
            Line(" * addresses within UVMSIM_BASE of 2^64 are passed as they are (out of range on both).");
            Line(" * brk's heap is the kernel's, outside the arena: its addresses print as they are.");
            Line(" *");
            Line(" * A `fixed` mmap, munmap, mprotect or minherit is not made where its range reaches");
            Line(" * memory the scenario did not map (this program's own code, libraries or stack,");
            Line(" * outside the arena, but in reach of a literal address above it, a range long enough");
            Line(" * to leave it, or one relative to brk's heap): that line prints (not reproducible:");
            Line(" * the range overlaps the worker's own memory) and binds nothing. Free pages in the");
            Line(" * range still go to the kernel.");
            if (target == CTarget.Linux)
            {
                Line(" *");
                Line(" * On Linux: `wired` mmap flags use MAP_LOCKED; minherit is approximated with");
                Line(" * madvise (copy: MADV_DOFORK + MADV_KEEPONFORK, none: MADV_DONTFORK,");
                Line(" * zero: MADV_WIPEONFORK; share has no equivalent); errnos are Linux's.");
            }
            Line(" */");
            Line();
            Line($"#define UVMSIM_NPROCS {Math.Max(1, _procs.Count)}");
            Line($"#define UVMSIM_NVALS {Math.Max(1, _values.Count)}");
            Line($"#define UVMSIM_NFILES {Math.Max(1, _files.Count)}");
            Line("/* The result texts the runtime prints (CEmitOutput, shared with the model's side). */");
            _out.Append(CEmitRuntime.Definitions);
            Line("/* The model's user address range [min, max) (SPEC 3.3, VmMap): the arena's extent. */");
            Line($"#define UVMSIM_MAP_MIN UINT64_C(0x{VmMap.DefaultMin:x})");
            Line($"#define UVMSIM_MAP_MAX UINT64_C(0x{VmMap.DefaultMax:x})");
            Line();
            Line("/* Scenario names, by slot. Processes: "
                + (_procs.Count == 0 ? "none" : string.Join(", ", _procs.Select(p => $"{p.Value} = {CommentText(p.Key)}")))
                + "; values: " + (_values.Count == 0 ? "none" : string.Join(", ", _values.Select(v => $"{v.Value} = {CommentText(v.Key)}")))
                + ". */");
            // A scenario file is f<slot> in the program's own directory (uvmsim_file_path): its name is only in this comment.
            Line("/* The same names as C strings, for the observed digest (uvmsim_observe). */");
            Line($"#define UVMSIM_OBS_PAGES {ObservedDigest.MaxPages}");
            Line("static const char *const uvmsim_proc_name[UVMSIM_NPROCS] = { "
                + (_procs.Count == 0 ? "\"\"" : string.Join(", ", _procs.OrderBy(p => p.Value).Select(p => Literal(p.Key)))) + " };");
            Line("static const char *const uvmsim_val_name[UVMSIM_NVALS] = { "
                + (_values.Count == 0 ? "\"\"" : string.Join(", ", _values.OrderBy(v => v.Value).Select(v => Literal(v.Key)))) + " };");
            Line("/* Scenario files, by slot: " + (_files.Count == 0 ? "none" : string.Join(", ", _files.Select(f => $"{f.Value} = {CommentText(f.Key)}"))) + ". */");
            Line();
        }

        // ---- the worker side: one case per call line ----

        private void WriteDoLine()
        {
            Line("/* Runs call line `line` in the process that owns it (a worker). */");
            Line("static void uvmsim_do_line(int line, struct uvmsim_ack *a)");
            Line("{");
            Line("\tswitch (line) {");
            foreach (CallStatement c in scenario.Statements.OfType<CallStatement>())
            {
                if (c.Proc is null || c.Call.Accept(this) is not InWorker { Code: var code })
                {
                    continue;
                }
                Line($"\tcase {c.Line}: {{ /* {CommentText(c.Text)} */");
                foreach (string l in code)
                {
                    Line("\t\t" + l);
                }
                Line("\t\tbreak;");
                Line("\t}");
            }
            Line("\tdefault:");
            Line("\t\ta->kind = A_NOTE;");
            Line("\t\tbreak;");
            Line("\t}");
            Line("}");
            Line();
        }

        /// <summary>
        /// What a call line becomes in C: statements its process runs (with the slot a
        /// <c>fork</c> fills and whether a <c>shmget</c> may create), or a line the coordinator
        /// writes itself.
        /// </summary>
        public abstract record CCall;

        /// <summary>Statements a worker runs for the line.</summary>
        public sealed record InWorker(List<string> Code, int Child = -1, bool Creates = false) : CCall;

        /// <summary>The coordinator creates a file the scenario names.</summary>
        public sealed record MakeFile(FileCall File) : CCall;

        /// <summary>No user-level equivalent: a comment saying why; the line prints as not reproducible.</summary>
        public sealed record NotReproducible(string Why) : CCall;

        // ---- the C emitter's row of the per-call table (ICallVisitor) ----

        public CCall VisitMmap(MmapCall m) => new InWorker(Mmap(m));

        public CCall VisitMunmap(MunmapCall m)
        {
            return new InWorker(
            [
                At(m.Address),
                RangeGuard(m.Length),
                $"uvmsim_unmapped(a, at, {Expr(m.Length)}, munmap({AtPtr}, {Size(m.Length)}));",
            ]);
        }

        public CCall VisitMprotect(MprotectCall m)
        {
            return new InWorker(
            [
                At(m.Address),
                RangeGuard(m.Length),
                $"uvmsim_ret0(a, mprotect({AtPtr}, {Size(m.Length)}, {Prot(m.Protection)}));",
            ]);
        }

        public CCall VisitMinherit(MinheritCall m) => new InWorker(Minherit(m));

        public CCall VisitMlock(MlockCall m) => new InWorker([At(m.Address), $"uvmsim_ret0(a, mlock({AtPtr}, {Size(m.Length)}));"]);

        public CCall VisitMlock2(Mlock2Call m) => target == CTarget.Linux
            ? new InWorker([At(m.Address), $"uvmsim_ret0(a, (int)syscall(SYS_mlock2, {AtPtr}, {Size(m.Length)}, {(m.OnFault ? "1" : "0")}));"])
            : new InWorker(["uvmsim_err(a, ENOSYS);"]);

        public CCall VisitMunlock(MunlockCall m) => new InWorker([At(m.Address), $"uvmsim_ret0(a, munlock({AtPtr}, {Size(m.Length)}));"]);

        public CCall VisitMlockall(MlockallCall m)
        {
            string flags = Join(
                (m.Flags.Bits & Flags.McCurrent) != 0 ? "MCL_CURRENT" : null,
                (m.Flags.Bits & Flags.McFuture) != 0 ? "MCL_FUTURE" : null,
                (m.Flags.Bits & Flags.McOnFault) != 0 && target == CTarget.Linux ? "4 /* MCL_ONFAULT */" : null,
                (m.Flags.Bits & ~(Flags.McCurrent | Flags.McFuture | (target == CTarget.Linux ? Flags.McOnFault : 0))) is var raw and not 0 ? $"(int){Number(raw)}" : null);
            return new InWorker([$"uvmsim_ret0(a, mlockall({flags}));"]);
        }

        public CCall VisitMunlockall(MunlockallCall c) => new InWorker(["uvmsim_ret0(a, munlockall());"]);

        public CCall VisitBrk(BrkCall b)
        {
            return new InWorker(
            [
                "/* brk: sbrk by the length rounded up to pages; the value is the start of the new part. */",
                $"uint64_t len = {Expr(b.Length)}, n = (len + pg - 1) & ~(pg - 1);",
                "/* A growth sbrk cannot take: as an intptr_t it would shrink the worker's own heap. */",
                "if (n < len || n > (uint64_t)INTPTR_MAX) { a->kind = A_NOTE; break; }",
                "void *r = sbrk((intptr_t)n);",
                "uvmsim_grown(a, r, n, len, errno);",
            ]);
        }

        public CCall VisitTouch(TouchCall t)
        {
            return new InWorker(
            [
                At(t.Address),
                $"int e = uvmsim_touch(at, {Expr(t.Length)}, {(t.Access == Access.Write ? 1 : 0)});",
                "if (e != 0) uvmsim_err(a, e); else uvmsim_ok(a, 0);",
            ]);
        }

        public CCall VisitFork(ForkCall f)
        {
            return new InWorker(
            [
                "pid_t pid;",
                "fflush(stdout);",
                "pid = fork();",
                $"if (pid == 0) {{ me = {_procs[f.Child]}; /* now {CommentText(f.Child)} */ break; }}",
                "if (pid < 0) uvmsim_err(a, errno); else uvmsim_ok(a, (uint64_t)pid);",
            ], Child: _procs[f.Child]);
        }

        public CCall VisitExit(ExitCall c) => new InWorker(["a->kind = A_EXIT; /* the worker acks, then _exit(0) */"]);

        public CCall VisitSetrlimit(SetrlimitCall r)
        {
            return new InWorker(
            [
                "struct rlimit rl;",
                $"rl.rlim_cur = (rlim_t){Expr(r.Soft)};",
                $"rl.rlim_max = (rlim_t){Expr(r.Hard)};",
                "uvmsim_ret0(a, setrlimit(RLIMIT_MEMLOCK, &rl));",
            ]);
        }

        public CCall VisitShmget(ShmgetCall s)
        {
            string flags = Join(
                (s.Flags.Bits & Flags.IpcCreate) != 0 ? "IPC_CREAT" : null,
                (s.Flags.Bits & Flags.IpcExclusive) != 0 ? "IPC_EXCL" : null,
                "0" + Convert.ToString((long)(s.Flags.Bits & 0x1ff), 8));
            string key = s.Key is null ? "IPC_PRIVATE" : $"(key_t){Expr(s.Key)}";
            return new InWorker(
            [
                $"int r = shmget({key}, (size_t){Expr(s.Size)}, {flags});",
                "if (r < 0) uvmsim_err(a, errno); else { uvmsim_ok(a, (uint64_t)r); a->ekind = E_SEG; }",
            ], Creates: s.Key is null || (s.Flags.Bits & Flags.IpcCreate) != 0);
        }

        public CCall VisitShmat(ShmatCall s)
        {
            string flags = Join(
                (s.Flags.Bits & Flags.ShmReadOnly) != 0 ? "SHM_RDONLY" : null,
                (s.Flags.Bits & Flags.ShmRound) != 0 ? "SHM_RND" : null);
            // Without an address (or at 0): at the model's first fit (uvmsim_shmat).
            string at = s.Address is null ? "UINT64_C(0)" : Expr(s.Address);
            string where = s.Address is null ? "  /* no address: the model's first fit */" : "";
            return new InWorker(
            [
                $"void *r = uvmsim_shmat((int){Expr(s.Id)}, {at}, {RawFlag(s.Address)}, {flags});{where}",
                $"uvmsim_attached(a, (int){Expr(s.Id)}, r, errno, {RawFlag(s.Address)});",
            ]);
        }

        public CCall VisitShmdt(ShmdtCall s) => new InWorker([At(s.Address), $"uvmsim_detached(a, at, shmdt({AtPtr}));"]);

        public CCall VisitShmctl(ShmctlCall s) => new InWorker(Shmctl(s));

        public CCall VisitExec(ExecCall c) =>
            new NotReproducible("exec: replacing the worker's image would lose the scenario; not reproduced in-process.");

        public CCall VisitVslock(VslockCall c) => KernelInternal(c);

        public CCall VisitVsunlock(VsunlockCall c) => KernelInternal(c);

        public CCall VisitPagedaemon(PagedaemonCall c) => KernelInternal(c);

        public CCall VisitFile(FileCall c) => new MakeFile(c);

        private static NotReproducible KernelInternal(Call c) =>
            new($"{c.Keyword}: a kernel-internal operation; no user-level equivalent.");

        private List<string> Mmap(MmapCall m)
        {
            ulong bits = m.Flags.Bits;
            var words = new List<string?>
            {
                (bits & Flags.MapShared) != 0 ? "MAP_SHARED" : null,
                (bits & Flags.MapPrivate) != 0 ? "MAP_PRIVATE" : null,
                (bits & Flags.MapAnon) != 0 ? "MAP_ANON" : null,
                (bits & Flags.MapFixed) != 0 ? "MAP_FIXED" : null,
                (bits & Flags.MapWired) != 0 ? "UVMSIM_MAP_WIRED" : null,
            };
            ulong known = Flags.MapShared | Flags.MapPrivate | Flags.MapAnon | Flags.MapFixed | Flags.MapWired;
            var code = new List<string>();
            if ((bits & ~known) != 0)
            {
                code.Add($"/* raw flag bits {Number(bits & ~known)} (NetBSD numbering) are not passed on */");
            }
            string flags = Join([.. words]);
            string len = Size(m.Length);
            string addr;
            if ((bits & Flags.MapFixed) != 0)
            {
                code.Add(m.Address is null ? "uint64_t at = 0;" : At(m.Address));
                code.Add("/* MAP_FIXED replaces what is there: not the worker's own memory (uvmsim_own). */");
                string guardOff = m.File is not null && m.Offset is not null ? Expr(m.Offset) : "UINT64_C(0)";
                code.Add($"if (uvmsim_fixed_refused(a, at, {Expr(m.Length)}, {guardOff})) break;");
                addr = AtPtr;
            }
            else
            {
                // The model's hint rule, computed over the scenario's own ranges (uvmsim_place).
                string hint = m.Address is null ? "UINT64_C(0)" : Expr(m.Address);
                code.Add($"void *hint = uvmsim_place({hint}, {RawFlag(m.Address)}, {Expr(m.Length)});  /* where the model maps it */");
                addr = "hint";
            }
            if (m.File is { } file)
            {
                int f = _files[file];
                string off = m.Offset is null ? "0" : $"(off_t){Expr(m.Offset)}";
                code.Add("char path[512];");
                code.Add("int fd;");
                code.Add($"uvmsim_file_path({f}, path, sizeof path);");
                code.Add($"fd = open(path, {(FileIsReadOnly(file) ? "O_RDONLY" : "O_RDWR")} | O_NOFOLLOW);");
                code.Add("if (fd < 0) { uvmsim_err(a, errno); break; }");
                code.Add($"void *r = mmap({addr}, {len}, {Prot(m.Protection)}, {flags}, fd, {off});");
                code.Add("int e = errno;");
                code.Add("close(fd);");
                code.Add($"uvmsim_mapped(a, r, {Expr(m.Length)}, e, {RawFlag(m.Address)});");
            }
            else
            {
                code.Add($"void *r = mmap({addr}, {len}, {Prot(m.Protection)}, {flags}, -1, 0);");
                code.Add($"uvmsim_mapped(a, r, {Expr(m.Length)}, errno, {RawFlag(m.Address)});");
            }
            return code;
        }

        /// <summary>
        /// The statement that stops a munmap, mprotect or minherit line before its call when the
        /// range [<c>at</c>, <c>at</c> + <paramref name="length"/>) reaches memory the scenario did
        /// not map (<c>uvmsim_range_refused</c>): changing the worker's own memory would kill the
        /// process that runs the later lines.
        /// </summary>
        private string RangeGuard(Expr length) =>
            $"if (uvmsim_range_refused(a, at, {Expr(length)})) break;  /* not the worker's own memory (uvmsim_own) */";

        private bool FileIsReadOnly(string name) =>
            scenario.Statements.OfType<CallStatement>().Select(c => c.Call).OfType<FileCall>()
                .FirstOrDefault(f => f.Name == name)?.ReadOnly ?? false;

        private List<string> Minherit(MinheritCall m)
        {
            string netbsd = m.Inheritance switch
            {
                Inheritance.Share => "MAP_INHERIT_SHARE",
                Inheritance.Copy => "MAP_INHERIT_COPY",
                Inheritance.None => "MAP_INHERIT_NONE",
                Inheritance.Zero => "MAP_INHERIT_ZERO",
                _ => throw new UnreachableException($"inheritance {m.Inheritance}"),
            };
            string args = $"{AtPtr}, {Size(m.Length)}";
            string linux = m.Inheritance switch
            {
                Inheritance.Copy => $"/* ~ MAP_INHERIT_COPY */ uvmsim_ret0(a, madvise({args}, MADV_DOFORK) != 0 ? -1 : madvise({args}, MADV_KEEPONFORK));",
                Inheritance.None => $"/* ~ MAP_INHERIT_NONE */ uvmsim_ret0(a, madvise({args}, MADV_DONTFORK));",
                Inheritance.Zero => $"/* ~ MAP_INHERIT_ZERO (private anonymous only) */ uvmsim_ret0(a, madvise({args}, MADV_WIPEONFORK));",
                Inheritance.Share => "a->kind = A_NOTE; /* MAP_INHERIT_SHARE has no Linux equivalent */",
                _ => throw new UnreachableException($"inheritance {m.Inheritance}"),
            };
            return
            [
                At(m.Address),
                RangeGuard(m.Length),
                "#if defined(__NetBSD__) || defined(MAP_INHERIT_SHARE)",
                $"uvmsim_ret0(a, minherit({args}, {netbsd}));",
                "#elif defined(__linux__) && defined(MADV_WIPEONFORK)",
                "/* Linux has no minherit: approximated with madvise. */",
                linux,
                "#else",
                "a->kind = A_NOTE;",
                "#endif",
            ];
        }

        private List<string> Shmctl(ShmctlCall s)
        {
            string id = $"(int){Expr(s.Id)}";
            switch (s.Command)
            {
                case ShmctlCommand.IPC_STAT:
                    return ["struct shmid_ds ds;", $"uvmsim_ret0(a, shmctl({id}, IPC_STAT, &ds));"];
                case ShmctlCommand.IPC_SET:
                    {
                        // IPC_SET writes uid, gid and mode together: only a field the scenario
                        // leaves out is read first, since reading may need a permission the
                        // model's IPC_SET does not (uvmsim_shm_current).
                        var code = new List<string> { "struct shmid_ds ds;", "memset(&ds, 0, sizeof ds);" };
                        if (s.Uid is null || s.Gid is null || s.Mode is null)
                        {
                            code.Add("/* IPC_SET writes uid, gid and mode together: the ones not given are read first, to be written back unchanged (uvmsim_shm_current). */");
                            code.Add($"if (uvmsim_shm_current({id}, &ds) != 0) {{ uvmsim_err(a, errno); break; }}");
                        }
                        else
                        {
                            code.Add("/* IPC_SET with every field it writes given: nothing to read first. */");
                        }
                        if (s.Uid is not null)
                        {
                            code.Add($"ds.shm_perm.uid = (uid_t){Expr(s.Uid)};");
                        }
                        if (s.Gid is not null)
                        {
                            code.Add($"ds.shm_perm.gid = (gid_t){Expr(s.Gid)};");
                        }
                        if (s.Mode is not null)
                        {
                            code.Add($"ds.shm_perm.mode = (mode_t)(({Expr(s.Mode)}) & 0777);");
                        }
                        code.Add($"uvmsim_ret0(a, shmctl({id}, IPC_SET, &ds));");
                        return code;
                    }
                case ShmctlCommand.IPC_RMID:
                    return [$"uvmsim_ret0(a, shmctl({id}, IPC_RMID, NULL));"];
                case ShmctlCommand.SHM_LOCK:
                    return [$"uvmsim_ret0(a, shmctl({id}, SHM_LOCK, NULL));"];
                case ShmctlCommand.SHM_UNLOCK:
                    return [$"uvmsim_ret0(a, shmctl({id}, SHM_UNLOCK, NULL));"];
                default:
                    throw new UnreachableException($"shmctl command {s.Command}");
            }
        }

        // ---- the coordinator side: the lines in order ----

        private void WriteLines()
        {
            Line("/* The scenario's lines in order, run by the coordinator. */");
            Line("static void uvmsim_lines(void)");
            Line("{");
            foreach (Statement s in scenario.Statements)
            {
                string text = Literal(s.Text);
                Line($"\t/* {s.Line}: {CommentText(s.Text)} */");
                switch (s)
                {
                    case MachineStatement:
                        Line($"\tuvmsim_note({Literal($"{s.Line}: {s.Text}: the simulated machine; this kernel has its own")});");
                        break;
                    case SysctlStatement:
                        Line("\t/* A kernel tunable: set it with sysctl(8) before running. */");
                        Line($"\tuvmsim_note({Literal($"{s.Line}: {s.Text}: not applied (a kernel tunable; set it with sysctl(8))")});");
                        break;
                    case ProcStatement p:
                        {
                            long uid = p.Uid is { } u ? (long)u : -1;
                            long gid = p.Gid is { } g ? (long)g : uid;
                            Line($"\tuvmsim_start_proc({_procs[p.Name]}, {Literal(p.Name)}, {uid}L, {gid}L);");
                        }
                        break;
                    case CheckStatement check when CEmitOutput.ReadsSegment(check, out SegmentCheck seg):
                        {
                            var uses = seg.Id.Names.Distinct(StringComparer.Ordinal).Select(n => _values[n]).ToList();
                            string what = seg.Property == SegmentProperty.Exists ? "SEG_EXISTS" : "SEG_NATTCH";
                            Line("\t/* Read with IPC_STAT. */");
                            Line("\t{");
                            if (uses.Count > 0)
                            {
                                Line($"\t\tstatic const int u[] = {{ {string.Join(", ", uses)} }};");
                            }
                            Line($"\t\tuvmsim_check_segment({s.Line}, {text}, {(uses.Count == 0 ? "NULL" : "u")}, {uses.Count}, {Expr(seg.Id)}, {what});");
                            Line("\t}");
                            Line($"\tuvmsim_observe({s.Line});");
                        }
                        break;
                    case CheckStatement:
                        Line("\t/* A check of the model's internal state: no user-level equivalent. */");
                        Line($"\tuvmsim_not_reproducible({s.Line}, {text}, -1);");
                        break;
                    case CallStatement c:
                        WriteCallLine(c, text);
                        Line($"\tuvmsim_observe({c.Line});");
                        break;
                    default:
                        break;
                }
            }
            Line("}");
            Line();
        }

        private void WriteCallLine(CallStatement c, string text)
        {
            int bind = c.BindName is { } b ? _values[b] : -1;
            InWorker worker;
            switch (c.Call.Accept(this))
            {
                case MakeFile f:
                    Line($"\tuvmsim_make_file({c.Line}, {text}, {_files[f.File.Name]}, {Expr(f.File.Size)});");
                    return;
                case NotReproducible n:
                    Line($"\t/* {n.Why} */");
                    Line($"\tuvmsim_not_reproducible({c.Line}, {text}, {bind});");
                    return;
                case InWorker w:
                    worker = w;
                    break;
                default:
                    throw new UnreachableException($"C code kind {c.Call.Keyword}");
            }
            var uses = c.Call.Names.Distinct(StringComparer.Ordinal).Select(n => _values[n]).ToList();
            string usesArray = uses.Count == 0 ? "NULL" : "u";
            Line("\t{");
            if (uses.Count > 0)
            {
                Line($"\t\tstatic const int u[] = {{ {string.Join(", ", uses)} }};");
            }
            Line($"\t\tuvmsim_call({c.Line}, {_procs[c.Proc!]}, {text}, {usesArray}, {uses.Count}, {bind}, {worker.Child}, {(worker.Creates ? "UVMSIM_SHM_CREATE" : "0")});");
            Line("\t}");
        }

        private void WriteMain()
        {
            if (target == CTarget.NetBsd)
            {
                string tc = Identifier(scenario.FileName);
                Line("#ifndef UVMSIM_NO_ATF");
                Line("#include <atf-c.h>");
                Line();
                Line($"ATF_TC({tc});");
                Line($"ATF_TC_HEAD({tc}, tc)");
                Line("{");
                Line($"\tatf_tc_set_md_var(tc, \"descr\", {Literal("uvmsim scenario " + Path.GetFileName(scenario.FileName) + " on the real kernel")});");
                Line("\tatf_tc_set_md_var(tc, \"require.user\", \"root\");");
                Line("}");
                Line();
                Line($"ATF_TC_BODY({tc}, tc)");
                Line("{");
                Line("\tATF_REQUIRE_EQ(uvmsim_main(), 0);");
                Line("}");
                Line();
                Line("ATF_TP_ADD_TCS(tp)");
                Line("{");
                Line($"\tATF_TP_ADD_TC(tp, {tc});");
                Line("\treturn atf_no_error();");
                Line("}");
                Line("#else");
                WritePlainMain();
                Line("#endif");
            }
            else
            {
                WritePlainMain();
            }
        }

        private void WritePlainMain()
        {
            Line("int main(void)");
            Line("{");
            Line("\treturn uvmsim_main();");
            Line("}");
        }

        // ---- expressions ----

        /// <summary>An expression as C, a <c>uint64_t</c> computed modulo 2^64 with the host's page size.</summary>
        private string Expr(Expr e)
        {
            var b = new StringBuilder("(UINT64_C(0)");
            foreach (Term t in e.Terms)
            {
                b.Append(t.Negative ? " - " : " + ");
                b.Append(t.Name is { } name ? $"val[{_values[name]}]"
                    : t.InPages ? $"{Number(t.Value)} * pg"
                    : Number(t.Value));
            }
            return b.Append(')').ToString();
        }

        /// <summary>
        /// The declaration of <c>at</c>, the real address for scenario address <paramref name="e"/>:
        /// computed as the model computes it, then moved to the arena (<c>uvmsim_real</c>) unless one
        /// of its names holds an address the model cannot name.
        /// </summary>
        private string At(Expr e) => $"uint64_t at = uvmsim_real({Expr(e)}, {RawFlag(e)});  /* the real address (uvmsim_real) */";

        /// <summary><c>at</c> (<see cref="At"/>) as a pointer argument.</summary>
        private const string AtPtr = "(void *)(uintptr_t)at";

        /// <summary>Whether a name in <paramref name="e"/> holds a real address the model cannot name (brk's), as C.</summary>
        private string RawFlag(Expr? e)
        {
            var slots = e is null ? [] : e.Names.Distinct(StringComparer.Ordinal).Select(n => $"uvmsim_raw({_values[n]})").ToList();
            return slots.Count == 0 ? "0" : string.Join(" | ", slots);
        }


        private string Size(Expr e) => $"(size_t){Expr(e)}";

        private static string Number(ulong v) => $"UINT64_C({v.ToString(CultureInfo.InvariantCulture)})";

        private static string Prot(Protection p) => p == Protection.None ? "PROT_NONE"
            : Join(
                (p & Protection.Read) != 0 ? "PROT_READ" : null,
                (p & Protection.Write) != 0 ? "PROT_WRITE" : null,
                (p & Protection.Execute) != 0 ? "PROT_EXEC" : null);

        private static string Join(params string?[] parts)
        {
            var present = parts.Where(p => p is not null).ToList();
            return present.Count == 0 ? "0" : string.Join(" | ", present);
        }

        private void Line(string text = "") => _out.Append(text).Append('\n');
    }
}
