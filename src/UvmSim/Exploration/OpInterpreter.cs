using UvmSim.Undo;
using UvmSim.Kernel;
using UvmSim.Map;
using UvmSim.Scenarios.Syntax;
using UvmSim.SysV;

namespace UvmSim.Exploration;

/// <summary>
/// Turns abstract <see cref="Op"/>s into system calls on a kernel. It keeps the live
/// processes, mappings, segments and handles that arguments are drawn from, each under the
/// name a scenario file would give it. With <see cref="Record"/> on, it writes every call as
/// a scenario line, so a failing run replays exactly under <c>uvmsim run</c>. A panic
/// propagates (the kernel is dead); everything else is a result. Without recording nothing is
/// formatted: names are numbers, and a call's <see cref="Call"/> record is built and printed
/// (by <see cref="ScenarioPrinter"/>) only when a line is written, so the explorer's millions
/// of calls allocate no text.
/// </summary>
public sealed partial class OpInterpreter
{
    private readonly Kernel.Kernel _kernel;
    [LoggedApart]
    private readonly List<(Process P, Name Name)> _procs = [];
    [LoggedApart]
    private readonly List<(Process P, ulong Va, ulong Len, Name Name)> _maps = [];
    // Segments and handles are listed from the first (most universes make neither: issue 17);
    // UndoLog.Changing logs the field as it goes from null to a list.
    [LoggedApart]
    private List<(ulong Id, Name Name)>? _segments;
    [LoggedApart]
    private List<(ulong Id, Name Name)>? _handles;

    /// <summary>What <see cref="Header"/> and <see cref="Lines"/> are without recording: empty, and never written.</summary>
    private static readonly List<string> s_unrecorded = [];
    private readonly int _maxProcs;
    private int _nextProc;
    private int _nextName;

    /// <summary>Starts with <paramref name="procs"/> processes: the first root, the second uid 1000, the rest root.</summary>
    public OpInterpreter(Kernel.Kernel kernel, int procs = 2, bool record = false)
    {
        _kernel = kernel;
        Record = record;
        Header = record ? [] : s_unrecorded;
        Lines = record ? [] : s_unrecorded;
        int n = Math.Clamp(procs, 1, 8);
        _maxProcs = n + 2;
        for (int i = 0; i < n; i++)
        {
            uint uid = i == 1 ? 1000u : 0u;
            UndoLog.Touch(_procs);
            _procs.Add((kernel.CreateProcess(uid, uid)!, new Name('P', _nextProc++)));
            if (record)
            {
                Header.Add(ScenarioPrinter.Format(new ProcStatement(_procs[^1].Name.ToString(), uid == 0 ? null : uid)));
            }
        }
    }

    /// <summary>The kernel driven.</summary>
    public Kernel.Kernel Kernel => _kernel;

    /// <summary>Whether calls are written as scenario lines into <see cref="Lines"/>.</summary>
    public bool Record { get; }

    /// <summary>The <c>proc</c> lines of the processes created at the start (with <see cref="Record"/>).</summary>
    [field: LoggedApart] // written by the constructor only
    public List<string> Header { get; }

    /// <summary>The scenario line of each call applied so far (with <see cref="Record"/>).</summary>
    [field: LoggedApart]
    public List<string> Lines { get; }

    /// <summary>How many processes are live (what an op's process index is taken modulo).</summary>
    public int ProcessCount => _procs.Count;

    private ulong Page => (ulong)_kernel.PageSize;

    private static int Index(int count, int i) => (int)((uint)i % (uint)count);

    private Name NewName(char prefix)
    {
        UndoLog.Set(this, ref _nextName, _nextName + 1);
        return new(prefix, _nextName);
    }

    /// <summary>
    /// Writes <paramref name="call"/> as a line of <paramref name="proc"/> binding
    /// <paramref name="bind"/>, in the printer's canonical form (<see cref="ScenarioPrinter"/>,
    /// the one text of every call). Callers build the call only when <see cref="Record"/> is
    /// on, so the explorer's calls allocate nothing.
    /// </summary>
    private void Emit(Name proc, Name? bind, Call call)
    {
        UndoLog.Touch(Lines);
        Lines.Add(ScenarioPrinter.Format(new CallStatement(proc.ToString(), bind?.ToString(), call)));
    }

