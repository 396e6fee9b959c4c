using UvmSim.Fault;
using UvmSim.Map;

namespace UvmSim.Wiring;

/// <summary>
/// Linux's flag semantics (SPEC §17.2, <c>wiring=flag</c>): <c>Mlocked</c> is <c>VM_LOCKED</c>
/// and <c>OnFault</c> is <c>VM_LOCKONFAULT</c>. A POSIX call validates nothing first and rolls
/// nothing back (<c>apply_vma_lock_flags</c>, <c>mlock_fixup</c>): entries before a hole keep
/// their change, and a locked entry may hold absent pages. Wirings follow translations
/// (<see cref="FaultHandler.WireTranslations"/>), so population is the only thing that faults.
/// </summary>
public sealed class FlagWiring : Pageable
{
    /// <summary>Creates flag semantics over a machine.</summary>
    public FlagWiring(Vm vm, FaultHandler faults) : base(vm, faults) { }

    /// <summary>Whether an entry whose lock state changed re-merges (Linux) or stays clipped (NetBSD).</summary>
    private FlagChangeMerge Merge => FlagChangeMerge.For(Vm.Policy.Syscalls);

    /// <inheritdoc/>
    public override bool IsPosixLocked(MapEntry entry) => entry.Mlocked;

    /// <inheritdoc/>
    public override bool WiresProtNone => true;

    /// <inheritdoc/>
    public override bool FollowsTranslations => true;

    /// <inheritdoc/>
    public override bool CopiesWiredAtFork => false;

    /// <inheritdoc/>
    public override Errno Wire(VmSpace space, ulong start, ulong end, WireFlags flags) =>
        (flags & WireFlags.Posix) != 0
            ? Posix(space, start, end, lockIt: true, onFault: (flags & WireFlags.OnFault) != 0)
            : Balanced(space, start, end, wire: true, record: (flags & WireFlags.Record) != 0);

    /// <inheritdoc/>
    public override Errno Unwire(VmSpace space, ulong start, ulong end, WireFlags flags) =>
        (flags & WireFlags.Posix) != 0
            ? Posix(space, start, end, lockIt: false, onFault: false)
            : Balanced(space, start, end, wire: false, record: (flags & WireFlags.Record) != 0);

    /// <summary>
    /// <c>apply_vma_lock_flags</c> then <c>__mm_populate</c>. =&gt; <c>EFAULT</c> for an unmapped
    /// start (the caller's ENOMEM), <c>ENOMEM</c> for a hole after the changes before it,
    /// and for a population error its <c>__mlock_posix_error_return</c> mapping.
    /// </summary>
    private Errno Posix(VmSpace space, ulong start, ulong end, bool lockIt, bool onFault)
    {
        VmMap map = space.Map;
        if (start >= end)
        {
            // zero-length=early returned before this; noop and unchecked return after the
            // lookup: under flag an empty range has no entry to change.
            return map.Lookup(start) is null && Vm.Policy.ZeroLength != Policies.ZeroLengthSwitch.Early ? Errno.EFAULT : Errno.None;
        }
        MapEntry? e = map.Lookup(start);
        if (e is null)
        {
            return Errno.EFAULT;
        }
        ulong reached = start;
        for (; e is not null && e.Start < end; e = e.Next)
        {
            if (e.Start > reached)
            {
                return Errno.ENOMEM; // a hole: the entries before it keep the change
            }
            if (!lockIt && !e.IsWired && !MunlockUnlockedOk)
            {
                return Errno.ENOMEM;
            }
            if (e.Mlocked == lockIt && e.OnFault == (lockIt && onFault))
            {
                // mlock_fixup: flags that do not change leave the VMA whole (no split, nothing
                // counted), which a SysV attachment's nattch shows (found by kernel --fuzz).
                reached = e.End;
                continue;
            }
            MapEntry c = map.ClipStart(e, start);
            bool whole = ReferenceEquals(c, e) && c.End <= end;
            map.ClipEnd(c, end);
            Change(space, c, lockIt, lockIt && onFault, c.WiredCount);
            e = Merge.AfterChange(map, c, whole);
            reached = e.End;
        }
        if (reached < end)
        {
            return Errno.ENOMEM; // a trailing hole, after every entry was changed
        }
        return lockIt ? PopulateRange(space, start, end) : Errno.None;
    }

    /// <summary>Populates the wired, not on-fault entries of a range in order; the first error stops it (mapped as Linux maps it).</summary>
    private Errno PopulateRange(VmSpace space, ulong start, ulong end)
    {
        for (MapEntry? e = space.Map.LookupAtOrAfter(start); e is not null && e.Start < end; e = e.Next)
        {
            if (e.OnFault || !e.IsWired)
            {
                continue;
            }
            Errno err = Faults.Populate(space, e, start, end);
            if (err != Errno.None)
            {
                return err == Errno.EFAULT ? Errno.ENOMEM : err == Errno.ENOMEM ? Errno.EAGAIN : err;
            }
        }
        return Errno.None;
    }

