using UvmSim.Map;
using UvmSim.Objects;

namespace UvmSim.Fault;

/// <summary>
/// Page faults (<c>uvm_fault.c</c>): resolving the page at an address through amap and
/// object, breaking copy-on-write, and entering translations; plus fault-wiring and
/// fault-unwiring of ranges, whose NetBSD quirks the legacy policies depend on.
/// </summary>
public sealed partial class FaultHandler
{
    private const string FaultFile = "uvm_fault.c";
    private readonly Vm _vm;

    /// <summary>Creates the fault handler of a machine.</summary>
    public FaultHandler(Vm vm) => _vm = vm;

    /// <summary>
    /// The frame of the page at <paramref name="va"/> (SPEC §3.2): the entry's anon there, else
    /// its object's page, else none (-1). Pages on swap are not resident.
    /// </summary>
    public int PageAt(MapEntry entry, ulong va)
    {
        long index = _vm.PagesOf(va - entry.Start);
        if (entry.Amap?[entry.AmapOffset + index] is { } anon)
        {
            return anon.Frame;
        }
        return entry.Object?.FrameAt(_vm.PagesOf(entry.Offset) + index) ?? -1;
    }

    /// <summary>
    /// The first address in <c>[from, to)</c> whose entry may have a page there (an anon slot
    /// in use or a resident object page), or <paramref name="to"/>.
    /// </summary>
    public ulong NextPage(VmSpace space, ulong from, ulong to)
    {
        for (MapEntry? e = space.Map.LookupAtOrAfter(from); e is not null && e.Start < to; e = e.Next)
        {
            ulong lo = Math.Max(from, e.Start), hi = Math.Min(to, e.End);
            long first = _vm.PagesOf(_vm.Trunc(lo) - e.Start);
            long count = _vm.PagesOf(_vm.Trunc(hi + (ulong)_vm.PageSize - 1) - e.Start) - first;
            long best = long.MaxValue;
            if (e.Amap is { } amap)
            {
                foreach (var (slot, _) in amap.AnonsIn(e.AmapOffset + first, count))
                {
                    best = slot - e.AmapOffset;
                    break;
                }
            }
            if (e.Object is { } obj)
            {
                long objFirst = _vm.PagesOf(e.Offset) + first;
                long index = obj.NextResident(objFirst, objFirst + Math.Min(count, best - first));
                if (index >= 0)
                {
                    best = Math.Min(best, index - _vm.PagesOf(e.Offset));
                }
            }
            if (best != long.MaxValue)
            {
                return e.Start + ((ulong)best << _vm.PageShift);
            }
        }
        return to;
    }

    /// <summary>
    /// Gives an entry its own amap (<c>amap_copy</c>): a private entry marked
    /// <c>NeedsCopy</c> gets a copy of its shared amap's anon references; an entry without one
    /// gets an empty amap.
    /// </summary>
    public void EnsureAmap(MapEntry entry)
    {
        long pages = _vm.PagesOf(entry.Size);
        if (!entry.NeedsCopy && entry.Amap is not null)
        {
            return;
        }
        var amap = new Amap(_vm.PageShift);
        if (entry.NeedsCopy && entry.Amap is { } old)
        {
            foreach (var (slot, anon) in old.AnonsIn(entry.AmapOffset, pages))
            {
                anon.RefCount++;
                amap[slot - entry.AmapOffset] = anon;
            }
            _vm.ReleaseAmapUse(old, entry);
        }
        amap.AddUser(entry);
        entry.Amap = amap;
        entry.AmapOffset = 0;
        entry.NeedsCopy = false;
    }

    /// <summary>
    /// A user fault (<c>uvm_fault</c>) at <paramref name="va"/> for <paramref name="access"/>:
    /// <c>EFAULT</c> outside every entry or beyond a file's end, <c>EACCES</c> beyond the
    /// protection, <c>ENOMEM</c> without a frame. The translation is entered wired when the
    /// entry <c>IsWired</c>, but the frame is not wired (the S5 hazard).
    /// </summary>
    public Errno Fault(VmSpace space, ulong va, Map.Protection access)
    {
        MapEntry? entry = space.Map.Lookup(va);
        if (entry is null)
        {
            return Errno.EFAULT;
        }
        if ((access & ~entry.Protection) != 0 || entry.Protection == Map.Protection.None)
        {
            return Errno.EACCES;
        }
        Errno err = Resolve(entry, va, (access & Map.Protection.Write) != 0, out int frame, out Map.Protection prot);
        if (err != Errno.None)
        {
            return err;
        }
        if (WiringFollowsTranslations)
        {
            EnterFollowingWiring(space, entry, _vm.Trunc(va), frame, prot);
        }
        else
        {
            space.Pmap.Enter(_vm.Trunc(va), frame, prot, entry.IsWired);
        }
        return Errno.None;
    }