    /// <summary>A scenario name (<c>P0</c>, <c>m3</c>), spelled out only when a line is written.</summary>
    private readonly record struct Name(char Prefix, int Number)
    {
        public override string ToString() => $"{Prefix}{Number}";

        public Expr ToExpr() => Expr.OfName(ToString());
    }

    /// <summary>An address as a scenario line spells it: a named mapping plus pages and bytes, or the number.</summary>
    private readonly record struct At(Name? Base, ulong Address, ulong PlusPages = 0, ulong PlusBytes = 0)
    {
        public Expr ToExpr()
        {
            if (Base is not { } b)
            {
                return Expr.Of(Address);
            }
            var terms = new List<Term> { Term.Named(b.ToString()) };
            if (PlusPages > 0)
            {
                terms.Add(Term.Pages(PlusPages));
            }
            if (PlusBytes > 0)
            {
                terms.Add(Term.Number(PlusBytes));
            }
            return new Expr(terms.ToEquatableList());
        }
    }

    /// <summary>A range as a scenario line spells it: where it starts, then pages, one byte, or 2^64 - 1 bytes.</summary>
    private readonly record struct RangeText(At Start, ulong Pages, bool OneByte = false, bool Wrap = false)
    {
        public Expr Address => Start.ToExpr();

        public Expr Length => OneByte ? Expr.Of(1) : Wrap ? Expr.Of(ulong.MaxValue) : Expr.OfPages(Pages);
    }

    /// <summary>
    /// In an exact range op, this bit of C asks for a length of 2^64 - 1 bytes (SPEC §5.1's
    /// length within a page of 2^64; <see cref="OpGroups.LengthWrap"/>) instead of C &gt;&gt; 4 pages.
    /// </summary>
    public const int WrapLength = 8;

    private static FlagSet Words(ulong raw, params string[] words) =>
        new(words.Aggregate(raw, (bits, w) => bits | Keywords.FlagValue(w)), [.. words]);

    private static Access AccessOf(bool write) => write ? Access.Write : Access.Read;

