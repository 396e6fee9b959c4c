using UvmSim.Kernel;
using UvmSim.Map;
using UvmSim.SysV;

namespace UvmSim.Exploration;

/// <summary>
/// Turns abstract <see cref="Op"/>s into system calls on a kernel, keeping the live
/// processes, mappings, segments and handles the arguments are drawn from. A panic
/// propagates (the kernel is dead); everything else is a result.
/// </summary>
public sealed class OpInterpreter
{
    private readonly Kernel.Kernel _kernel;
    private readonly List<Process> _procs = [];
    private readonly List<(Process P, ulong Va, ulong Len)> _maps = [];
    private readonly List<ulong> _segments = [];
    private readonly List<ulong> _handles = [];
    private readonly int _maxProcs;

    /// <summary>Starts with <paramref name="procs"/> root processes (at most 4 live at once).</summary>
    public OpInterpreter(Kernel.Kernel kernel, int procs = 2)
    {
        _kernel = kernel;
        _maxProcs = Math.Max(procs, 1) + 2;
        for (int i = 0; i < Math.Max(procs, 1); i++)
        {
            _procs.Add(kernel.CreateProcess(i == 1 ? 1000u : 0u, i == 1 ? 1000u : 0u)!);
        }
    }

    /// <summary>The kernel driven.</summary>
    public Kernel.Kernel Kernel => _kernel;

    /// <summary>Live processes.</summary>
    public IReadOnlyList<Process> Processes => _procs;

    private ulong P => (ulong)_kernel.PageSize;

    private static T Pick<T>(List<T> list, int i) => list[(int)((uint)i % (uint)list.Count)];