    /// <summary>
    /// Finds or makes the page at <paramref name="va"/> of <paramref name="entry"/>, breaking
    /// copy-on-write for a write to a private mapping. <paramref name="protection"/> is what
    /// the translation may allow: without write while the page is still shared.
    /// </summary>
    internal Errno Resolve(MapEntry entry, ulong va, bool write, out int frame, out Map.Protection protection)
    {
        frame = -1;
        protection = entry.Protection;
        long index = _vm.PagesOf(_vm.Trunc(va) - entry.Start);
        if (!entry.CopyOnWrite)
        {
            return entry.Object is null
                ? Errno.EFAULT
                : _vm.ObjectPage(entry.Object, _vm.PagesOf(entry.Offset) + index, out frame);
        }
        if (entry.NeedsCopy && (write || entry.Object is null))
        {
            EnsureAmap(entry);
        }
        else if (entry.Amap is null && entry.Object is null)
        {
            EnsureAmap(entry);
        }
        long slot = entry.AmapOffset + index;
        if (entry.Amap?[slot] is { } anon)
        {
            if (!_vm.SwapIn(anon))
            {
                return Errno.ENOMEM;
            }
            if (write && anon.RefCount > 1)
            {
                Anon? copy = _vm.NewAnon();
                if (copy is null)
                {
                    return Errno.ENOMEM;
                }
                entry.Amap[slot] = copy;
                _vm.ReleaseAnon(anon);
                anon = copy;
            }
            frame = anon.Frame;
            if (anon.RefCount > 1 || entry.NeedsCopy)
            {
                protection &= ~Map.Protection.Write;
            }
            return Errno.None;
        }
        if (entry.Object is null || write)
        {
            if (entry.Object is not null)
            {
                // Promotion copies the object's page, so it must exist (beyond EOF: SIGBUS).
                Errno err = _vm.ObjectPage(entry.Object, _vm.PagesOf(entry.Offset) + index, out _);
                if (err != Errno.None)
                {
                    return err;
                }
            }
            Anon? fresh = _vm.NewAnon();
            if (fresh is null)
            {
                return Errno.ENOMEM;
            }
            entry.Amap![slot] = fresh;
            frame = fresh.Frame;
            return Errno.None;
        }
        protection &= ~Map.Protection.Write;
        return _vm.ObjectPage(entry.Object, _vm.PagesOf(entry.Offset) + index, out frame);
    }

    /// <summary>
    /// Fault-wires <c>[start, end)</c> (<c>uvm_fault_wire</c>): each page is faulted for
    /// <paramref name="access"/> (checked against the max protection when
    /// <paramref name="useMax"/>), its frame wired and its translation entered wired; a
    /// <c>PROT_NONE</c> entry's page is wired without a translation. On the first error what
    /// was done is undone — by <see cref="FaultUnwire"/>, or exactly the frames recorded in
    /// <paramref name="wired"/> when the caller keeps them — and the error returned.
    /// An empty range wires nothing and so checks no access (the fault loop of
    /// <c>uvm_fault_wire</c> never runs).
    /// </summary>
    public Errno FaultWire(VmSpace space, ulong start, ulong end, Map.Protection access, bool useMax, List<int>? wired = null)
    {
        if (start >= end)
        {
            return Errno.None;
        }
        int first = wired?.Count ?? 0;
        ulong page = (ulong)_vm.PageSize;
        MapEntry? entry = null;
        if (wired is null && space.Map.Lookup(start) is { CopyOnWrite: false, Object: { } shared } run && end <= run.End)
        {
            return WireRuns(space, run, new ObjectRuns(shared), _vm.PagesOf(run.Offset + (start - run.Start)), start, end, access, useMax);
        }
        if (wired is null && space.Map.Lookup(start) is { CopyOnWrite: true, NeedsCopy: false, Amap: { } amap } own && end <= own.End
            && !WiringFollowsTranslations)
        {
            return WireRuns(space, own, new AnonRuns(amap), own.AmapOffset + _vm.PagesOf(start - own.Start), start, end, access, useMax);
        }
        for (ulong va = start; va < end; va += page)
        {
            if (entry is null || !entry.Contains(va))
            {
                entry = space.Map.Lookup(va);
            }
            Errno err = entry is null ? Errno.EFAULT : WirePage(space, entry, va, access, useMax, wired);
            if (err != Errno.None)
            {
                if (wired is null)
                {
                    FaultUnwire(space, start, va);
                }
                else
                {
                    UnwireFrames(space, wired, first, start, va);
                }
                return err;
            }
        }
        return Errno.None;
    }