    /// <summary>Performs one op.</summary>
    /// <remarks>The interpreter's own counters are logged where they change, so a call that changes nothing logs nothing.</remarks>
    public SysResult Apply(Op op)
    {
        if (_procs.Count == 0)
        {
            return Errno.EINVAL;
        }
        var (p, pn) = _procs[Index(_procs.Count, op.Proc)];
        SysResult r;
        switch (op.Kind)
        {
            case OpKind.Mmap:
            {
                ulong pages = (ulong)(op.A & 3) + 1;
                var prot = ProtOf(op.B);
                bool shared = (op.C & 1) != 0, wired = (op.C & 2) != 0, fixedAt = (op.C & 4) != 0 && _maps.Count > 0;
                MapFlags flags = (shared ? MapFlags.Shared : MapFlags.Private) | MapFlags.Anon | (wired ? MapFlags.Wired : 0);
                ulong at = 0;
                Name? atName = null;
                if (fixedAt)
                {
                    var m = _maps[Index(_maps.Count, op.B >> 2)];
                    flags |= MapFlags.Fixed;
                    at = m.Va;
                    atName = m.Name;
                }
                Name name = NewName('m');
                if (Record)
                {
                    var words = new List<string> { shared ? "shared" : "private", "anon" };
                    if (wired)
                    {
                        words.Add("wired");
                    }
                    if (fixedAt)
                    {
                        words.Add("fixed");
                    }
                    Emit(pn, name, new MmapCall(Expr.OfPages(pages), prot, Words(0, [.. words]), atName?.ToExpr()));
                }
                r = _kernel.Mmap(p, pages * Page, prot, flags, at);
                if (r.Ok)
                {
                    UndoLog.Touch(_maps);
                    _maps.Add((p, r.Value, pages * Page, name));
                }
                return r;
            }
            case OpKind.Munmap:
            {
                var (va, len, text) = Range(p, op);
                if (Record)
                {
                    Emit(pn, null, new MunmapCall(text.Address, text.Length));
                }
                r = _kernel.Munmap(p, va, len);
                return r;
            }
            case OpKind.Mprotect:
            {
                var (va, len, text) = Range(p, op);
                var prot = ProtOf(op.C);
                if (Record)
                {
                    Emit(pn, null, new MprotectCall(text.Address, text.Length, prot));
                }
                r = _kernel.Mprotect(p, va, len, prot);
                return r;
            }
            case OpKind.Minherit:
            {
                var (va, len, text) = Range(p, op);
                var inh = (Inheritance)(op.C & 3);
                if (Record)
                {
                    Emit(pn, null, new MinheritCall(text.Address, text.Length, inh));
                }
                r = _kernel.Minherit(p, va, len, inh);
                return r;
            }
            case OpKind.Mlock:
            {
                var (va, len, text) = Range(p, op);
                if (Record)
                {
                    Emit(pn, null, new MlockCall(text.Address, text.Length));
                }
                r = _kernel.Mlock(p, va, len);
                return r;
            }
            case OpKind.Mlock2:
            {
                var (va, len, text) = Range(p, op);
                bool onFault = (op.C & 1) != 0;
                if (Record)
                {
                    Emit(pn, null, new Mlock2Call(text.Address, text.Length, onFault));
                }
                r = _kernel.Mlock2(p, va, len, onFault ? UvmSim.Kernel.Kernel.MlockOnFault : 0);
                return r;
            }
            case OpKind.Munlock:
            {
                var (va, len, text) = Range(p, op);
                if (Record)
                {
                    Emit(pn, null, new MunlockCall(text.Address, text.Length));
                }
                r = _kernel.Munlock(p, va, len);
                return r;
            }
            case OpKind.Mlockall:
            {
                ulong flags = (ulong)(op.C & 3);
                if (Record)
                {
                    Emit(pn, null, new MlockallCall(Words(flags)));
                }
                r = _kernel.Mlockall(p, flags);
                return r;
            }
            case OpKind.Munlockall:
                if (Record)
                {
                    Emit(pn, null, new MunlockallCall());
                }
                r = _kernel.Munlockall(p);
                return r;
            case OpKind.Brk:
            {
                ulong len = (ulong)(op.A & 1) * Page;
                Name name = NewName('b');
                if (Record)
                {
                    Emit(pn, name, new BrkCall(Expr.OfPages(len / Page)));
                }
                r = _kernel.Brk(p, len);
                if (r.Ok && len > 0)
                {
                    UndoLog.Touch(_maps);
                    _maps.Add((p, r.Value, len, name));
                }
                return r;
            }
            case OpKind.Touch:
            {
                var (va, len, text) = Range(p, op);
                bool write = (op.C & 1) != 0;
                if (len == 0)
                {
                    len = 1;
                    text = text with { OneByte = true };
                }
                if (Record)
                {
                    Emit(pn, null, new TouchCall(text.Address, text.Length, AccessOf(write)));
                }
                r = _kernel.Touch(p, va, len, write);
                return r;
            }
            case OpKind.Fork:
            {
                if (_procs.Count >= _maxProcs)
                {
                    return Errno.EAGAIN;
                }
                UndoLog.Touch(this);
                var child = new Name('P', _nextProc++);
                if (Record)
                {
                    Emit(pn, null, new ForkCall(child.ToString()));
                }
                r = _kernel.Fork(p, out Process? c);
                if (r.Ok)
                {
                    UndoLog.Touch(_procs);
                    _procs.Add((c!, child));
                    int n = _maps.Count;
                    for (int i = 0; i < n; i++)
                    {
                        if (_maps[i].P == p)
                        {
                            UndoLog.Touch(_maps);
                            _maps.Add((c!, _maps[i].Va, _maps[i].Len, _maps[i].Name));
                        }
                    }
                }
                return r;
            }
            case OpKind.Exec:
                ForgetMapsOf(p);
                if (Record)
                {
                    Emit(pn, null, new ExecCall());
                }
                r = _kernel.Exec(p);
                return r;
            case OpKind.Exit:
                if (_procs.Count == 1)
                {
                    return Errno.EINVAL;
                }
                ForgetMapsOf(p);
                UndoLog.Touch(_procs);
                _procs.RemoveAt(IndexOf(p));
                if (Record)
                {
                    Emit(pn, null, new ExitCall());
                }
                r = _kernel.Exit(p);
                return r;
            case OpKind.Setrlimit:
            {
                ulong soft = (ulong)(op.A & 7), hard = soft + (ulong)(op.B & 7);
                if (Record)
                {
                    Emit(pn, null, new SetrlimitCall(Expr.OfPages(soft), Expr.OfPages(hard)));
                }
                r = _kernel.SetMemlockLimit(p, soft * Page, hard * Page);
                return r;
            }
            case OpKind.Shmget:
            {
                ulong pages = (ulong)(op.A & 3) + 1;
                int key = op.B & 3;
                Name name = NewName('s');
                if (Record)
                {
                    Emit(pn, name, new ShmgetCall(key == 0 ? null : Expr.Of((ulong)key), Expr.OfPages(pages), Words(0x1b6, "create")));
                }
                r = _kernel.Shm.Shmget(p, key == 0 ? null : (ulong)key, pages * Page, ShmTable.IpcCreat | 0x1b6);
                if (r.Ok && !HasSegment(r.Value))
                {
                    UndoLog.Changing(this, ref _segments).Add((r.Value, name));
                }
                return r;
            }
            case OpKind.Shmat:
            {
                if (_segments is not { Count: > 0 })
                {
                    return Errno.EINVAL;
                }
                var (id, sn) = _segments[Index(_segments.Count, op.A)];
                bool rdonly = (op.C & 1) != 0;
                Name name = NewName('m');
                if (Record)
                {
                    Emit(pn, name, new ShmatCall(sn.ToExpr(), rdonly ? Expr.Of(0) : null, rdonly ? Words(0, "rdonly") : FlagSet.None));
                }
                r = _kernel.Shm.Shmat(p, id, 0, rdonly ? ShmTable.ShmRdonly : 0);
                if (r.Ok)
                {
                    UndoLog.Touch(_maps);
                    _maps.Add((p, r.Value, _kernel.Shm.Find(id)!.Size, name));
                }
                return r;
            }
            case OpKind.Shmdt:
            {
                if (p.Attachments.Count == 0)
                {
                    return Errno.EINVAL;
                }
                ulong at = p.Attachments[Index(p.Attachments.Count, op.A)].Va;
                if (Record)
                {
                    Emit(pn, null, new ShmdtCall(AddressText(p, at).ToExpr()));
                }
                r = _kernel.Shm.Shmdt(p, at);
                return r;
            }
            case OpKind.Shmctl:
            {
                if (_segments is not { Count: > 0 })
                {
                    return Errno.EINVAL;
                }
                var (id, sn) = _segments[Index(_segments.Count, op.A)];
                var cmd = (op.C % 5) switch
                {
                    0 => ShmCommand.IpcStat,
                    1 => ShmCommand.IpcRmid,
                    2 or 3 => (op.C & 8) != 0 ? ShmCommand.ShmUnlock : ShmCommand.ShmLock,
                    _ => ShmCommand.ShmUnlock,
                };
                if (Record)
                {
                    Emit(pn, null, new ShmctlCall(sn.ToExpr(), Word(cmd)));
                }
                r = _kernel.Shm.Shmctl(p, id, cmd);
                return r;
            }
            case OpKind.Vslock:
            {
                var (va, len, text) = Range(p, op);
                bool write = (op.C & 1) != 0;
                if (len == 0)
                {
                    len = 1;
                    text = text with { OneByte = true };
                }
                Name name = NewName('h');
                if (Record)
                {
                    Emit(pn, name, new VslockCall(text.Address, text.Length, AccessOf(write)));
                }
                r = _kernel.Vslock(p, va, len, write);
                if (r.Ok)
                {
                    UndoLog.Changing(this, ref _handles).Add((r.Value, name));
                }
                return r;
            }
            case OpKind.Vsunlock:
            {
                if (_handles is not { Count: > 0 })
                {
                    return Errno.EINVAL;
                }
                var (h, hn) = _handles[Index(_handles.Count, op.A)];
                if (Record)
                {
                    Emit(pn, null, new VsunlockCall(hn.ToExpr()));
                }
                r = _kernel.Vsunlock(h);
                return r;
            }
            case OpKind.Pagedaemon:
            {
                ulong n = (ulong)(op.A & 7);
                if (Record)
                {
                    Emit(pn, null, new PagedaemonCall(Expr.Of(n)));
                }
                r = _kernel.PageDaemon(n);
                return r;
            }
            default:
                throw new NotSupportedException($"op kind {op.Kind} has no call");
        }
    }

