using UvmSim.Fault;
using UvmSim.Map;
using UvmSim.Objects;
using UvmSim.Policies;

namespace UvmSim.Wiring;

/// <summary>
/// The walks both semantics share (SPEC §4): range clamping, the zero-length rule, hole
/// detection, amap creation before wiring, and really-unwire.
/// </summary>
public abstract class Pageable : IWiringSemantics
{
    /// <summary>Creates the semantics over a machine's fault handler.</summary>
    protected Pageable(Vm vm, FaultHandler faults)
    {
        Vm = vm;
        Faults = faults;
    }

    /// <summary>The machine.</summary>
    protected Vm Vm { get; }

    /// <summary>Fault-wiring and unwiring.</summary>
    protected FaultHandler Faults { get; }

    /// <summary>
    /// How a zero-length call ends: <c>noop</c> returns right after the lookup, <c>early</c>
    /// before it (so an unmapped start is accepted), <c>unchecked</c> walks.
    /// </summary>
    protected ZeroLengthSwitch ZeroLengthNoop => Vm.Policy.ZeroLength;

    /// <summary>Whether a POSIX unwire skips entries that are not locked.</summary>
    protected bool MunlockUnlockedOk => Vm.Policy.MunlockUnlocked == MunlockUnlockedSwitch.Ok;

    /// <summary>The semantics the policy selects.</summary>
    public static IWiringSemantics For(Vm vm, FaultHandler faults) => vm.Policy.Wiring switch
    {
        WiringSwitch.Counter => new CounterWiring(vm, faults),
        WiringSwitch.Split => new SplitWiring(vm, faults),
        WiringSwitch.Flag => new FlagWiring(vm, faults),
        _ => throw new NotSupportedException($"wiring={vm.Policy.Wiring} has no semantics"),
    };

    /// <inheritdoc/>
    public abstract bool IsPosixLocked(MapEntry entry);


    /// <inheritdoc/>
    public virtual bool FollowsTranslations => false;

    /// <inheritdoc/>
    public virtual bool WiresProtNone => false;

    /// <inheritdoc/>
    public virtual bool CopiesWiredAtFork => true;

    /// <inheritdoc/>
    public virtual Errno WireNewEntry(VmSpace space, ulong start, ulong end, bool onFault) => Wire(space, start, end, WireFlags.Posix);

    /// <inheritdoc/>
    public virtual void BeforeTranslationsRemoved(VmSpace space, MapEntry entry) { }

    /// <inheritdoc/>
    public virtual void Reprotected(VmSpace space, MapEntry entry, Protection old) { }

    /// <summary>Releases the wirings a wired entry holds as it stops being wired (really-unwire).</summary>
    protected virtual void UnwirePages(VmSpace space, MapEntry entry) => Faults.FaultUnwire(space, entry.Start, entry.End);

    /// <inheritdoc/>
    public abstract Errno Wire(VmSpace space, ulong start, ulong end, WireFlags flags);

    /// <inheritdoc/>
    public abstract Errno Unwire(VmSpace space, ulong start, ulong end, WireFlags flags);

    /// <inheritdoc/>
    public abstract Errno WireAll<TLimits>(VmSpace space, int mclFlags, TLimits limitsOk)
        where TLimits : ILimitTest;

    /// <summary>
    /// Clamps the range to the map and finds the entry containing the start.
    /// =&gt; false with <paramref name="error"/> <c>EFAULT</c> for an unmapped start, or
    /// false with no error for a zero-length call under <c>zero-length=noop</c>.
    /// </summary>
    protected static bool Begin(VmMap map, ref ulong start, ref ulong end, ZeroLengthSwitch zeroLength, out MapEntry? first, out Errno error)
    {
        if (zeroLength == ZeroLengthSwitch.Early && start == end)
        {
            first = null;
            error = Errno.None;
            return false; // 0 before the lookup (Linux apply_vma_lock_flags)
        }
        bool zeroNoop = zeroLength == ZeroLengthSwitch.Noop;
        start = Math.Max(start, map.Min);
        end = Math.Min(end, map.Max);
        if (end < start)
        {
            end = start;
        }
        first = map.Lookup(start);
        error = first is null ? Errno.EFAULT : Errno.None;
        return first is not null && !(zeroNoop && start == end);
    }

    /// <summary>A visited entry that ends before <paramref name="end"/> with no entry right after it.</summary>
    protected static bool IsHole(MapEntry entry, ulong end) =>
        entry.End < end && (entry.Next is null || entry.Next.Start != entry.End);

    /// <summary>Creates the amap wiring will need (NetBSD's <c>amap_copy</c> in pass 1).</summary>
    protected void PrepareAmap(MapEntry entry)
    {
        if (!entry.IsWired && entry.NeedsCopy
            && ((entry.MaxProtection & Protection.Write) != 0 || entry.Object is null))
        {
            Faults.EnsureAmap(entry);
        }
    }

    /// <summary>Fault-wires a whole entry through its max protection.</summary>
    protected Errno FaultWireEntry(VmSpace space, MapEntry entry) =>
        Faults.FaultWire(space, entry.Start, entry.End, entry.MaxProtection, useMax: true);

    /// <summary>
    /// Really-unwire (SPEC §4): validates nothing, ignores holes, never fails. Every entry in
    /// range loses its count, bit and record, and is fault-unwired if it was wired. Used by
    /// munmap, shmdt, MAP_FIXED replacement, exec and exit.
    /// </summary>
    public void ReallyUnwire(VmSpace space, ulong start, ulong end, UvmObject? only = null)
    {
        VmMap map = space.Map;
        MapEntry? e = map.LookupAtOrAfter(start);
        if (e is not null && e.Start < start && (only is null || e.Object == only))
        {
            e = map.ClipStart(e, start);
        }
        for (; e is not null && e.Start < end; e = e.Next)
        {
            if (only is not null && e.Object != only)
            {
                continue;
            }
            map.ClipEnd(e, end);
            bool was = e.IsWired;
            e.WiredCount = 0;
            e.Mlocked = false;
            e.OnFault = false;
            e.SegmentRecord = false;
            if (was)
            {
                UnwirePages(space, e);
            }
        }
    }
}
