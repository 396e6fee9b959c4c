using System.Runtime.CompilerServices;
using UvmSim.Kernel;
using UvmSim.Map;
using UvmSim.SysV;

namespace UvmSim.Exploration;

/// <summary>
/// Turns abstract <see cref="Op"/>s into system calls on a kernel. It keeps the live
/// processes, mappings, segments and handles that arguments are drawn from, each under the
/// name a scenario file would give it. With <see cref="Record"/> on, it writes every call as
/// a scenario line, so a failing run replays exactly under <c>uvmsim run</c>. A panic
/// propagates (the kernel is dead); everything else is a result. Without recording nothing is
/// formatted: names are numbers and lines are interpolated only when written, so the
/// explorer's millions of calls allocate no text.
/// </summary>
public sealed class OpInterpreter
{
    private readonly Kernel.Kernel _kernel;
    private readonly List<(Process P, Name Name)> _procs = [];
    private readonly List<(Process P, ulong Va, ulong Len, Name Name)> _maps = [];
    private readonly List<(ulong Id, Name Name)> _segments = [];
    private readonly List<(ulong Id, Name Name)> _handles = [];
    private readonly List<int> _mine = [];
    private readonly int _maxProcs;
    private int _nextProc;
    private int _nextName;

    /// <summary>Starts with <paramref name="procs"/> processes: the first root, the second uid 1000, the rest root.</summary>
    public OpInterpreter(Kernel.Kernel kernel, int procs = 2, bool record = false)
    {
        _kernel = kernel;
        Record = record;
        int n = Math.Clamp(procs, 1, 8);
        _maxProcs = n + 2;
        for (int i = 0; i < n; i++)
        {
            uint uid = i == 1 ? 1000u : 0u;
            _procs.Add((kernel.CreateProcess(uid, uid)!, new Name('P', _nextProc++)));
            if (record)
            {
                Header.Add(uid == 0 ? $"proc {_procs[^1].Name}" : $"proc {_procs[^1].Name} uid={uid}");
            }
        }
    }

    /// <summary>The kernel driven.</summary>
    public Kernel.Kernel Kernel => _kernel;

    /// <summary>Whether calls are written as scenario lines into <see cref="Lines"/>.</summary>
    public bool Record { get; }

    /// <summary>The <c>proc</c> lines of the processes created at the start (with <see cref="Record"/>).</summary>
    public List<string> Header { get; } = [];

    /// <summary>The scenario line of each call applied so far (with <see cref="Record"/>).</summary>
    public List<string> Lines { get; } = [];

    /// <summary>How many processes are live (what an op's process index is taken modulo).</summary>
    public int ProcessCount => _procs.Count;

    private ulong Page => (ulong)_kernel.PageSize;

    private static int Index(int count, int i) => (int)((uint)i % (uint)count);

    private Name NewName(char prefix) => new(prefix, ++_nextName);

    /// <summary>Writes <paramref name="text"/> as a line of <paramref name="proc"/>; the text is only built when recording.</summary>
    private void Emit(Name proc, [InterpolatedStringHandlerArgument("")] ref LineText text)
    {
        if (Record)
        {
            Lines.Add($"{proc}: {text.ToStringAndClear()}");
        }
    }

    /// <summary>A scenario name (<c>P0</c>, <c>m3</c>), spelled out only when a line is written.</summary>
    private readonly record struct Name(char Prefix, int Number)
    {
        public override string ToString() => $"{Prefix}{Number}";
    }

    /// <summary>An address as a scenario line spells it: a named mapping plus pages and bytes, or the number.</summary>
    private readonly record struct At(Name? Base, ulong Address, ulong PlusPages = 0, ulong PlusBytes = 0)
    {
        public override string ToString() => Base is { } b
            ? $"{b}{(PlusPages > 0 ? $"+{PlusPages}p" : "")}{(PlusBytes > 0 ? $"+{PlusBytes}" : "")}"
            : $"0x{Address:x}";
    }

    /// <summary>A range as a scenario line spells it: where it starts, then pages, one byte, or 2^64 - 1 bytes.</summary>
    private readonly record struct RangeText(At Start, ulong Pages, bool OneByte = false, bool Wrap = false)
    {
        public override string ToString() => OneByte ? $"{Start} 1" : Wrap ? $"{Start} 0x{ulong.MaxValue:x}" : $"{Start} {Pages}p";
    }

