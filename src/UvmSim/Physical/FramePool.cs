using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using UvmSim.Undo;

namespace UvmSim.Physical;

/// <summary>
/// Physical memory: a flat array of <see cref="Frame"/> structs with an intrusive free list,
/// and page wiring (<c>uvm_pagewire</c>/<c>uvm_pageunwire</c>) with NetBSD's assertions.
/// </summary>
/// <remarks>
/// Invariants (checked by the auditor, not here): <see cref="VmStats.Free"/> equals the
/// frames on the free list; <see cref="VmStats.Wired"/> equals the frames whose count is
/// non-zero unless diagnostics are off and a count wrapped.
/// </remarks>
public sealed partial class FramePool
{
    private const string PageFile = "uvm_page.c";

    /// <summary>Frames made when the pool is: a small universe never uses more (issue 17).</summary>
    private const int FirstFrames = 16;

    // The frames are made as they are first needed (issue 17: the explorer's universes of 96
    // frames use at most a dozen, and boot every 64 calls). The free list runs through the
    // frames made and on to the first frame not made yet, as the initial list 0, 1, 2, ...
    // does, so frames are handed out in the same order as if all were made at boot. The
    // array grows by a copy (MakeUpTo): the pool is touched first, so an undo puts the old array
    // back, whose frames the log restores where they changed before the copy.
    [LoggedApart] // element by element (UndoLog.Element); replaced whole when it grows, and by a snapshot copy
    private Frame[] _frames;
    private readonly int _pages;
    [LoggedApart]
    private readonly List<int> _counted = [];
    private int _freeHead;
    private uint _clock;

