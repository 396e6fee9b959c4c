using CsCheck;
using UvmSim.Fault;
using UvmSim.Map;

namespace UvmSim.Tests.Fault;

/// <summary>
/// The bulk pmap operations wiring uses must equal their one-page forms: <see cref="Pmap.EnterRun"/>
/// against <see cref="Pmap.Enter"/> page by page, <see cref="Pmap.UnwireRange"/> against
/// <see cref="Pmap.Unwire"/>, over leaves that hold a mix of absent, unwired, wired and
/// differently mapped translations, across leaf boundaries.
/// </summary>
public class PmapRunTests
{
    private const int Shift = 12;

    /// <summary>A translation already there before the run: absent, or a frame with its wired bit.</summary>
    private static readonly Gen<(int Frame, bool Wired)?> Before =
        Gen.Select(Gen.Int[0, 6], Gen.Int[0, 40], Gen.Bool, (kind, f, w) => kind < 2 ? null : ((int, bool)?)(f, w));

    private static readonly Gen<(ulong FirstPage, (int Frame, bool Wired)?[] Old, int[] Frames, bool Wired, bool SameFrames)> Case =
        Gen.Select(Gen.ULong[500, 530], Before.Array[1, 40], Gen.Int[0, 40].Array[1, 40], Gen.Bool, Gen.Bool,
            (p, o, f, w, same) => (p, o, f, w, same));

    [Fact]
    public void EnterRun_equals_entering_page_by_page() =>
        Case.Sample(c =>
        {
            int[] frames = c.SameFrames ? c.Old.Select((o, i) => o?.Frame ?? i).ToArray() : c.Frames;
            ulong va = c.FirstPage << Shift;
            (Pmap byPage, PvTable pvA) = Prepared(c.FirstPage, c.Old);
            (Pmap byRun, PvTable pvB) = Prepared(c.FirstPage, c.Old);
            for (int i = 0; i < frames.Length; i++)
            {
                byPage.Enter(va + ((ulong)i << Shift), frames[i], Protection.ReadWrite, c.Wired);
            }
            byRun.EnterRun(va, frames, Protection.ReadWrite, c.Wired);
            AssertSame(byPage, pvA, byRun, pvB);
        });

    [Fact]
    public void UnwireRange_equals_unwiring_page_by_page() =>
        Case.Sample(c =>
        {
            ulong va = c.FirstPage << Shift;
            ulong end = va + ((ulong)c.Frames.Length << Shift);
            (Pmap byPage, PvTable pvA) = Prepared(c.FirstPage, c.Old);
            (Pmap byRun, PvTable pvB) = Prepared(c.FirstPage, c.Old);
            for (ulong a = va; a < end; a += 1UL << Shift)
            {
                byPage.Unwire(a);
            }
            byRun.UnwireRange(va, end);
            AssertSame(byPage, pvA, byRun, pvB);
        });

    [Fact]
    public void CountWired_and_ClearWired_agree_with_the_bytes() =>
        Gen.Byte.Array[0, 70].Sample(bytes =>
        {
            int wired = bytes.Count(b => (b & PteBits.Wired) != 0);
            Assert.Equal(wired, PteBits.CountWired(bytes));
            byte[] cleared = (byte[])bytes.Clone();
            Assert.Equal(wired, PteBits.ClearWired(cleared));
            Assert.Equal(bytes.Select(b => (byte)(b & ~PteBits.Wired)), cleared);
        });

    private static (Pmap, PvTable) Prepared(ulong firstPage, (int Frame, bool Wired)?[] old)
    {
        var pv = new PvTable();
        var pmap = new Pmap(pv, Shift);
        for (int i = 0; i < old.Length; i++)
        {
            if (old[i] is { } t)
            {
                pmap.Enter((firstPage + (ulong)i) << Shift, t.Frame, Protection.Read, t.Wired);
            }
        }
        return (pmap, pv);
    }

    private static void AssertSame(Pmap expected, PvTable expectedPv, Pmap actual, PvTable actualPv)
    {
        Assert.Equal(expected.All.ToList(), actual.All.ToList());
        Assert.Equal(expected.WiredCount, actual.WiredCount);
        Assert.Equal(expected.Count, actual.Count);
        for (int f = 0; f <= 40; f++)
        {
            Assert.Equal(expectedPv.MappingsOf(f), actualPv.MappingsOf(f));
        }
    }

    [Fact]
    public void Leaves_are_walked_in_the_order_made_and_an_undo_of_RemoveAll_puts_them_back()
    {
        // The first leaf lives in fields and the later ones in a dictionary made for them:
        // the walk is still the order the leaves were made in, before and after RemoveAll.
        var pv = new PvTable();
        var pmap = new Pmap(pv, Shift);
        ulong high = 5000UL << Shift, low = 3UL << Shift, mid = 1200UL << Shift;
        pmap.Enter(high, 1, Protection.ReadWrite, wired: true);
        pmap.Enter(low, 2, Protection.Read, wired: false);
        pmap.Enter(mid, 3, Protection.ReadWrite, wired: false);
        Assert.Equal([high, low, mid], pmap.All.Select(t => t.Va).ToArray());
        Assert.Equal(mid, pmap.NextMapped(low + (1UL << Shift), high));
        var log = new UvmSim.Undo.UndoLog();
        log.Activate();
        try
        {
            int mark = log.Mark();
            pmap.RemoveAll();
            Assert.Empty(pmap.All);
            pmap.Enter(mid, 4, Protection.Read, wired: false);
            Assert.Equal([mid], pmap.All.Select(t => t.Va).ToArray());
            log.Undo(mark);
        }
        finally
        {
            UvmSim.Undo.UndoLog.Deactivate();
        }
        Assert.Equal([(high, 1), (low, 2), (mid, 3)], pmap.All.Select(t => (t.Va, t.Pte.Frame)).ToArray());
        Assert.Equal(3, pmap.Count);
        Assert.Equal(1, pmap.WiredCount);
        Assert.Equal(1, pv.MappingsOf(3));
        Assert.Equal(0, pv.MappingsOf(4));
    }
}
