using UvmSim.Objects;
using UvmSim.Physical;

namespace UvmSim.Fault;

// The page daemon (uvm_pdaemon.c), as a part of the machine: it needs the owners, the
// reverse mappings and swap, which only Vm holds together.
public sealed partial class Vm
{
    /// <summary>Scratch for <see cref="Reclaim"/>, one per thread (kernels of parallel jobs run at once): no state, and nothing per boot (issue 17).</summary>
    [ThreadStatic]
    private static List<(uint Stamp, int Frame)>? t_candidates;

    /// <summary>
    /// Reclaims unwired in-use frames, oldest activation stamp first (SPEC §3.6). With
    /// <paramref name="untilFree"/> it stops once <paramref name="limit"/> frames are free;
    /// otherwise it reclaims at most <paramref name="limit"/> frames (<c>pagedaemon N</c>).
    /// Wired and orphaned frames are never taken; anonymous pages are skipped when swap is full.
    /// =&gt; returns how many frames it reclaimed.
    /// </summary>
    public long Reclaim(long limit, bool untilFree)
    {
        var candidates = t_candidates ??= [];
        candidates.Clear();
        for (int f = 0; f < Frames.Made; f++) // frames not made yet are free
        {
            ref Frame fr = ref Frames[f];
            if (fr.State == FrameState.InUse && fr.WireCount == 0)
            {
                candidates.Add((fr.Stamp, f));
            }
        }
        candidates.Sort();
        long reclaimed = 0;
        foreach (var (_, f) in candidates)
        {
            if (untilFree ? Stats.Free >= limit : reclaimed >= limit)
            {
                break;
            }
            if (Evict(f))
            {
                reclaimed++;
            }
        }
        return reclaimed;
    }

    /// <summary>
    /// Slots "unlimited" swap stands for: the simulator keeps swapped pages in memory, so a
    /// scenario touching terabytes must meet a limit somewhere; past it anonymous pages stay
    /// resident and allocation fails with <c>ENOMEM</c>, as with a full swap device.
    /// </summary>
    public const long UnlimitedSwapSlots = 1L << 20;

    private bool SwapFull => SwapUsed >= (Config.Swap ?? UnlimitedSwapSlots);

    private bool Evict(int frame)
    {
        ref Frame fr = ref Frames[frame];
        switch (Owners[fr.Owner])
        {
            case Anon anon:
                if (SwapFull)
                {
                    return false;
                }
                anon.Frame = -1;
                anon.OnSwap = true;
                SwapUsed++;
                break;
            case AnonObject aobj:
                if (SwapFull)
                {
                    return false;
                }
                aobj.RemovePage(fr.Offset);
                aobj.MarkSwapped(fr.Offset, true);
                SwapUsed++;
                break;
            case UvmObject obj:
                obj.RemovePage(fr.Offset);
                break;
            default:
                return false;
        }
        ReleaseFrame(frame);
        return true;
    }
}