    /// <summary>Performs one op; the returned text describes the call for reports.</summary>
    public SysResult Apply(Op op, out string text)
    {
        text = op.Kind.ToString().ToLowerInvariant();
        if (_procs.Count == 0)
        {
            return Errno.EINVAL;
        }
        Process p = Pick(_procs, op.Proc);
        (ulong va, ulong len) = Range(p, op.A, op.B);
        text = $"pid {p.Pid}: {text}";
        SysResult r;
        switch (op.Kind)
        {
            case OpKind.Mmap:
            {
                ulong pages = (ulong)(op.A & 3) + 1;
                var prot = (op.B & 3) switch { 0 => Protection.None, 1 => Protection.Read, _ => Protection.ReadWrite };
                MapFlags flags = ((op.C & 1) != 0 ? MapFlags.Shared : MapFlags.Private) | MapFlags.Anon;
                if ((op.C & 2) != 0) flags |= MapFlags.Wired;
                ulong at = 0;
                if ((op.C & 4) != 0 && _maps.Count > 0)
                {
                    flags |= MapFlags.Fixed;
                    at = Pick(_maps, op.B).Va;
                }
                text += $" {pages}p {prot} {flags} at 0x{at:x}";
                r = _kernel.Mmap(p, pages * P, prot, flags, at);
                if (r.Ok) _maps.Add((p, r.Value, pages * P));
                return r;
            }
            case OpKind.Munmap: text += $" 0x{va:x} {len}"; return _kernel.Munmap(p, va, len);
            case OpKind.Mprotect:
            {
                var prot = (op.C & 3) switch { 0 => Protection.None, 1 => Protection.Read, _ => Protection.ReadWrite };
                text += $" 0x{va:x} {len} {prot}";
                return _kernel.Mprotect(p, va, len, prot);
            }
            case OpKind.Minherit:
                text += $" 0x{va:x} {len} {(Inheritance)(op.C & 3)}";
                return _kernel.Minherit(p, va, len, (Inheritance)(op.C & 3));
            case OpKind.Mlock: text += $" 0x{va:x} {len}"; return _kernel.Mlock(p, va, len);
            case OpKind.Munlock: text += $" 0x{va:x} {len}"; return _kernel.Munlock(p, va, len);
            case OpKind.Mlockall: text += $" {op.C & 3}"; return _kernel.Mlockall(p, (ulong)(op.C & 3));
            case OpKind.Munlockall: return _kernel.Munlockall(p);
            case OpKind.Brk: text += $" {(ulong)(op.A & 1) * P}"; return _kernel.Brk(p, (ulong)(op.A & 1) * P);
            case OpKind.Touch: text += $" 0x{va:x} {len} {((op.C & 1) != 0 ? "write" : "read")}"; return _kernel.Touch(p, va, Math.Max(len, 1), (op.C & 1) != 0);
            case OpKind.Fork:
                if (_procs.Count >= _maxProcs) return Errno.EAGAIN;
                r = _kernel.Fork(p, out Process? child);
                if (r.Ok)
                {
                    _procs.Add(child!);
                    foreach (var m in _maps.Where(m => m.P == p).ToList()) _maps.Add((child!, m.Va, m.Len));
                }
                return r;
            case OpKind.Exec:
                _maps.RemoveAll(m => m.P == p);
                return _kernel.Exec(p);
            case OpKind.Exit:
                if (_procs.Count == 1) return Errno.EINVAL;
                _maps.RemoveAll(m => m.P == p);
                _procs.Remove(p);
                return _kernel.Exit(p);
            case OpKind.Setrlimit:
            {
                ulong soft = (ulong)(op.A & 7) * P, hard = soft + (ulong)(op.B & 7) * P;
                text += $" {soft} {hard}";
                return _kernel.SetMemlockLimit(p, soft, hard);
            }
            case OpKind.Shmget:
            {
                ulong size = (ulong)((op.A & 3) + 1) * P;
                ulong? key = (op.B & 3) == 0 ? null : (ulong)(op.B & 3);
                text += $" {(key is null ? "private" : key)} {size}";
                r = _kernel.Shm.Shmget(p, key, size, ShmTable.IpcCreat | 0x1b6);
                if (r.Ok && !_segments.Contains(r.Value)) _segments.Add(r.Value);
                return r;
            }
            case OpKind.Shmat:
            {
                if (_segments.Count == 0) return Errno.EINVAL;
                ulong id = Pick(_segments, op.A);
                text += $" {id}";
                r = _kernel.Shm.Shmat(p, id, 0, (op.C & 1) != 0 ? ShmTable.ShmRdonly : 0);
                if (r.Ok) _maps.Add((p, r.Value, _kernel.Shm.Find(id)!.Size));
                return r;
            }
            case OpKind.Shmdt:
            {
                if (p.Attachments.Count == 0) return Errno.EINVAL;
                ulong at = Pick(p.Attachments, op.A).Va;
                text += $" 0x{at:x}";
                return _kernel.Shm.Shmdt(p, at);
            }
            case OpKind.Shmctl:
            {
                if (_segments.Count == 0) return Errno.EINVAL;
                ulong id = Pick(_segments, op.A);
                var cmd = (op.C % 5) switch { 0 => ShmCommand.IpcStat, 1 => ShmCommand.IpcRmid, 2 or 3 => ShmCommand.ShmLock, _ => ShmCommand.ShmUnlock };
                if (cmd == ShmCommand.ShmLock && (op.C & 8) != 0) cmd = ShmCommand.ShmUnlock;
                text += $" {id} {cmd}";
                return _kernel.Shm.Shmctl(p, id, cmd);
            }
            case OpKind.Vslock:
                text += $" 0x{va:x} {len}";
                r = _kernel.Vslock(p, va, Math.Max(len, 1), (op.C & 1) != 0);
                if (r.Ok) _handles.Add(r.Value);
                return r;
            case OpKind.Vsunlock:
            {
                if (_handles.Count == 0) return Errno.EINVAL;
                ulong h = Pick(_handles, op.A);
                text += $" {h}";
                return _kernel.Vsunlock(h);
            }
            default:
                text += $" {op.A & 7}";
                return _kernel.PageDaemon((ulong)(op.A & 7));
        }
    }

    /// <summary>An address range mostly inside a live mapping of <paramref name="p"/>, sometimes bad.</summary>
    private (ulong Va, ulong Len) Range(Process p, int a, int b)
    {
        var mine = _maps.Where(m => m.P == p).ToList();
        if (mine.Count == 0 || (b & 15) == 15)
        {
            return ((b & 1) == 0 ? 0x1000UL * (ulong)((a & 7) + 1) : ulong.MaxValue - 4096, (ulong)(a & 3) * P);
        }
        var (_, va, len) = Pick(mine, a);
        ulong pages = len / P;
        ulong first = (ulong)(uint)(b >> 4) % pages;
        ulong n = (ulong)(uint)(a >> 3) % (pages - first + 2);
        ulong odd = (b & 8) != 0 ? 100UL : 0UL;
        return (va + first * P + odd, n * P);
    }
}
