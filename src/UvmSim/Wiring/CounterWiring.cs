using UvmSim.Fault;
using UvmSim.Map;

namespace UvmSim.Wiring;

/// <summary>
/// NetBSD's counter semantics (SPEC §4.1, <c>wiring=counter</c>): every wire increments
/// <c>wired_count</c> "wantonly", every unwire forces it to 0, POSIX or not. This is the
/// confusion the project is about: a <c>munlock</c> steals a SysV wiring (S9).
/// </summary>
public sealed class CounterWiring : Pageable
{
    /// <summary>Creates counter semantics over a machine.</summary>
    public CounterWiring(Vm vm, FaultHandler faults) : base(vm, faults) { }

    /// <inheritdoc/>
    public override Errno Unwire(VmSpace space, ulong start, ulong end, WireFlags flags)
    {
        VmMap map = space.Map;
        if (!Begin(map, ref start, ref end, ZeroLengthNoop, out MapEntry? first, out Errno err))
        {
            return err;
        }
        // netbsd-8 keeps this clip even when validation fails (§15).
        first = map.ClipStart(first!, start);
        bool skipUnlocked = (flags & WireFlags.Posix) != 0 && MunlockUnlockedOk || (flags & WireFlags.Record) != 0;
        for (MapEntry? e = first; e is not null && e.Start < end; e = e.Next)
        {
            if ((e.WiredCount == 0 && !skipUnlocked) || IsHole(e, end))
            {
                return Errno.EINVAL;
            }
        }
        for (MapEntry? e = first; e is not null && e.Start < end; e = e.Next)
        {
            map.ClipEnd(e, end);
            if (e.WiredCount != 0)
            {
                e.WiredCount = 0;
                e.SegmentRecord = false;
                Faults.FaultUnwire(space, e.Start, e.End);
            }
        }
        return Errno.None;
    }

    /// <inheritdoc/>
    public override Errno Wire(VmSpace space, ulong start, ulong end, WireFlags flags)
    {
        VmMap map = space.Map;
        if (!Begin(map, ref start, ref end, ZeroLengthNoop, out MapEntry? e, out Errno err))
        {
            return err;
        }
        bool record = (flags & WireFlags.Record) != 0;
        // Pass 1: the walk tests Start < end before clipping at start (the S5 hazard).
        while (e is not null && e.Start < end)
        {
            PrepareAmap(e);
            e = map.ClipStart(e, start);
            map.ClipEnd(e, end);
            e.WiredCount++;
            if (record)
            {
                e.SegmentRecord = true;
            }
            if ((e.Protection == Protection.None && !record) || IsHole(e, end))
            {
                // Undo the counts; clips and amaps stay (§15).
                for (MapEntry? b = e; b is not null && b.End > start; b = b.Prev)
                {
                    b.WiredCount--;
                    if (record)
                    {
                        b.SegmentRecord = false;
                    }
                }
                return Errno.EINVAL;
            }
            e = e.Next;
        }
        // Pass 2: fault-wire the entries that just went 0 -> 1.
        MapEntry? startEntry = map.Lookup(start);
        MapEntry? failed = null;
        for (MapEntry? w = startEntry; w is not null && w.Start < end; w = w.Next)
        {
            if (w.WiredCount == 1)
            {
                err = FaultWireEntry(space, w);
                if (err != Errno.None)
                {
                    failed = w;
                    break;
                }
            }
        }
        if (failed is null)
        {
            return Errno.None;
        }
        for (MapEntry? w = failed; w is not null && w.Start < end; w = w.Next)
        {
            w.WiredCount--;
        }
        for (MapEntry? w = startEntry; w is not null && w != failed; w = w.Next)
        {
            w.WiredCount--;
            if (!w.IsWired)
            {
                w.WiredCount = 0;
                Faults.FaultUnwire(space, w.Start, w.End);
            }
        }
        if (record)
        {
            for (MapEntry? w = startEntry; w is not null && w.Start < end; w = w.Next)
            {
                w.SegmentRecord = false;
            }
        }
        return err;
    }

    /// <inheritdoc/>
    public override Errno WireAll<TLimits>(VmSpace space, int mclFlags, TLimits limitsOk)
    {
        VmMap map = space.Map;
        if (mclFlags == 0)
        {
            foreach (MapEntry e in map.Entries)
            {
                if (e.IsWired)
                {
                    e.WiredCount = 0;
                    e.SegmentRecord = false;
                    Faults.FaultUnwire(space, e.Start, e.End);
                }
            }
            map.WireFuture = false;
            return Errno.None;
        }
        if ((mclFlags & 2) != 0)
        {
            // Stays set even if the rest fails (§15).
            map.WireFuture = true;
        }
        if ((mclFlags & 1) == 0)
        {
            return Errno.None;
        }
        if (!limitsOk.Ok())
        {
            return Errno.ENOMEM;
        }
        foreach (MapEntry e in map.Entries)
        {
            if (e.Protection != Protection.None)
            {
                PrepareAmap(e);
                e.WiredCount++;
            }
        }
        MapEntry? failed = null;
        Errno err = Errno.None;
        for (MapEntry? e = map.First; e is not null; e = e.Next)
        {
            if (e.WiredCount == 1)
            {
                err = FaultWireEntry(space, e);
                if (err != Errno.None)
                {
                    failed = e;
                    break;
                }
            }
        }
        if (failed is null)
        {
            return Errno.None;
        }
        // NetBSD's inverted rollback, kept on purpose (§15).
        for (MapEntry? e = failed; e is not null; e = e.Next)
        {
            if (e.Protection != Protection.None)
            {
                e.WiredCount--;
            }
        }
        for (MapEntry? e = map.First; e is not null && e != failed; e = e.Next)
        {
            if (e.Protection == Protection.None)
            {
                continue;
            }
            e.WiredCount--;
            if (e.IsWired)
            {
                e.WiredCount = 0;
                Faults.FaultUnwire(space, e.Start, e.End);
            }
        }
        return err;
    }

    /// <inheritdoc/>
    public override bool IsPosixLocked(MapEntry entry) => entry.WiredCount != 0;
}