    /// <summary>Sets an entry's lock state and count, moving wirings on a flip of <c>IsWired</c>.</summary>
    private void Change(VmSpace space, MapEntry e, bool mlocked, bool onFault, int count)
    {
        var flip = WiringChanges.Of(e, mlocked, count - e.WiredCount);
        e.Mlocked = mlocked;
        e.OnFault = mlocked && onFault;
        e.WiredCount = count;
        if (flip == WiringChanges.Flip.ToWired)
        {
            Faults.WireTranslations(space, e.Start, e.End);
        }
        else if (flip == WiringChanges.Flip.ToUnwired)
        {
            Faults.UnwireTranslations(space, e.Start, e.End);
        }
    }

    /// <summary>
    /// A balanced wiring (legacy SysV steps, §8.4 records): validated as under split semantics
    /// (a hole, <c>PROT_NONE</c> without a record, or unwiring a count of 0 is <c>EINVAL</c>),
    /// then counted; a wire populates what it made wired, errors ignored.
    /// </summary>
    private Errno Balanced(VmSpace space, ulong start, ulong end, bool wire, bool record)
    {
        VmMap map = space.Map;
        if (!Begin(map, ref start, ref end, ZeroLengthNoop, out MapEntry? first, out Errno err))
        {
            return err;
        }
        for (MapEntry? e = first; e is not null && e.Start < end; e = e.Next)
        {
            if (IsHole(e, end) || (wire && e.Protection == Protection.None && !record) || (!wire && e.WiredCount == 0))
            {
                return Errno.EINVAL;
            }
        }
        for (MapEntry? c = first; c is not null && c.Start < end; c = c.Next)
        {
            c = map.ClipStart(c, start);
            map.ClipEnd(c, end);
            Change(space, c, c.Mlocked, c.OnFault, c.WiredCount + (wire ? 1 : -1));
            if (record)
            {
                c.SegmentRecord = wire;
            }
            if (wire && c.Protection != Protection.None && !c.OnFault)
            {
                Faults.Populate(space, c, c.Start, c.End);
            }
        }
        return Errno.None;
    }

    /// <inheritdoc/>
    public override Errno WireAll<TLimits>(VmSpace space, int mclFlags, TLimits limitsOk)
    {
        VmMap map = space.Map;
        bool current = (mclFlags & 1) != 0, future = (mclFlags & 2) != 0, onFault = (mclFlags & 4) != 0;
        if (current && !limitsOk.Ok())
        {
            return Errno.ENOMEM; // nothing changes, MCL_FUTURE included (E3)
        }
        // apply_mlockall_flags: def_flags is cleared first, then set again only for MCL_FUTURE (A12).
        map.WireFuture = future;
        map.FutureOnFault = future && onFault;
        if (!current && mclFlags != 0)
        {
            return Errno.None;
        }
        for (MapEntry? e = map.First; e is not null; e = e.Next)
        {
            if (e.Mlocked == current && e.OnFault == (current && onFault))
            {
                continue; // mlock_fixup: nothing changes, nothing merges
            }
            Change(space, e, current, current && onFault, e.WiredCount);
            e = Merge.AfterChange(map, e, whole: true);
        }
        if (current)
        {
            foreach (MapEntry e in map.Entries)
            {
                if (!e.OnFault && e.Protection != Protection.None)
                {
                    Faults.Populate(space, e, e.Start, e.End); // errors ignored (A18)
                }
            }
        }
        return Errno.None;
    }

    /// <inheritdoc/>
    public override Errno WireNewEntry(VmSpace space, ulong start, ulong end, bool onFault)
    {
        for (MapEntry? e = space.Map.ClipAt(start); e is not null && e.Start < end; e = e.Next)
        {
            space.Map.ClipEnd(e, end);
            Change(space, e, true, onFault, e.WiredCount);
            if (!e.OnFault && e.Protection != Protection.None)
            {
                Faults.Populate(space, e, start, end); // errors ignored: the call succeeds (A14)
            }
        }
        return Errno.None;
    }

    /// <inheritdoc/>
    protected override void UnwirePages(VmSpace space, MapEntry entry) => Faults.UnwireTranslations(space, entry.Start, entry.End);

    /// <inheritdoc/>
    public override void BeforeTranslationsRemoved(VmSpace space, MapEntry entry)
    {
        if (entry.IsWired)
        {
            Faults.UnwireTranslations(space, entry.Start, entry.End);
        }
    }

    /// <inheritdoc/>
    public override void Reprotected(VmSpace space, MapEntry entry, Protection old)
    {
        // mprotect_fixup: a private locked entry that becomes writable is populated (C16).
        if (entry.Mlocked && entry.CopyOnWrite && (old & Protection.Write) == 0 && (entry.Protection & Protection.Write) != 0 && !entry.OnFault)
        {
            Faults.Populate(space, entry, entry.Start, entry.End);
        }
    }
}
