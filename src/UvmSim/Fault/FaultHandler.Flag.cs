using UvmSim.Map;

namespace UvmSim.Fault;

// wiring=flag (SPEC §17.2): wirings follow translations, as Linux's mlock_count follows the
// PTEs of VM_LOCKED VMAs (mm/mlock.c mlock_folio/munlock_folio). Invariant: every
// translation inside an IsWired entry is wired and holds one wiring on its frame; pages
// without a translation hold none, so a locked entry may have absent pages.
public sealed partial class FaultHandler
{
    /// <summary>Whether entering and removing translations moves wirings (<c>wiring=flag</c>).</summary>
    internal bool WiringFollowsTranslations => _vm.Policy.Wiring == Policies.WiringSwitch.Flag;

    /// <summary>
    /// Enters a translation in <paramref name="entry"/> keeping the flag invariant: a new
    /// translation of a wired entry wires its frame, and one that replaces another frame
    /// (copy-on-write) moves the wiring from the old frame to the new.
    /// </summary>
    private void EnterFollowingWiring(VmSpace space, MapEntry entry, ulong va, int frame, Map.Protection prot)
    {
        if (entry.IsWired)
        {
            bool had = space.Pmap.TryGet(va, out Pte old);
            if (!had)
            {
                _vm.Frames.Wire(frame);
            }
            else if (old.Frame != frame)
            {
                _vm.Frames.Unwire(old.Frame);
                _vm.Frames.Wire(frame);
            }
        }
        space.Pmap.Enter(va, frame, prot, entry.IsWired);
    }

    /// <summary>
    /// An entry became wired (<c>mlock_fixup</c> to <c>VM_LOCKED</c>): each translation it has
    /// wires its frame. =&gt; the entry must be wired already.
    /// </summary>
    public void WireTranslations(VmSpace space, ulong start, ulong end)
    {
        for (ulong va = space.Pmap.NextMapped(start, end); va < end; va = space.Pmap.NextMapped(va + (ulong)_vm.PageSize, end))
        {
            if (space.Pmap.TryGet(va, out Pte pte))
            {
                _vm.Frames.Wire(pte.Frame);
                space.Pmap.Enter(va, pte.Frame, pte.Protection, wired: true);
            }
        }
    }

    /// <summary>
    /// An entry stops being wired, or its translations go (<c>munlock_folio</c>): each
    /// translation unwires its frame and loses its wired bit. Never fails.
    /// </summary>
    public void UnwireTranslations(VmSpace space, ulong start, ulong end)
    {
        for (ulong va = space.Pmap.NextMapped(start, end); va < end; va = space.Pmap.NextMapped(va + (ulong)_vm.PageSize, end))
        {
            if (space.Pmap.TryGet(va, out Pte pte))
            {
                _vm.Frames.Unwire(pte.Frame);
                space.Pmap.Unwire(va);
            }
        }
    }

    /// <summary>
    /// Linux's <c>populate_vma_page_range</c> over part of one entry: faults every page
    /// without a usable translation, for write when the entry is private and writable, else
    /// for read. <c>PROT_NONE</c> is <c>EFAULT</c> (no <c>FOLL_FORCE</c>); the first fault
    /// error stops it and is returned, leaving later pages absent.
    /// </summary>
    public Errno Populate(VmSpace space, MapEntry entry, ulong start, ulong end)
    {
        if (entry.Protection == Map.Protection.None)
        {
            return Errno.EFAULT;
        }
        bool write = entry.CopyOnWrite && (entry.Protection & Map.Protection.Write) != 0;
        Map.Protection access = write ? Map.Protection.Write : Map.Protection.Read;
        for (ulong va = Math.Max(start, entry.Start); va < Math.Min(end, entry.End); va += (ulong)_vm.PageSize)
        {
            if (space.Pmap.TryGet(va, out Pte pte) && (access & ~pte.Protection) == 0)
            {
                continue;
            }
            Errno err = Fault(space, va, access);
            if (err != Errno.None)
            {
                return err == Errno.EACCES ? Errno.EFAULT : err;
            }
        }
        return Errno.None;
    }
}