    private static Protection ProtOf(int bits) => (bits & 3) switch
    {
        0 => Protection.None,
        1 => Protection.Read,
        _ => Protection.ReadWrite,
    };

    private static ShmctlCommand Word(ShmCommand c) => c switch
    {
        ShmCommand.IpcStat => ShmctlCommand.IPC_STAT,
        ShmCommand.IpcSet => ShmctlCommand.IPC_SET,
        ShmCommand.IpcRmid => ShmctlCommand.IPC_RMID,
        ShmCommand.ShmLock => ShmctlCommand.SHM_LOCK,
        ShmCommand.ShmUnlock => ShmctlCommand.SHM_UNLOCK,
        _ => throw new NotSupportedException($"shmctl command {c}"),
    };

    /// <summary>An address as a line names it: the mapping of <paramref name="p"/> that starts there, or the number.</summary>
    private At AddressText(Process p, ulong va)
    {
        foreach (var m in _maps)
        {
            if (m.P == p && m.Va == va)
            {
                return new At(m.Name, 0);
            }
        }
        return new At(null, va);
    }

    private void ForgetMapsOf(Process p)
    {
        for (int i = _maps.Count - 1; i >= 0; i--)
        {
            if (_maps[i].P == p)
            {
                UndoLog.Touch(_maps);
                _maps.RemoveAt(i);
            }
        }
    }

