using UvmSim.Undo;
using UvmSim.Map;
using UvmSim.Objects;
using UvmSim.Policies;

namespace UvmSim.SysV;

/// <summary><c>shmctl</c> commands.</summary>
public enum ShmCommand
{
    /// <summary>Read the segment's status (needs read permission).</summary>
    IpcStat,
    /// <summary>Change owner and mode (owner or root).</summary>
    IpcSet,
    /// <summary>Mark for removal (owner or root).</summary>
    IpcRmid,
    /// <summary>Lock in memory (root).</summary>
    ShmLock,
    /// <summary>Unlock (root).</summary>
    ShmUnlock,
}

/// <summary>
/// System V shared memory (<c>sysv_shm.c</c>, SPEC §8.1): the segment table, its tunables,
/// and <c>shmget</c>/<c>shmat</c>/<c>shmdt</c>/<c>shmctl</c>. Locking is delegated to the
/// policy's <see cref="ISysvLock"/>.
/// </summary>
public sealed partial class ShmTable
{
    /// <summary><c>IPC_CREAT</c>.</summary>
    public const ulong IpcCreat = 0x200;
    /// <summary><c>IPC_EXCL</c>.</summary>
    public const ulong IpcExcl = 0x400;
    /// <summary><c>SHM_RDONLY</c>.</summary>
    public const ulong ShmRdonly = 0x1000;
    /// <summary><c>SHM_RND</c>.</summary>
    public const ulong ShmRnd = 0x2000;

    private readonly IShmHost _kernel;
    // The slot table, the sequence numbers and the ids ever given are made with the first
    // segment (most of the explorer's universes never make one: issue 17); the table is
    // touched before a field goes from null to a new dictionary, so an undo restores the null.
    private Dictionary<int, Segment>? _slots;

    /// <summary>The last sequence number given in each slot (0 for none), by slot: slots are taken lowest first, so it is dense.</summary>
    private int[]? _seq;
    private static readonly Dictionary<int, Segment>.ValueCollection s_noSegments = new Dictionary<int, Segment>().Values;

    internal ShmTable(IShmHost kernel)
    {
        _kernel = kernel;
        ulong page = (ulong)kernel.Vm.PageSize;
        ShmMax = (ulong)Math.Max(kernel.Vm.Config.Pages / 4, 1024) * page;
        ShmAll = ShmMax / page;
    }

    /// <summary>Largest segment in bytes.</summary>
    public ulong ShmMax { get; private set => UndoLog.Set(this, ref field, value); }

    /// <summary>Most pages in all segments.</summary>
    public ulong ShmAll { get; set => UndoLog.Set(this, ref field, value); }

    /// <summary>Smallest segment in bytes.</summary>
    public ulong ShmMin { get; set => UndoLog.Set(this, ref field, value); } = 1;

    /// <summary>Most segments.</summary>
    public int ShmMni { get; set => UndoLog.Set(this, ref field, value); } = 128;

    /// <summary>Most attachments per process.</summary>
    public int ShmSeg { get; set => UndoLog.Set(this, ref field, value); } = 128;

    /// <summary><c>kern.ipc.shm_use_phys</c>: segments are created wired and locked.</summary>
    public bool UsePhys { get; set => UndoLog.Set(this, ref field, value); }

    /// <summary>Sets <c>shmmax</c>, rounded up to a page, and <c>shmall</c> with it.</summary>
    public void SetShmMax(ulong bytes)
    {
        ulong page = (ulong)_kernel.Vm.PageSize;
        ulong rounded = (bytes + page - 1) / page * page;
        ShmMax = rounded < bytes ? ulong.MaxValue / page * page : rounded;
        ShmAll = ShmMax / page;
    }

    /// <summary>Live segments (not yet freed).</summary>
    public Dictionary<int, Segment>.ValueCollection Segments => _slots?.Values ?? s_noSegments;

    /// <summary>The live segment with <paramref name="id"/>, removed ones included.</summary>
    public Segment? Find(ulong id)
    {
        if (id > int.MaxValue)
        {
            return null;
        }
        int slot = (int)(id % 65536);
        return _slots is not null && _slots.TryGetValue(slot, out Segment? s) && (ulong)s.Id == id ? s : null;
    }

