using UvmSim.Policies;

namespace UvmSim.Map;

/// <summary>
/// What happens to an entry after a call changed its flags (lock state, protection): NetBSD
/// leaves the clipped pieces as they are, Linux re-merges the changed VMA with neighbours that
/// now match (<c>mlock_fixup</c>, <c>mprotect_fixup</c> → <c>vma_modify_flags</c> →
/// <c>vma_merge_existing_range</c>). Chosen by <c>syscalls</c> (SPEC §17.7); a SysV
/// attachment's nattch (Linux counts VMAs, §17.8) shows the difference (docs/linux.md).
/// </summary>
public abstract class FlagChangeMerge
{
    /// <summary>NetBSD: a flag change never merges (<c>uvm_map_protect</c>, <c>uvm_map_pageable</c>).</summary>
    public static readonly FlagChangeMerge Never = new NeverMerge();

    /// <summary>Linux: <c>vma_merge_existing_range</c>'s rules, as far as the model can merge exactly.</summary>
    public static readonly FlagChangeMerge Linux = new LinuxMerge();

    /// <summary>The strategy of a <c>syscalls</c> value.</summary>
    public static FlagChangeMerge For(SyscallsSwitch syscalls) => syscalls switch
    {
        SyscallsSwitch.Netbsd => Never,
        SyscallsSwitch.Linux => Linux,
        _ => throw new NotSupportedException($"syscalls={syscalls}"),
    };

    /// <summary>
    /// Called once per entry whose flags a call changed, after the change.
    /// <paramref name="whole"/> is true when the entry was not clipped for it (the VMA
    /// would be removed by a merge, not shrunk).
    /// =&gt; the entry that now covers <paramref name="changed"/>'s range.
    /// </summary>
    public abstract MapEntry AfterChange(VmMap map, MapEntry changed, bool whole);

    private sealed class NeverMerge : FlagChangeMerge
    {
        public override MapEntry AfterChange(VmMap map, MapEntry changed, bool whole) => changed;
    }

    /// <summary>
    /// A clipped piece's other neighbour is the rest of its old entry, whose flags differ, so
    /// trying both sides after the change is <c>vma_merge_existing_range</c>'s left/right
    /// choice. A VMA with a <c>close</c> hook (a SysV attachment, <c>shm_close</c>;
    /// <c>NoMerge</c> in the model) may shrink but never be removed by a merge
    /// (<c>can_merge_remove_vma</c>), so a whole one stays as it is.
    /// </summary>
    private sealed class LinuxMerge : FlagChangeMerge
    {
        public override MapEntry AfterChange(VmMap map, MapEntry changed, bool whole)
        {
            if (whole && changed.NoMerge)
            {
                return changed;
            }
            // next first: joining a clip's halves leaves their amap one user, which a
            // neighbour without an amap in front may then take (Linux merges all three)
            if (changed.Next is { } next && map.CanRemerge(changed, next))
            {
                map.JoinNext(changed);
            }
            if (changed.Prev is { } prev && map.CanRemerge(prev, changed))
            {
                map.JoinNext(prev);
                return prev;
            }
            return changed;
        }
    }
}