    /// <summary>Boots a machine of <paramref name="pages"/> free frames.</summary>
    public FramePool(int pages, long wiredMax, bool diagnostics)
    {
        if (pages <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(pages), "a machine needs at least one frame");
        }
        _pages = pages;
        _frames = [];
        MakeUpTo(Math.Min(pages, FirstFrames));
        _freeHead = 0;
        Stats = new VmStats { Pages = pages, Free = pages, WiredMax = wiredMax };
        Diagnostics = diagnostics;
    }

    /// <summary>The global counters.</summary>
    public VmStats Stats { get; }

    /// <summary>KASSERTs panic when on; counts wrap and drift when off (SPEC §9).</summary>
    public bool Diagnostics { get; }

    /// <summary>Number of frames.</summary>
    public int Count => _pages;

    /// <summary>
    /// How many frames are made: frames from here on are free, never used, and not made yet
    /// (a walk for used frames may stop here; the indexer makes any frame it is asked for).
    /// </summary>
    internal int Made => _frames.Length;

    /// <summary>Makes frames up to at least <paramref name="count"/> (a power of two, or all), each free and linked to the next.</summary>
    private void MakeUpTo(int count)
    {
        int old = _frames.Length;
        if (count <= old)
        {
            return;
        }
        UndoLog.Touch(this); // the field changes to a new array; the old one stays as it was, for an undo
        int length = Math.Min(_pages, Math.Max(count, Math.Max(old * 2, FirstFrames)));
        var grown = new Frame[length];
        _frames.AsSpan().CopyTo(grown);
        for (int i = old; i < length; i++)
        {
            grown[i].Owner = i + 1 < _pages ? i + 1 : -1;
        }
        _frames = grown;
    }

    /// <summary>
    /// Every frame whose count is non-zero, plus some whose count went back to 0 since the
    /// last call (listing is lazy: a frame is appended when its count leaves 0 through
    /// <see cref="Wire"/> or <see cref="Unwire"/>, and dropped here once it is 0 again), so
    /// keeping the index costs a byte flag and no hashing. The incremental auditor visits
    /// these. Counts written directly through the indexer (tests planting damage) bypass it;
    /// the full audit scans every frame.
    /// </summary>
    public List<int> NonZero()
    {
        UndoLog.Touch(_counted);
        int kept = 0;
        for (int i = 0; i < _counted.Count; i++)
        {
            int f = _counted[i];
            if (_frames[f].WireCount != 0)
            {
                _counted[kept++] = f;
            }
            else
            {
                UndoLog.Element(_frames, f);
                _frames[f].Indexed = 0;
            }
        }
        _counted.RemoveRange(kept, _counted.Count - kept);
        return _counted;
    }

    private void Index(int frame)
    {
        ref Frame fr = ref _frames[frame];
        if (fr.Indexed == 0)
        {
            UndoLog.Touch(_counted);
            UndoLog.Element(_frames, frame);
            fr.Indexed = 1;
            _counted.Add(frame);
        }
    }

    /// <summary>Direct access for the page daemon, the auditor and tests.</summary>
    public ref Frame this[int frame]
    {
        get
        {
            if ((uint)frame >= (uint)_frames.Length && frame < _pages)
            {
                MakeUpTo(_pages); // a frame no call has used: a scan of every frame (the full audit), so all at once
            }
            return ref _frames[frame];
        }
    }

    /// <summary>Takes a free frame for <paramref name="owner"/>, or returns -1 when none is free.</summary>
    public int Allocate(int owner, int offset)
    {
        int f = _freeHead;
        if (f < 0)
        {
            return -1;
        }
        if (f >= _frames.Length)
        {
            MakeUpTo(f + 1);
        }
        UndoLog.Touch(this);
        UndoLog.Element(_frames, f);
        ref Frame fr = ref _frames[f];
        _freeHead = fr.Owner;
        fr.State = FrameState.InUse;
        fr.WireCount = 0;
        fr.Owner = owner;
        fr.Offset = offset;
        fr.Stamp = ++_clock;
        Stats.Free--;
        return f;
    }

    /// <summary>Records a new owner for a frame (an anon taking over an object page).</summary>
    public void SetOwner(int frame, int owner, int offset)
    {
        UndoLog.Element(_frames, frame);
        _frames[frame].Owner = owner;
        _frames[frame].Offset = offset;
    }

    /// <summary>
    /// Releases a frame its owner no longer needs. A frame still wired keeps
    /// <paramref name="holds"/> wirings (transient holds under <c>transient=held</c>) and is
    /// orphaned if any remain; otherwise its count is cleared with one <c>wired--</c> (NetBSD).
    /// =&gt; returns true when the frame went back to the free list.
    /// </summary>
    public bool Release(int frame, int holds)
    {
        UndoLog.Element(_frames, frame);
        ref Frame fr = ref _frames[frame];
        Debug.Assert(fr.State == FrameState.InUse, "releasing a frame that is not in use");
        if (fr.WireCount > 0 && holds > 0)
        {
            fr.WireCount = (ushort)Math.Min(fr.WireCount, holds);
            fr.State = FrameState.Orphaned;
            fr.Owner = -1;
            return false;
        }
        if (fr.WireCount > 0)
        {
            fr.WireCount = 0;
            DecrementWired();
        }
        PushFree(frame);
        return true;
    }

    /// <summary>Frees an orphaned frame whose last hold went away.</summary>
    public void ReleaseOrphan(int frame)
    {
        Debug.Assert(_frames[frame].State == FrameState.Orphaned && _frames[frame].WireCount == 0);
        PushFree(frame);
    }

    /// <summary>
    /// Adds one wiring (<c>uvm_pagewire</c>): <c>wired++</c> when the count leaves 0; with
    /// diagnostics on, a count that wraps to 0 panics <c>pg-&gt;wire_count &gt; 0</c>.
    /// </summary>
    public void Wire(int frame)
    {
        UndoLog.Element(_frames, frame);
        ref Frame fr = ref _frames[frame];
        if (fr.WireCount == 0)
        {
            Stats.Wired++;
            Index(frame);
        }
        fr.WireCount++;
        if (fr.WireCount == 0)
        {
            if (Diagnostics)
            {
                throw new KernelPanic(KernelPanic.AssertionMessage("pg->wire_count > 0", PageFile));
            }
        }
    }

    /// <summary>
    /// <see cref="Wire"/> over a run of an object's frames, as one loop with the global
    /// counter kept in a register: SysV and shared-mapping wirings walk an object's pages in
    /// order. It stops before a missing page (a negative frame) and before a frame whose count
    /// would wrap, so the caller takes that one the one-page way (and meets the assertion)
    /// with everything before it already done.
    /// =&gt; how many frames were wired.
    /// </summary>
    public int WireRun(ReadOnlySpan<int> frames)
    {
        UndoLog? log = UndoLog.Active;
        return log is null ? WireRunLogged(frames, default(Unlogged)) : WireRunLogged(frames, new Logged(log));
    }

    /// <summary>
    /// <see cref="WireRun(ReadOnlySpan{int})"/> with the undo log a type argument, so the JIT
    /// compiles a loop without the log (and without any call, its counters in registers) apart
    /// from the one that saves each frame. A frame's first wiring while it is not yet listed
    /// for the auditor leaves the loop and goes through <see cref="Wire"/>.
    /// </summary>
    private int WireRunLogged<TLog>(ReadOnlySpan<int> frames, TLog log)
        where TLog : struct, IFrameLog
    {
        int i = 0;
        while (true)
        {
            i += WireStretch(frames[i..], log, out bool unlisted);
            if (!unlisted)
            {
                return i;
            }
            Wire(frames[i]); // 0 -> 1, so it cannot wrap
            i++;
        }
    }

    /// <summary>
    /// The loop of <see cref="WireRunLogged{TLog}"/>: wires frames until one is missing, would wrap,
    /// or is wired first while unlisted (<paramref name="unlisted"/>, left to the caller).
    /// </summary>
    private int WireStretch<TLog>(ReadOnlySpan<int> frames, TLog log, out bool unlisted)
        where TLog : struct, IFrameLog
    {
        // Indexed without bounds checks: a frame outside the pool (negative: a missing page)
        // ends the run, and the caller's one-page call meets it.
        Frame[] array = _frames;
        ref Frame all = ref MemoryMarshal.GetArrayDataReference(array);
        uint size = (uint)array.Length;
        long wired = 0;
        unlisted = false;
        int i = 0;
        for (; i < frames.Length; i++)
        {
            int frame = frames[i];
            if ((uint)frame >= size)
            {
                break;
            }
            ref Frame fr = ref Unsafe.Add(ref all, frame);
            ushort next = (ushort)(fr.WireCount + 1);
            if (next <= 1)
            {
                // One test for the rare cases: a count about to wrap (the caller's one-page
                // call meets it) and a first wiring, which lists the frame unless it is listed.
                if (next == 0)
                {
                    break;
                }
                if (fr.Indexed == 0)
                {
                    unlisted = true;
                    break;
                }
                wired++;
            }
            log.Save(array, frame);
            fr.WireCount = next;
        }
        Stats.Wired += wired;
        return i;
    }

    /// <summary>
    /// <see cref="Unwire"/> over a run of an object's frames (the reverse of
    /// <see cref="WireRun(ReadOnlySpan{int})"/>). It stops before a missing page, before a frame whose count is
    /// already 0 and before a drop of the global counter below 0, so the caller meets
    /// NetBSD's assertions through <see cref="Unwire"/> in the state the page-by-page walk would.
    /// =&gt; how many frames were unwired.
    /// </summary>
    public int UnwireRun(ReadOnlySpan<int> frames)
    {
        UndoLog? log = UndoLog.Active;
        return log is null ? UnwireRunLogged(frames, default(Unlogged)) : UnwireRunLogged(frames, new Logged(log));
    }

    /// <summary>The loop of <see cref="UnwireRun(ReadOnlySpan{int})"/>, compiled once per kind of log (see <see cref="WireRunLogged{TLog}"/>).</summary>
    private int UnwireRunLogged<TLog>(ReadOnlySpan<int> frames, TLog log)
        where TLog : struct, IFrameLog
    {
        Frame[] array = _frames;
        ref Frame all = ref MemoryMarshal.GetArrayDataReference(array);
        uint size = (uint)array.Length;
        long wired = Stats.Wired;
        uint clock = _clock;
        int i = 0;
        for (; i < frames.Length; i++)
        {
            int frame = frames[i];
            if ((uint)frame >= size)
            {
                break;
            }
            ref Frame fr = ref Unsafe.Add(ref all, frame);
            ushort count = fr.WireCount;
            if (count <= 1)
            {
                // One test for the rare cases: a count already at 0, the last wiring, and
                // the global counter at 0.
                if (count == 0 || wired == 0)
                {
                    break;
                }
                log.Save(array, frame);
                fr.Stamp = ++clock;
                wired--;
            }
            else
            {
                log.Save(array, frame);
            }
            fr.WireCount = (ushort)(count - 1);
        }
        Stats.Wired = wired;
        UndoLog.Touch(this);
        _clock = clock;
        return i;
    }

    /// <summary>How a frame run saves a frame before changing it: a type argument, so the run without a log compiles to a loop with no call.</summary>
    private interface IFrameLog
    {
        /// <summary>Before <paramref name="frames"/>[<paramref name="index"/>] changes.</summary>
        void Save(Frame[] frames, int index);
    }

    /// <summary>No undo log is active: nothing to save.</summary>
    private readonly struct Unlogged : IFrameLog
    {
        public void Save(Frame[] frames, int index)
        {
        }
    }

    /// <summary>The active undo log saves each frame (<see cref="UndoLog.SaveElement{T}"/>).</summary>
    private readonly struct Logged(UndoLog log) : IFrameLog
    {
        public void Save(Frame[] frames, int index) => log.SaveElement(frames, index);
    }

    /// <summary>
    /// Drops one wiring (<c>uvm_pageunwire</c>). With diagnostics on, a count of 0 panics
    /// <c>pg-&gt;wire_count != 0</c> before anything changes; with them off it wraps to 65535
    /// and <c>wired</c> is untouched: the silent leak of S28. At 0 the frame is restamped.
    /// =&gt; returns true when the count reached 0.
    /// </summary>
    public bool Unwire(int frame)
    {
        UndoLog.Touch(this);
        UndoLog.Element(_frames, frame);
        ref Frame fr = ref _frames[frame];
        if (fr.WireCount == 0)
        {
            if (Diagnostics)
            {
                throw new KernelPanic(KernelPanic.AssertionMessage("pg->wire_count != 0", PageFile));
            }
            fr.WireCount = ushort.MaxValue;
            Index(frame);
            return false;
        }
        fr.WireCount--;
        if (fr.WireCount != 0)
        {
            return false;
        }
        fr.Stamp = ++_clock;
        DecrementWired();
        return true;
    }

    private void DecrementWired()
    {
        if (Stats.Wired == 0 && Diagnostics)
        {
            throw new KernelPanic(KernelPanic.AssertionMessage("uvmexp.wired != 0", PageFile));
        }
        Stats.Wired--;
    }

    private void PushFree(int frame)
    {
        UndoLog.Touch(this);
        UndoLog.Element(_frames, frame);
        ref Frame fr = ref _frames[frame];
        fr.State = FrameState.Free;
        fr.WireCount = 0;
        fr.Offset = 0;
        fr.Owner = _freeHead;
        _freeHead = frame;
        Stats.Free++;
    }
}