    /// <summary>
    /// The bulk cases of <see cref="FaultWire"/>: a range inside one entry whose pages
    /// <paramref name="runs"/> finds without resolving — its object's resident pages when it
    /// maps the object directly (a SysV attachment or shared mapping), or the resident anons
    /// no one else shares when it is private with its own amap (an mlocked anonymous range;
    /// the translation keeps the entry's protection). Each run is wired and entered in bulk;
    /// the page that ends it (missing, shared, on swap, or a count about to wrap) goes the
    /// page-by-page way. Same effect, errors and rollback as the page-by-page walk.
    /// </summary>
    private Errno WireRuns<TRuns>(VmSpace space, MapEntry entry, TRuns runs, long index, ulong start, ulong end, Map.Protection access, bool useMax)
        where TRuns : struct, IPageRuns
    {
        Map.Protection allowed = useMax ? entry.MaxProtection : entry.Protection;
        if ((access & ~allowed) != 0 || allowed == Map.Protection.None)
        {
            return Errno.EACCES;
        }
        bool translate = entry.Protection != Map.Protection.None;
        ulong page = (ulong)_vm.PageSize;
        Span<int> buffer = runs.Gathers ? stackalloc int[RunBuffer] : default;
        ulong va = start;
        while (va < end)
        {
            ReadOnlySpan<int> run = runs.Run(index, (long)((end - va) / page), buffer, out int n);
            int done = _vm.Frames.WireRun(run);
            if (translate)
            {
                space.Pmap.EnterRun(va, run[..done], entry.Protection, wired: true);
            }
            index += done;
            va += (ulong)done * page;
            if (done < n)
            {
                Errno err = WirePage(space, entry, va, access, useMax, null);
                if (err != Errno.None)
                {
                    FaultUnwire(space, start, va);
                    return err;
                }
                index++;
                va += page;
            }
        }
        return Errno.None;
    }

    /// <summary>Where <see cref="WireRuns{TRuns}"/> finds its runs (a type argument, so each kind compiles to its own loop).</summary>
    private interface IPageRuns
    {
        /// <summary>Whether <see cref="Run"/> gathers frames into the buffer (else it needs none).</summary>
        bool Gathers { get; }

        /// <summary>
        /// The frames of the run of pages from <paramref name="index"/> that need no resolving,
        /// at most <paramref name="maxPages"/>; <paramref name="pages"/> counts them plus the
        /// page that ended the run, if it ended before <paramref name="maxPages"/>.
        /// </summary>
        ReadOnlySpan<int> Run(long index, long maxPages, Span<int> buffer, out int pages);
    }

    /// <summary>An object's resident pages, a chunk at a time; past the object's end there is no run (the one page fails as a fault would).</summary>
    private readonly struct ObjectRuns(UvmObject obj) : IPageRuns
    {
        public bool Gathers => false;

        public ReadOnlySpan<int> Run(long index, long maxPages, Span<int> buffer, out int pages)
        {
            ReadOnlySpan<int> frames = obj.FramesFrom(index);
            pages = (int)Math.Min(Math.Max(obj.RunLength(index), 1), maxPages);
            return frames[..Math.Min(pages, frames.Length)];
        }
    }

    /// <summary>An amap's resident anons that no one else shares, gathered a buffer at a time.</summary>
    private readonly struct AnonRuns(Amap amap) : IPageRuns
    {
        public bool Gathers => true;

        public ReadOnlySpan<int> Run(long slot, long maxPages, Span<int> buffer, out int pages)
        {
            int max = (int)Math.Min(buffer.Length, maxPages);
            int n = 0;
            while (n < max && amap[slot + n] is { Resident: true, RefCount: 1 } anon)
            {
                buffer[n++] = anon.Frame;
            }
            pages = n < max ? n + 1 : max;
            return buffer[..n];
        }
    }