    /// <summary>
    /// In an exact range op, this bit of C asks for a length of 2^64 - 1 bytes (SPEC §5.1's
    /// length within a page of 2^64; <see cref="OpGroups.LengthWrap"/>) instead of C &gt;&gt; 4 pages.
    /// </summary>
    public const int WrapLength = 8;

    /// <summary>
    /// The text of a line, interpolated only when the interpreter records (the handler tells
    /// the compiler to skip every part otherwise).
    /// </summary>
    [InterpolatedStringHandler]
    private ref struct LineText
    {
        private DefaultInterpolatedStringHandler _text;

        public LineText(int literalLength, int formattedCount, OpInterpreter owner, out bool enabled)
        {
            enabled = owner.Record;
            _text = enabled ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
        }

        public void AppendLiteral(string s) => _text.AppendLiteral(s);

        public void AppendFormatted<T>(T value) => _text.AppendFormatted(value);

        public string ToStringAndClear() => _text.ToStringAndClear();
    }

    /// <summary>Performs one op.</summary>
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
                Emit(pn, $"{name} = mmap {pages}p {ProtText(prot)} {(shared ? "shared" : "private")}|anon{(wired ? "|wired" : "")}{(fixedAt ? "|fixed" : "")}{(atName is { } n ? $" at {n}" : "")}");
                r = _kernel.Mmap(p, pages * Page, prot, flags, at);
                if (r.Ok)
                {
                    _maps.Add((p, r.Value, pages * Page, name));
                }
                return r;
            }
            case OpKind.Munmap:
            {
                var (va, len, text) = Range(p, op);
                Emit(pn, $"munmap {text}");
                r = _kernel.Munmap(p, va, len);
                return r;
            }
            case OpKind.Mprotect:
            {
                var (va, len, text) = Range(p, op);
                var prot = ProtOf(op.C);
                Emit(pn, $"mprotect {text} {ProtText(prot)}");
                r = _kernel.Mprotect(p, va, len, prot);
                return r;
            }
            case OpKind.Minherit:
            {
                var (va, len, text) = Range(p, op);
                var inh = (Inheritance)(op.C & 3);
                Emit(pn, $"minherit {text} {inh.ToString().ToLowerInvariant()}");
                r = _kernel.Minherit(p, va, len, inh);
                return r;
            }
            case OpKind.Mlock:
            {
                var (va, len, text) = Range(p, op);
                Emit(pn, $"mlock {text}");
                r = _kernel.Mlock(p, va, len);
                return r;
            }
            case OpKind.Munlock:
            {
                var (va, len, text) = Range(p, op);
                Emit(pn, $"munlock {text}");
                r = _kernel.Munlock(p, va, len);
                return r;
            }
            case OpKind.Mlockall:
            {
                ulong flags = (ulong)(op.C & 3);
                Emit(pn, $"mlockall {flags}");
                r = _kernel.Mlockall(p, flags);
                return r;
            }
            case OpKind.Munlockall:
                Emit(pn, $"munlockall");
                r = _kernel.Munlockall(p);
                return r;
            case OpKind.Brk:
            {
                ulong len = (ulong)(op.A & 1) * Page;
                Name name = NewName('b');
                Emit(pn, $"{name} = brk {len / Page}p");
                r = _kernel.Brk(p, len);
                if (r.Ok && len > 0)
                {
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
                Emit(pn, $"touch {text} {(write ? "write" : "read")}");
                r = _kernel.Touch(p, va, len, write);
                return r;
            }
            case OpKind.Fork:
            {
                if (_procs.Count >= _maxProcs)
                {
                    return Errno.EAGAIN;
                }
                var child = new Name('P', _nextProc++);
                Emit(pn, $"fork {child}");
                r = _kernel.Fork(p, out Process? c);
                if (r.Ok)
                {
                    _procs.Add((c!, child));
                    int n = _maps.Count;
                    for (int i = 0; i < n; i++)
                    {
                        if (_maps[i].P == p)
                        {
                            _maps.Add((c!, _maps[i].Va, _maps[i].Len, _maps[i].Name));
                        }
                    }
                }
                return r;
            }
            case OpKind.Exec:
                ForgetMapsOf(p);
                Emit(pn, $"exec");
                r = _kernel.Exec(p);
                return r;
            case OpKind.Exit:
                if (_procs.Count == 1)
                {
                    return Errno.EINVAL;
                }
                ForgetMapsOf(p);
                _procs.RemoveAt(IndexOf(p));
                Emit(pn, $"exit");
                r = _kernel.Exit(p);
                return r;
            case OpKind.Setrlimit:
            {
                ulong soft = (ulong)(op.A & 7), hard = soft + (ulong)(op.B & 7);
                Emit(pn, $"setrlimit memlock {soft}p {hard}p");
                r = _kernel.SetMemlockLimit(p, soft * Page, hard * Page);
                return r;
            }
            case OpKind.Shmget:
            {
                ulong pages = (ulong)(op.A & 3) + 1;
                int key = op.B & 3;
                Name name = NewName('s');
                Emit(pn, $"{name} = shmget {(key == 0 ? "private" : key.ToString())} {pages}p create|0666");
                r = _kernel.Shm.Shmget(p, key == 0 ? null : (ulong)key, pages * Page, ShmTable.IpcCreat | 0x1b6);
                if (r.Ok && !HasSegment(r.Value))
                {
                    _segments.Add((r.Value, name));
                }
                return r;
            }
            case OpKind.Shmat:
            {
                if (_segments.Count == 0)
                {
                    return Errno.EINVAL;
                }
                var (id, sn) = _segments[Index(_segments.Count, op.A)];
                bool rdonly = (op.C & 1) != 0;
                Name name = NewName('m');
                Emit(pn, $"{name} = shmat {sn}{(rdonly ? " 0 rdonly" : "")}");
                r = _kernel.Shm.Shmat(p, id, 0, rdonly ? ShmTable.ShmRdonly : 0);
                if (r.Ok)
                {
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
                Emit(pn, $"shmdt {AddressText(p, at)}");
                r = _kernel.Shm.Shmdt(p, at);
                return r;
            }
            case OpKind.Shmctl:
            {
                if (_segments.Count == 0)
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
                Emit(pn, $"shmctl {sn} {CommandText(cmd)}");
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
                Emit(pn, $"{name} = vslock {text} {(write ? "write" : "read")}");
                r = _kernel.Vslock(p, va, len, write);
                if (r.Ok)
                {
                    _handles.Add((r.Value, name));
                }
                return r;
            }
            case OpKind.Vsunlock:
            {
                if (_handles.Count == 0)
                {
                    return Errno.EINVAL;
                }
                var (h, hn) = _handles[Index(_handles.Count, op.A)];
                Emit(pn, $"vsunlock {hn}");
                r = _kernel.Vsunlock(h);
                return r;
            }
            default:
            {
                ulong n = (ulong)(op.A & 7);
                Emit(pn, $"pagedaemon {n}");
                r = _kernel.PageDaemon(n);
                return r;
            }
        }
    }

    private static Protection ProtOf(int bits) => (bits & 3) switch
    {
        0 => Protection.None,
        1 => Protection.Read,
        _ => Protection.ReadWrite,
    };

    private static string ProtText(Protection p) => p switch
    {
        Protection.None => "none",
        Protection.Read => "r",
        _ => "rw",
    };

    private static string CommandText(ShmCommand c) => c switch
    {
        ShmCommand.IpcStat => "IPC_STAT",
        ShmCommand.IpcRmid => "IPC_RMID",
        ShmCommand.ShmLock => "SHM_LOCK",
        ShmCommand.IpcSet => "IPC_SET",
        _ => "SHM_UNLOCK",
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
        _mine.Clear();
        for (int i = 0; i < _maps.Count; i++)
        {
            if (_maps[i].P == p)
            {
                _mine.Add(i);
            }
        }
        if (op.Exact)
        {
            if (a >= _mine.Count)
            {
                return (0x1000, Page, new RangeText(new At(null, 0x1000), 1));
            }
            var e = _maps[_mine[a]];
            if ((op.C & WrapLength) != 0)
            {
                return (e.Va + (ulong)b * Page, ulong.MaxValue, new RangeText(new At(e.Name, 0, (ulong)b), 0, Wrap: true));
            }
            ulong count = (ulong)(op.C >> 4);
            return (e.Va + (ulong)b * Page, count * Page, new RangeText(new At(e.Name, 0, (ulong)b), count));
        }
        if (_mine.Count == 0 || (b & 15) == 15)
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
        var m = _maps[_mine[Index(_mine.Count, a)]];
        ulong pages = m.Len / Page;
        ulong first = (ulong)(uint)(b >> 4) % pages;
        ulong n = (ulong)(uint)(a >> 3) % (pages - first + 2);
        ulong odd = (b & 8) != 0 ? 100UL : 0UL;
        return (m.Va + first * Page + odd, n * Page, new RangeText(new At(m.Name, 0, first, odd), n));
    }
}
