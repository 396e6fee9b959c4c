using UvmSim.Fault;
using UvmSim.Map;

namespace UvmSim.Wiring;

/// <summary>
/// The proposal's split semantics (SPEC §4.2, <c>wiring=split</c>): a POSIX call sets or
/// clears the entry's <c>Mlocked</c> bit; a balanced call moves <c>WiredCount</c> by one.
/// Everything is validated before anything changes; only flips of <c>IsWired</c> touch pages.
/// </summary>
public sealed class SplitWiring : Pageable
{
    /// <summary>
    /// Scratch: the entries a walk changed and what they held before. One per thread (kernels
    /// of parallel jobs run at once; a walk never starts another): no state, and nothing per
    /// boot (issue 17).
    /// </summary>
    [ThreadStatic]
    private static List<(MapEntry Entry, bool Mlocked, int Count, bool Record, WiringChanges.Flip Flip)>? t_visited;

    /// <summary>The scratch list, emptied for a new walk.</summary>
    private List<(MapEntry Entry, bool Mlocked, int Count, bool Record, WiringChanges.Flip Flip)> StartVisit()
    {
        t_visited ??= [];
        t_visited.Clear();
        return t_visited;
    }

    /// <summary>Creates split semantics over a machine.</summary>
    public SplitWiring(Vm vm, FaultHandler faults) : base(vm, faults) { }

    /// <inheritdoc/>
    public override Errno Wire(VmSpace space, ulong start, ulong end, WireFlags flags) =>
        Change(space, start, end, flags, wire: true);

    /// <inheritdoc/>
    public override Errno Unwire(VmSpace space, ulong start, ulong end, WireFlags flags) =>
        Change(space, start, end, flags, wire: false);

    private Errno Change(VmSpace space, ulong start, ulong end, WireFlags flags, bool wire)
    {
        VmMap map = space.Map;
        if (!Begin(map, ref start, ref end, ZeroLengthNoop, out MapEntry? first, out Errno err))
        {
            return err;
        }
        bool posix = (flags & WireFlags.Posix) != 0;
        bool record = (flags & WireFlags.Record) != 0;
        // Validate over the same walks, without clipping: a failure changes nothing.
        for (MapEntry? e = first; e is not null && Visits(e, start, end, wire); e = e.Next)
        {
            if (IsHole(e, end))
            {
                return Errno.EINVAL;
            }
            if (wire && e.Protection == Protection.None && !record)
            {
                return Errno.EINVAL;
            }
            if (!wire && !posix && e.WiredCount == 0)
            {
                return Errno.EINVAL;
            }
            if (!wire && posix && !e.IsWired && !MunlockUnlockedOk)
            {
                return Errno.EINVAL;
            }
        }
        // Commit: clip, make amaps, apply; then fault-wire or unwire the flips.
        var visited = StartVisit();
        MapEntry? c = first;
        if (!wire)
        {
            c = map.ClipStart(c!, start);
        }
        while (c is not null && c.Start < end)
        {
            if (wire)
            {
                PrepareAmap(c);
            }
            c = map.ClipStart(c, start);
            map.ClipEnd(c, end);
            bool newBit = posix ? wire : c.Mlocked;
            int delta = posix ? 0 : wire ? 1 : -1;
            if (!wire && posix && !c.IsWired)
            {
                delta = 0; // munlock-unlocked=ok skips it
                newBit = false;
            }
            var flip = WiringChanges.Of(c, newBit, delta);
            visited.Add((c, c.Mlocked, c.WiredCount, c.SegmentRecord, flip));
            c.Mlocked = newBit;
            c.WiredCount += delta;
            if (record)
            {
                c.SegmentRecord = wire;
            }
            c = c.Next;
        }
        for (int i = 0; i < visited.Count; i++)
        {
            var (e, _, _, _, flip) = visited[i];
            if (e.Start >= end)
            {
                continue; // zero-length with zero-length=unchecked: the bit is set, nothing faulted (S5)
            }
            if (flip == WiringChanges.Flip.ToUnwired)
            {
                Faults.FaultUnwire(space, e.Start, e.End);
            }
            else if (flip == WiringChanges.Flip.ToWired)
            {
                err = FaultWireEntry(space, e);
                if (err != Errno.None)
                {
                    Restore(space, i);
                    return err;
                }
            }
        }
        return Errno.None;
    }

    /// <summary>Whether the walk visits <paramref name="e"/>: the wire walk tests before clipping at start.</summary>
    private static bool Visits(MapEntry e, ulong start, ulong end, bool wire) =>
        wire ? e.Start < end : Math.Max(e.Start, start) < end;

    /// <summary>Restores every visited entry after a fault error at index <paramref name="failed"/>; clips and amaps stay.</summary>
    private void Restore(VmSpace space, int failed)
    {
        foreach (var (e, mlocked, count, rec, _) in t_visited!)
        {
            e.Mlocked = mlocked;
            e.WiredCount = count;
            e.SegmentRecord = rec;
        }
        for (int i = 0; i < failed; i++)
        {
            var (e, _, _, _, flip) = t_visited![i];
            if (flip == WiringChanges.Flip.ToWired)
            {
                Faults.FaultUnwire(space, e.Start, e.End);
            }
        }
    }

    /// <inheritdoc/>
    public override Errno WireAll<TLimits>(VmSpace space, int mclFlags, TLimits limitsOk)
    {
        VmMap map = space.Map;
        if (mclFlags == 0)
        {
            foreach (MapEntry e in map.Entries)
            {
                var flip = WiringChanges.Of(e, false, 0);
                e.Mlocked = false;
                if (flip == WiringChanges.Flip.ToUnwired)
                {
                    Faults.FaultUnwire(space, e.Start, e.End);
                }
            }
            map.WireFuture = false;
            return Errno.None;
        }
        bool futureBefore = map.WireFuture;
        if ((mclFlags & 2) != 0)
        {
            map.WireFuture = true;
        }
        if ((mclFlags & 1) == 0)
        {
            return Errno.None;
        }
        if (!limitsOk.Ok())
        {
            map.WireFuture = futureBefore;
            return Errno.ENOMEM;
        }
        var visited = StartVisit();
        foreach (MapEntry e in map.Entries)
        {
            if (e.Protection != Protection.None)
            {
                PrepareAmap(e);
                var flip = WiringChanges.Of(e, true, 0);
                visited.Add((e, e.Mlocked, e.WiredCount, e.SegmentRecord, flip));
                e.Mlocked = true;
            }
        }
        for (int i = 0; i < visited.Count; i++)
        {
            var (e, _, _, _, flip) = visited[i];
            if (flip == WiringChanges.Flip.ToWired)
            {
                Errno err = FaultWireEntry(space, e);
                if (err != Errno.None)
                {
                    Restore(space, i);
                    map.WireFuture = futureBefore;
                    return err;
                }
            }
        }
        return Errno.None;
    }

    /// <inheritdoc/>
    public override bool IsPosixLocked(MapEntry entry) => entry.Mlocked;
}