    /// <summary>Pages an anonymous run gathers at a time (on the stack).</summary>
    private const int RunBuffer = 64;

    private Errno WirePage(VmSpace space, MapEntry entry, ulong va, Map.Protection access, bool useMax, List<int>? wired)
    {
        Map.Protection allowed = useMax ? entry.MaxProtection : entry.Protection;
        if ((access & ~allowed) != 0 || allowed == Map.Protection.None)
        {
            return Errno.EACCES;
        }
        int frame;
        Map.Protection prot = entry.Protection;
        if (!entry.CopyOnWrite && entry.Object is { } obj
            && (frame = obj.FrameAt(_vm.PagesOf(entry.Offset + (va - entry.Start)))) >= 0)
        {
            // The common case of a shared mapping whose page is resident: nothing to resolve.
        }
        else
        {
            Errno err = Resolve(entry, va, (access & Map.Protection.Write) != 0, out frame, out prot);
            if (err != Errno.None)
            {
                return err;
            }
        }
        _vm.Frames.Wire(frame);
        wired?.Add(frame);
        if (entry.Protection != Map.Protection.None)
        {
            if (WiringFollowsTranslations && entry.IsWired)
            {
                EnterFollowingWiring(space, entry, va, frame, prot); // the entry's own wiring, besides the caller's
            }
            else
            {
                space.Pmap.Enter(va, frame, prot, wired: true);
            }
        }
        return Errno.None;
    }

    /// <summary>Undoes a held-frame fault-wire: exactly the frames it wired.</summary>
    private void UnwireFrames(VmSpace space, List<int> wired, int first, ulong start, ulong end)
    {
        for (int i = wired.Count - 1; i >= first; i--)
        {
            _vm.Frames.Unwire(wired[i]);
        }
        wired.RemoveRange(first, wired.Count - first);
        ClearWiredBits(space, start, end);
    }

    /// <summary>Clears wired bits of translations in a range whose entry is no longer wired.</summary>
    internal void ClearWiredBits(VmSpace space, ulong start, ulong end)
    {
        for (ulong va = start; va < end; va += (ulong)_vm.PageSize)
        {
            if (space.Map.Lookup(va) is { IsWired: false })
            {
                space.Pmap.Unwire(va);
            }
        }
    }

    /// <summary>
    /// The bulk case of <see cref="FaultUnwire"/> under <c>unwire-by=pages</c>: a range inside
    /// one entry whose pages are its object's (a SysV attachment or shared mapping), walked
    /// page by page without lookups. Same effect as the general walk.
    /// </summary>
    private void UnwireObjectRun(VmSpace space, MapEntry entry, UvmObject obj, ulong start, ulong end)
    {
        long first = _vm.PagesOf(entry.Offset + (start - entry.Start));
        long last = first + _vm.PagesOf(end - start);
        long index = first;
        try
        {
            while (index < last)
            {
                ReadOnlySpan<int> frames = obj.FramesFrom(index);
                int n = (int)Math.Min(obj.RunLength(index), last - index);
                if (n == 0)
                {
                    break; // past the object's end: no page to unwire
                }
                if (frames.IsEmpty)
                {
                    // A chunk with no page: skip to the next resident one (huge sparse entries).
                    long next = obj.NextResident(index + n, last);
                    index = next < 0 ? last : next;
                    continue;
                }
                // Resident runs in bulk; a missing page is skipped, and a count already at 0
                // is unwired alone so that NetBSD's assertion fires at that page.
                ReadOnlySpan<int> rest = frames[..n];
                while (!rest.IsEmpty)
                {
                    int done = _vm.Frames.UnwireRun(rest);
                    index += done;
                    if (done < rest.Length)
                    {
                        if (rest[done] >= 0)
                        {
                            _vm.Frames.Unwire(rest[done]);
                        }
                        index++;
                        done++;
                    }
                    rest = rest[done..];
                }
            }
        }
        catch (KernelPanic) when (!entry.IsWired)
        {
            // Die in the state the page-by-page walk would: earlier pages' bits cleared.
            space.Pmap.UnwireRange(start, start + ((ulong)(index - first) << _vm.PageShift));
            throw;
        }
        if (!entry.IsWired)
        {
            space.Pmap.UnwireRange(start, end);
        }
    }

