using UvmSim.Undo;
using UvmSim.Map;
using UvmSim.Objects;
using UvmSim.Physical;
using UvmSim.Policies;

namespace UvmSim.Fault;

/// <summary>
/// The machine-wide VM state every address space shares: frames, owners, reverse mappings,
/// swap, transient holds, and the policy in force. It owns the page lifecycle (allocate with
/// the page daemon's help, free, swap in and out) so that no layer above frees a frame
/// without removing its translations.
/// </summary>
public sealed partial class Vm
{
    private static readonly Dictionary<int, int> s_noHolds = [];

    /// <summary>Transient holds per frame; made with the first one (only <c>transient=held</c> records any: issue 17).</summary>
    private Dictionary<int, int>? _holds;
    /// <summary>Scratch for <see cref="ReleaseAmapUse"/>, one per thread (kernels of parallel jobs run at once): no state, and nothing per boot (issue 17).</summary>
    [ThreadStatic]
    private static List<(long Slot, Anon Anon)>? t_scratch;

    /// <summary>Boots a machine.</summary>
    public Vm(MachineConfig config, Policy policy)
    {
        Config = config;
        Policy = policy;
        PageSize = config.PageSize;
        PageShift = System.Numerics.BitOperations.Log2((uint)config.PageSize);
        Frames = new FramePool(config.Pages, config.EffectiveWiredMax, config.Diagnostics);
        UnwireBy = UnwireStrategy.For(policy.UnwireBy);
    }

    /// <summary>The machine's configuration.</summary>
    public MachineConfig Config { get; }

    /// <summary>The switches in force.</summary>
    public Policy Policy { get; }

    /// <summary>Page size in bytes.</summary>
    public int PageSize { get; }

    /// <summary>log2 of the page size.</summary>
    public int PageShift { get; }

    /// <summary>Physical memory.</summary>
    public FramePool Frames { get; }

    /// <summary>Frame owner ids.</summary>
    public OwnerRegistry Owners { get; } = new();

    /// <summary>Reverse mappings.</summary>
    public PvTable Pv { get; } = new();

    /// <summary>What <c>FaultUnwire</c> unwires (switch <c>unwire-by</c>).</summary>
    public IUnwireStrategy UnwireBy { get; }

    /// <summary>Swap slots in use.</summary>
    public long SwapUsed { get; private set => UndoLog.Set(this, ref field, value); }

    /// <summary>The global counters.</summary>
    public VmStats Stats => Frames.Stats;

    /// <summary>Transient holds per frame (<c>transient=held</c>): frames that survive their owner.</summary>
    public IReadOnlyDictionary<int, int> Holds => _holds ?? s_noHolds;

    /// <summary>Page-aligns down.</summary>
    public ulong Trunc(ulong va) => va & ~((ulong)PageSize - 1);

    /// <summary>Pages in <paramref name="bytes"/> (which must be page-aligned).</summary>
    public long PagesOf(ulong bytes) => (long)(bytes >> PageShift);

    /// <summary>
    /// A free frame for <paramref name="owner"/>, running the page daemon when none is free
    /// (SPEC §3.6); -1 when it still finds none (the caller returns <c>ENOMEM</c>).
    /// </summary>
    public int AllocateFrame(int owner, int offset)
    {
        int f = Frames.Allocate(owner, offset);
        if (f < 0)
        {
            Reclaim(Config.EffectiveFreeTarget, untilFree: true);
            f = Frames.Allocate(owner, offset);
        }
        return f;
    }

    /// <summary>
    /// Frees a frame whose owner let go of it: translations go, and a frame still wired keeps
    /// only its transient holds, orphaned, or is cleared with one <c>wired--</c> (SPEC §3.1).
    /// </summary>
    public void ReleaseFrame(int frame)
    {
        Pv.RemoveAll(frame);
        int holds = _holds is not null && _holds.TryGetValue(frame, out int h) ? h : 0; // only transient=held records holds
        Frames.Release(frame, holds);
    }

    /// <summary>Records one transient hold on <paramref name="frame"/> (<c>transient=held</c>).</summary>
    public void AddHold(int frame)
    {
        UndoLog.Touch(this);
        Dictionary<int, int> holds = _holds ??= []; // after the touch: the field's change is logged
        holds[frame] = holds.TryGetValue(frame, out int h) ? h + 1 : 1;
    }

    /// <summary>Drops one transient hold; an orphan whose count reaches 0 is freed.</summary>
    public void DropHold(int frame)
    {
        if (_holds is not null && _holds.TryGetValue(frame, out int h))
        {
            UndoLog.Touch(this);
            if (h <= 1)
            {
                _holds.Remove(frame);
            }
            else
            {
                _holds[frame] = h - 1;
            }
        }
    }