    /// <summary>Any segment ever created with <paramref name="id"/>, freed ones included.</summary>
    public Segment? FindEver(ulong id)
    {
        // A walk: only scenario checks look up freed segments, and a universe makes few.
        if (_ever is null)
        {
            return null;
        }
        foreach (Segment s in _ever)
        {
            if ((ulong)s.Id == id)
            {
                return s;
            }
        }
        return null;
    }

    /// <summary>Every segment ever created, freed ones included, oldest first (ids are unique).</summary>
    [LoggedApart] // append-only: each addition is logged (UndoLog.Added)
    private List<Segment>? _ever;

    /// <summary>The live (not removed) segment with key <paramref name="key"/>, in the table's order.</summary>
    private Segment? Keyed(ulong key)
    {
        foreach (Segment s in Segments)
        {
            if (s.Key == key && !s.Removed)
            {
                return s;
            }
        }
        return null;
    }

    /// <summary>The lowest slot not in use, or −1 when all <see cref="ShmMni"/> are.</summary>
    private int FreeSlot()
    {
        for (int s = 0; s < ShmMni; s++)
        {
            if (_slots is null || !_slots.ContainsKey(s))
            {
                return s;
            }
        }
        return -1;
    }

    /// <summary>Creates or looks up a segment (<c>sys_shmget</c>); key null is <c>IPC_PRIVATE</c>.</summary>
    public SysResult Shmget(IShmProcess p, ulong? key, ulong size, ulong flags)
    {
        bool create = (flags & IpcCreat) != 0;
        if (key is { } k && k != 0)
        {
            Segment? existing = Keyed(k);
            if (existing is not null)
            {
                if (create && (flags & IpcExcl) != 0)
                {
                    return Errno.EEXIST;
                }
                // Linux's ipcget_public runs shm_more_checks (the size) before the permission
                // test; NetBSD tests permission first (docs/linux.md).
                bool sizeFirst = LinuxCalls;
                if (sizeFirst && size > existing.RequestedSize)
                {
                    return Errno.EINVAL;
                }
                if (!Permitted(p, existing, (uint)(flags & 0x180)))
                {
                    return Errno.EACCES;
                }
                if (size > existing.RequestedSize)
                {
                    return Errno.EINVAL;
                }
                return SysResult.Success((ulong)existing.Id);
            }
            if (!create)
            {
                return Errno.ENOENT;
            }
        }
        if (size < ShmMin || size > ShmMax)
        {
            return Errno.EINVAL;
        }
        int slot = FreeSlot();
        if (slot < 0)
        {
            return Errno.ENOSPC;
        }
        ulong page = (ulong)_kernel.Vm.PageSize;
        ulong rounded = (size + page - 1) / page * page;
        ulong usedPages = 0;
        foreach (Segment s in Segments)
        {
            usedPages += s.Size / page;
        }
        if (usedPages + rounded / page > ShmAll)
        {
            return _kernel.SysvLock.CountsEntries ? Errno.ENOSPC : Errno.ENOMEM; // Linux: ENOSPC
        }
        var obj = _kernel.Vm.NewObject(new AnonObject((long)(rounded / page)));
        int seq = ((_seq is not null && slot < _seq.Length ? _seq[slot] : 0) + 1) & 0x7fff; // NetBSD: _seq = (_seq + 1) & 0x7fff
        var segment = new Segment(seq * 65536 + slot, slot, key ?? 0, size, rounded, obj, p.Uid, p.Gid, (uint)(flags & 0x1ff));
        if (_kernel.SysvLock.CountsEntries)
        {
            segment.EntryCounter = CountEntries;
        }
        if (UsePhys)
        {
            if (ObjectWiring.Wire(_kernel.Vm, segment) != Errno.None)
            {
                _kernel.Vm.ReleaseObject(obj);
                return Errno.ENOMEM;
            }
            segment.Locked = true;
        }
        // Each table is logged apart: a table made now is a new field value (the old, null, logged
        // alone), a table there already is saved before it changes.
        int[]? seqs = _seq;
        if (seqs is null || slot >= seqs.Length)
        {
            int[] grown = new int[Math.Max(4, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)slot + 1))];
            seqs?.CopyTo(grown, 0);
            UndoLog.Set(this, ref _seq, grown);
            seqs = grown;
        }
        else
        {
            UndoLog.Element(seqs, slot);
        }
        seqs[slot] = seq;
        UndoLog.Changing(this, ref _slots)[slot] = segment;
        List<Segment> ever = UndoLog.Made(this, ref _ever);
        ever.Add(segment);
        UndoLog.Added(ever);
        return SysResult.Success((ulong)segment.Id);
    }

    /// <summary>Attaches a segment (<c>sys_shmat</c>): maps the whole object shared, <c>NoMerge</c>.</summary>
    public SysResult Shmat(IShmProcess p, ulong id, ulong addr, ulong flags)
    {
        ulong page = (ulong)_kernel.Vm.PageSize;
        bool linux = LinuxCalls;
        if (linux && addr != 0 && (addr & (page - 1)) != 0 && (flags & ShmRnd) == 0)
        {
            return Errno.EINVAL; // do_shmat checks the address before the id
        }
        Segment? s = Find(id);
        if (s is null || (s.Removed && !_kernel.SysvLock.CountsEntries))
        {
            return Errno.EINVAL;
        }
        bool rdonly = (flags & ShmRdonly) != 0;
        if (!Permitted(p, s, rdonly ? 0x100u : 0x180u))
        {
            return Errno.EACCES;
        }
        if (!linux && p.Attachments.Count >= ShmSeg)
        {
            return Errno.EMFILE; // Linux has no per-process attach limit (B8)
        }
        if (addr != 0 && (addr & (page - 1)) != 0)
        {
            if ((flags & ShmRnd) == 0)
            {
                return Errno.EINVAL;
            }
            addr &= ~(page - 1);
        }
        VmMap map = p.Space.Map;
        ulong va;
        if (addr != 0)
        {
            if (addr + s.Size < addr || !map.IsFree(addr, addr + s.Size))
            {
                return linux ? Errno.EINVAL : Errno.ENOMEM; // Linux: an occupied address is EINVAL (B8)
            }
            va = addr;
        }
        else if (_kernel.FindSpace(map, s.Size, 0) is { } found)
        {
            va = found;
        }
        else
        {
            return Errno.ENOMEM;
        }
        bool lockNew = linux && map.WireFuture;
        if (lockNew && !_kernel.FutureOk(p, s.Size))
        {
            return Errno.EAGAIN; // mlock_future_ok in do_mmap (B9)
        }
        Protection prot = rdonly ? Protection.Read : Protection.ReadWrite;
        s.Object.RefCount++;
        map.Insert(new MapEntry(va, va + s.Size)
        {
            Object = s.Object,
            Protection = prot,
            MaxProtection = prot,
            Inheritance = Inheritance.Share,
            NoMerge = true,
        });
        var attachment = new Attachment(s, va, s.Size);
        p.ChangeAttachments().Insert(0, attachment);
        s.Nattch++;
        Errno err = _kernel.SysvLock.Attached(p, attachment);
        if (err != Errno.None)
        {
            p.ChangeAttachments().Remove(attachment);
            s.Nattch--;
            _kernel.Unmap(p, va, va + s.Size, s.Object);
            return err;
        }
        if (lockNew)
        {
            _kernel.Wiring.WireNewEntry(p.Space, va, va + s.Size, map.FutureOnFault);
        }
        return SysResult.Success(va);
    }

    /// <summary>Detaches (<c>sys_shmdt</c>): removes the attachment and unmaps its range.</summary>
    public SysResult Shmdt(IShmProcess p, ulong addr)
    {
        if (_kernel.SysvLock.CountsEntries)
        {
            return ShmdtEntries(p, addr);
        }
        foreach (Attachment a in p.Attachments)
        {
            if (a.Va == addr)
            {
                Detach(p, a);
                return SysResult.Success();
            }
        }
        return Errno.EINVAL;
    }

    private void Detach(IShmProcess p, Attachment a)
    {
        p.ChangeAttachments().Remove(a);
        a.Segment.Nattch--;
        _kernel.Unmap(p, a.Va, a.Va + a.Size, _kernel.SysvLock.DetachFilter(a.Segment));
        if (a.Segment.Removed && a.Segment.Nattch == 0)
        {
            Free(a.Segment);
        }
    }

    /// <summary>
    /// Linux's <c>shmdt</c> (<c>ksys_shmdt</c>, SPEC §17.3): the first attachment entry at or above
    /// <paramref name="addr"/> whose distance from it equals its offset in the segment, then every
    /// later fragment of the same segment that lines up with it and ends within the segment.
    /// </summary>
    private SysResult ShmdtEntries(IShmProcess p, ulong addr)
    {
        if ((addr & (ulong)(_kernel.Vm.PageSize - 1)) != 0)
        {
            return Errno.EINVAL;
        }
        VmMap map = p.Space.Map;
        Segment? seg = null;
        for (MapEntry? e = map.LookupAtOrAfter(addr); e is not null && seg is null; e = e.Next)
        {
            if (e.Start >= addr && SegmentOf(e) is { } s && e.Start - addr == e.Offset)
            {
                seg = s;
            }
        }
        if (seg is null)
        {
            return Errno.EINVAL;
        }
        var doomed = new List<(ulong, ulong)>();
        for (MapEntry? e = map.LookupAtOrAfter(addr); e is not null && e.Start - addr < seg.Size; e = e.Next)
        {
            if (SegmentOf(e) == seg && e.Start - addr == e.Offset && e.End - addr <= seg.Size)
            {
                doomed.Add((e.Start, e.End));
            }
        }
        foreach (var (start, end) in doomed)
        {
            _kernel.Unmap(p, start, end, null);
        }
        if (p.Attachments.Count > 0)
        {
            List<Attachment> attachments = p.ChangeAttachments();
            for (int i = attachments.Count - 1; i >= 0; i--) // RemoveAll without its closure
            {
                if (attachments[i].Segment == seg && attachments[i].Va == addr)
                {
                    attachments.RemoveAt(i);
                }
            }
        }
        return SysResult.Success();
    }

    /// <summary>The segment an attachment entry maps (a shared entry of its object), or null.</summary>
    private Segment? SegmentOf(MapEntry e)
    {
        if (e.CopyOnWrite || e.Object is not AnonObject obj)
        {
            return null;
        }
        foreach (Segment s in Segments)
        {
            if (ReferenceEquals(s.Object, obj))
            {
                return s;
            }
        }
        return null;
    }

    /// <summary>Linux's nattch: attachment entries of <paramref name="s"/> in every live process.</summary>
    private int CountEntries(Segment s)
    {
        EntryCount count = _entryCount ??= new();
        count.Start(s.Object);
        _kernel.WalkLiveProcesses(count);
        return count.Count;
    }

    /// <summary>Scratch for <see cref="CountEntries"/>, made with the first count (only Linux's nattch counts).</summary>
    private EntryCount? _entryCount;

    /// <summary>The walk behind <see cref="CountEntries"/>: one reused object, so counting allocates nothing.</summary>
    private sealed class EntryCount : IShmProcessWalk
    {
        public UvmObject? Object { get; private set; }

        public void Start(UvmObject obj)
        {
            Object = obj;
            Count = 0;
        }

        public int Count { get; private set; }

        public bool Visit(IShmProcess p)
        {
            for (MapEntry? e = p.Space.Map.First; e is not null; e = e.Next)
            {
                if (!e.CopyOnWrite && ReferenceEquals(e.Object, Object))
                {
                    Count++;
                }
            }
            return true;
        }
    }

    /// <summary>
    /// After entries went (unmap, shmdt, exec, exit): under <c>CountsEntries</c>, a segment
    /// marked for removal whose last entry went is destroyed (<c>shm_close</c>).
    /// </summary>
    internal void Reap()
    {
        if (!_kernel.SysvLock.CountsEntries)
        {
            return;
        }
        List<Segment>? dead = null; // Free changes the table: collect first
        foreach (Segment s in Segments)
        {
            if (s.Removed && s.Nattch == 0)
            {
                (dead ??= []).Add(s);
            }
        }
        foreach (Segment s in dead ?? [])
        {
            Free(s);
        }
    }

    /// <summary>Whether the call layer is Linux's (<c>syscalls=linux</c>).</summary>
    private bool LinuxCalls => _kernel.Policy.Syscalls == SyscallsSwitch.Linux;

    /// <summary>Detaches everything (exec, exit).</summary>
    internal void DetachAll(IShmProcess p)
    {
        if (_kernel.SysvLock.CountsEntries)
        {
            if (p.Attachments.Count > 0)
            {
                p.ChangeAttachments().Clear(); // the entries go with the unmap that follows, which reaps
            }
            return;
        }
        int n = p.Attachments.Count;
        if (n == 0)
        {
            return;
        }
        Attachment[] copy = System.Buffers.ArrayPool<Attachment>.Shared.Rent(n); // Detach changes the list
        p.Attachments.CopyTo(copy);
        try
        {
            foreach (Attachment a in copy.AsSpan(0, n))
            {
                Detach(p, a);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<Attachment>.Shared.Return(copy, clearArray: true);
        }
    }

    /// <summary>The child inherits the attachment list (<c>shmfork</c>).</summary>
    internal void Forked(IShmProcess parent, IShmProcess child)
    {
        foreach (Attachment a in parent.Attachments)
        {
            child.ChangeAttachments().Add(a);
            a.Segment.Nattch++;
        }
        _kernel.SysvLock.Forked(child);
    }

    /// <summary>Controls a segment (<c>sys_shmctl</c>).</summary>
    public SysResult Shmctl(IShmProcess p, ulong id, ShmCommand cmd, uint? uid = null, uint? gid = null, uint? mode = null)
    {
        Segment? s = Find(id);
        if (s is null || (s.Removed && !_kernel.SysvLock.CountsEntries))
        {
            return Errno.EINVAL; // Linux: a segment marked for removal answers until destroyed (B6)
        }
        switch (cmd)
        {
            case ShmCommand.IpcStat:
                return Permitted(p, s, 0x100) ? SysResult.Success() : Errno.EACCES;
            case ShmCommand.IpcSet:
                if (!OwnerOrRoot(p, s))
                {
                    return Errno.EPERM;
                }
                s.Uid = uid ?? s.Uid;
                s.Gid = gid ?? s.Gid;
                s.Mode = mode is { } m ? m & 0x1ff : s.Mode;
                return SysResult.Success();
            case ShmCommand.IpcRmid:
                if (!OwnerOrRoot(p, s))
                {
                    return Errno.EPERM;
                }
                s.Removed = true;
                s.Key = 0;
                if (s.Nattch == 0)
                {
                    Free(s);
                }
                return SysResult.Success();
            case ShmCommand.ShmLock:
                return MayLock(p, s) ? _kernel.SysvLock.Lock(p, s) : Errno.EPERM;
            case ShmCommand.ShmUnlock:
                return MayLock(p, s) ? _kernel.SysvLock.Unlock(p, s) : Errno.EPERM;
            default:
                throw new NotSupportedException($"shmctl command {cmd}");
        }
    }

    private void Free(Segment s)
    {
        _kernel.SysvLock.Destroying(s);
        UndoLog.Touch(_slots!); // a segment is in the table, so the table exists
        _slots!.Remove(s.Slot);
        s.Freed = true;
        s.ObjectWired = false;
        _kernel.Vm.ReleaseObject(s.Object);
    }

    /// <summary>
    /// SysV permissions (SPEC §8.1): one class chosen first — owner, group, other — whose
    /// bits must include every requested read/write bit; root bypasses.
    /// </summary>
    private bool Permitted(IShmProcess p, Segment s, uint requested)
    {
        if (_kernel.BypassesSysvPermissions(p))
        {
            return true;
        }
        uint bits = p.Uid == s.Uid || p.Uid == s.CreatorUid ? s.Mode & 0x180
            : p.Gid == s.Gid || p.Gid == s.CreatorGid ? (s.Mode << 3) & 0x180
            : (s.Mode << 6) & 0x180;
        return (requested & ~bits) == 0;
    }

    private bool OwnerOrRoot(IShmProcess p, Segment s) => _kernel.ControlsAnySegment(p) || IsOwner(p, s);

    private static bool IsOwner(IShmProcess p, Segment s) => p.Uid == s.Uid || p.Uid == s.CreatorUid;

    /// <summary>SHM_LOCK/SHM_UNLOCK permission: <c>ipc_lock</c> (or uid 0), else the owner where the privilege model lets owners lock.</summary>
    private bool MayLock(IShmProcess p, Segment s) =>
        _kernel.LocksAnySegment(p) || (_kernel.OwnersMayLock && IsOwner(p, s));
}