    private int IndexOf(Process p)
    {
        for (int i = 0; i < _procs.Count; i++)
        {
            if (_procs[i].P == p)
            {
                return i;
            }
        }
        return -1;
    }

    private bool HasSegment(ulong id)
    {
        if (_segments is null)
        {
            return false;
        }
        foreach (var s in _segments)
        {
            if (s.Id == id)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// An address range: mostly pages inside a live mapping of <paramref name="p"/> (named,
    /// so the scenario line reads <c>m3+1p 2p</c>), sometimes unaligned, zero-length or past
    /// the end, and sometimes deliberately bad: unmapped or wrapping.
    /// </summary>
    private (ulong Va, ulong Len, RangeText Text) Range(Process p, Op op)
    {
        int a = op.A, b = op.B;
        int mine = 0; // p's mappings, counted; the n-th is found again by MapOf (no list per call)
        foreach (var each in _maps)
        {
            if (each.P == p)
            {
                mine++;
            }
        }
        if (op.Exact)
        {
            if (a >= mine)
            {
                return (0x1000, Page, new RangeText(new At(null, 0x1000), 1));
            }
            var e = MapOf(p, a);
            if ((op.C & WrapLength) != 0)
            {
                return (e.Va + (ulong)b * Page, ulong.MaxValue, new RangeText(new At(e.Name, 0, (ulong)b), 0, Wrap: true));
            }
            ulong count = (ulong)op.ExactPages;
            return (e.Va + (ulong)b * Page, count * Page, new RangeText(new At(e.Name, 0, (ulong)b), count));
        }
        if (mine == 0 || (b & 15) == 15)
        {
            if ((b & 1) == 0)
            {
                ulong va = 0x1000UL * (ulong)((a & 7) + 1);
                ulong len = (ulong)(a & 3) * Page;
                return (va, len, new RangeText(new At(null, va), len / Page));
            }
            ulong huge = ulong.MaxValue - 4096;
            return (huge, Page, new RangeText(new At(null, huge), 1));
        }
        var m = MapOf(p, Index(mine, a));
        ulong pages = m.Len / Page;
        ulong first = (ulong)(uint)(b >> 4) % pages;
        ulong n = (ulong)(uint)(a >> 3) % (pages - first + 2);
        ulong odd = (b & 8) != 0 ? 100UL : 0UL;
        return (m.Va + first * Page + odd, n * Page, new RangeText(new At(m.Name, 0, first, odd), n));
    }

    /// <summary>The <paramref name="n"/>-th mapping of <paramref name="p"/> in the list's order (there is one).</summary>
    private (Process P, ulong Va, ulong Len, Name Name) MapOf(Process p, int n)
    {
        foreach (var m in _maps)
        {
            if (m.P == p && n-- == 0)
            {
                return m;
            }
        }
        throw new InvalidOperationException($"no such mapping of pid {p.Pid}");
    }
}