    /// <summary>A new zero-filled anon in a fresh frame, or null when memory is exhausted.</summary>
    public Anon? NewAnon()
    {
        var anon = new Anon();
        Owners.Register(anon);
        int f = AllocateFrame(anon.OwnerId, 0);
        if (f < 0)
        {
            Owners.Unregister(anon);
            return null;
        }
        anon.Frame = f;
        return anon;
    }

    /// <summary>Brings an anon back from swap; false when memory is exhausted.</summary>
    public bool SwapIn(Anon anon)
    {
        if (anon.Resident)
        {
            return true;
        }
        int f = AllocateFrame(anon.OwnerId, 0);
        if (f < 0)
        {
            return false;
        }
        anon.Frame = f;
        if (anon.OnSwap)
        {
            anon.OnSwap = false;
            SwapUsed--;
        }
        return true;
    }

    /// <summary>Drops one reference to an anon, freeing its page and swap slot at the last.</summary>
    public void ReleaseAnon(Anon anon)
    {
        if (--anon.RefCount > 0)
        {
            return;
        }
        if (anon.Resident)
        {
            ReleaseFrame(anon.Frame);
            anon.Frame = -1;
        }
        if (anon.OnSwap)
        {
            anon.OnSwap = false;
            SwapUsed--;
        }
        Owners.Unregister(anon);
    }

    /// <summary>
    /// The frame of page <paramref name="index"/> of <paramref name="obj"/>, created (zero-fill
    /// or from swap for anonymous objects, from the file for file objects) if missing.
    /// =&gt; <c>EFAULT</c> beyond a file's end, <c>ENOMEM</c> when no frame can be had.
    /// </summary>
    public Errno ObjectPage(UvmObject obj, long index, out int frame)
    {
        frame = obj.FrameAt(index);
        if (frame >= 0)
        {
            return Errno.None;
        }
        if (index < 0 || (obj.SizePages >= 0 && index >= obj.SizePages))
        {
            return Errno.EFAULT;
        }
        frame = AllocateFrame(obj.OwnerId, (int)index);
        if (frame < 0)
        {
            return Errno.ENOMEM;
        }
        obj.SetPage(index, frame);
        if (obj.WiresNewPages)
        {
            Frames.Wire(frame);
        }
        if (obj is AnonObject aobj && aobj.IsOnSwap(index))
        {
            aobj.MarkSwapped(index, false);
            SwapUsed--;
        }
        return Errno.None;
    }

    /// <summary>Registers a new object with the owner registry.</summary>
    public T NewObject<T>(T obj) where T : UvmObject
    {
        Owners.Register(obj);
        return obj;
    }

    /// <summary>Drops one reference to an object; at the last its pages and swap slots are freed.</summary>
    public void ReleaseObject(UvmObject obj)
    {
        if (--obj.RefCount > 0)
        {
            return;
        }
        foreach (var (_, frame) in obj.Pages) // freeing a frame leaves the object's chunks as they are
        {
            ReleaseFrame(frame);
        }
        if (obj is AnonObject aobj)
        {
            SwapUsed -= aobj.SwappedPages;
        }
        Owners.Unregister(obj);
    }

    /// <summary>
    /// Ends <paramref name="user"/>'s use of <paramref name="amap"/> (<c>amap_unref</c>): every
    /// anon in its range that no other user covers loses the amap's reference and its slot.
    /// </summary>
    public void ReleaseAmapUse(Amap amap, MapEntry user)
    {
        amap.RemoveUser(user);
        List<(long Slot, Anon Anon)> scratch = t_scratch ??= [];
        scratch.Clear();
        foreach (var (slot, anon) in amap.AnonsIn(user.AmapOffset, PagesOf(user.Size)))
        {
            if (!amap.Covered(slot))
            {
                scratch.Add((slot, anon));
            }
        }
        foreach (var (slot, anon) in scratch)
        {
            amap[slot] = null;
            ReleaseAnon(anon);
        }
    }

    /// <summary>
    /// Releases what a removed entry referenced: its amap slots (anons no other entry
    /// references are freed) and its object reference.
    /// </summary>
    public void ReleaseEntry(MapEntry entry)
    {
        if (entry.Amap is { } amap)
        {
            ReleaseAmapUse(amap, entry);
        }
        if (entry.Object is { } obj)
        {
            ReleaseObject(obj);
        }
    }
}