    /// <summary>
    /// The bulk case of <see cref="FaultUnwire"/> under <c>unwire-by=pages</c> for a range
    /// inside one anonymous entry: the frames of each run of resident anons are unwired in bulk
    /// and their translations' wired bits cleared (while the entry is not wired) in the order
    /// the page-by-page walk leaves them; a page without a resident anon has nothing to unwire.
    /// A count already at 0 is unwired alone, so NetBSD's assertion fires at that page with
    /// the earlier pages' bits cleared.
    /// </summary>
    private void UnwireAnonRun(VmSpace space, MapEntry entry, Amap amap, ulong start, ulong end)
    {
        ulong page = (ulong)_vm.PageSize;
        Span<int> frames = stackalloc int[RunBuffer];
        long slot = entry.AmapOffset + _vm.PagesOf(start - entry.Start);
        ulong va = start;
        int misses = 0;
        while (va < end)
        {
            int max = (int)Math.Min(frames.Length, (long)((end - va) / page));
            int n = 0;
            while (n < max && amap[slot + n] is { Resident: true } anon)
            {
                frames[n++] = anon.Frame;
            }
            if (n == 0)
            {
                if (++misses >= 64)
                {
                    // A long empty stretch (a huge entry wired by S5's zero-length hazard).
                    ulong next = NextPage(space, va + page, end);
                    slot += _vm.PagesOf(next - va);
                    va = next;
                    misses = 0;
                    continue;
                }
                slot++;
                va += page;
                continue;
            }
            misses = 0;
            int k = 0;
            try
            {
                while (k < n)
                {
                    k += _vm.Frames.UnwireRun(frames[k..n]);
                    if (k < n)
                    {
                        _vm.Frames.Unwire(frames[k]);
                        k++;
                    }
                }
            }
            catch (KernelPanic) when (!entry.IsWired)
            {
                space.Pmap.UnwireRange(va, va + ((ulong)k * page));
                throw;
            }
            if (!entry.IsWired)
            {
                space.Pmap.UnwireRange(va, va + ((ulong)n * page));
            }
            slot += n;
            va += (ulong)n * page;
        }
    }

    /// <summary>
    /// Fault-unwires <c>[start, end)</c> (<c>uvm_fault_unwire_locked</c>). Panics when
    /// <paramref name="start"/> is in no entry; then per page unwires the frame the
    /// <c>unwire-by</c> switch names, skipping pages with nothing to unwire before any entry
    /// is looked up; the first such page beyond a hole fails NetBSD's KASSERT. A translation
    /// loses its wired bit when its entry is no longer wired.
    /// </summary>
    public void FaultUnwire(VmSpace space, ulong start, ulong end)
    {
        if (start >= end)
        {
            return;
        }
        MapEntry? entry = space.Map.Lookup(start)
            ?? throw new KernelPanic("uvm_fault_unwire_locked: address not in map");
        if (end <= entry.End && entry.Amap is null && entry.Object is { } shared && _vm.UnwireBy is UnwireByPages)
        {
            UnwireObjectRun(space, entry, shared, start, end);
            return;
        }
        if (end <= entry.End && entry.Amap is { } amap && entry.Object is null && _vm.UnwireBy is UnwireByPages)
        {
            UnwireAnonRun(space, entry, amap, start, end);
            return;
        }
        ulong page = (ulong)_vm.PageSize;
        int misses = 0;
        for (ulong va = start; va < end; va += page)
        {
            int frame = _vm.UnwireBy.FrameAt(this, space, va, entry);
            if (frame < 0)
            {
                if (++misses >= 64)
                {
                    // A long empty stretch (a huge entry wired by S5's zero-length hazard):
                    // jump to the next page that may hold something.
                    ulong next = _vm.UnwireBy.NextCandidate(this, space, va + page, end);
                    va = next - page;
                    misses = 0;
                }
                continue;
            }
            misses = 0;
            while (va >= entry.End)
            {
                MapEntry? next = entry.Next;
                if (next is null || next.Start > entry.End)
                {
                    if (_vm.Frames.Diagnostics)
                    {
                        throw new KernelPanic(KernelPanic.AssertionMessage(
                            "entry->next != &map->header && entry->next->start <= entry->end", FaultFile));
                    }
                    next = space.Map.Lookup(va);
                    if (next is null)
                    {
                        break;
                    }
                }
                entry = next;
            }
            _vm.Frames.Unwire(frame);
            if (!entry.IsWired || !entry.Contains(va))
            {
                space.Pmap.Unwire(va);
            }
        }
    }
}
