using CsCheck;
using UvmSim.Physical;

namespace UvmSim.Tests.Physical;

/// <summary>
/// <see cref="FramePool.WireRun"/> and <see cref="FramePool.UnwireRun"/>, driven the way the
/// object walks drive them (a run, then the frame it stopped at through the one-frame call),
/// must leave exactly the state the one-frame calls leave — counts, stamps, <c>wired</c>, the
/// lazy index and the panic — including counts at 0 and 65535, <c>wired</c> at 0, and missing
/// pages (negative frames), which both walks skip.
/// </summary>
public class FrameRunTests
{
    private const int Frames = 12;

    private static readonly Gen<ushort> Count = Gen.OneOf(Gen.Const((ushort)0), Gen.Const((ushort)1), Gen.Const((ushort)2),
        Gen.Const((ushort)(ushort.MaxValue - 1)), Gen.Const(ushort.MaxValue), Gen.UShort);

    private static readonly Gen<(ushort[] Counts, int[] Run, long Wired, bool Diagnostics)> Case =
        Gen.Select(Count.Array[Frames], Gen.Int[0, Frames - 1].ArrayUnique[0, Frames], Gen.Int[0, 7].Array[Frames], Gen.Long[0, 3], Gen.Bool,
            (c, r, missing, w, d) => (c, r.Select((f, i) => missing[i] == 0 ? -1 : f).ToArray(), w, d));

    [Fact]
    public void WireRun_then_one_frame_calls_equal_wiring_frame_by_frame() =>
        Case.Sample(c => Same(c, (pool, f) => pool.Wire(f), (pool, run) => pool.WireRun(run)));

    [Fact]
    public void UnwireRun_then_one_frame_calls_equal_unwiring_frame_by_frame() =>
        Case.Sample(c => Same(c, (pool, f) => pool.Unwire(f), (pool, run) => pool.UnwireRun(run)));

    private static void Same((ushort[] Counts, int[] Run, long Wired, bool Diagnostics) c,
        Action<FramePool, int> one, Func<FramePool, int[], int> bulk)
    {
        FramePool byFrame = Boot(c), byRun = Boot(c);
        string? expected = Catch(() =>
        {
            foreach (int f in c.Run.Where(f => f >= 0))
            {
                one(byFrame, f);
            }
        });
        string? actual = Catch(() =>
        {
            for (int i = 0; i < c.Run.Length;)
            {
                i += bulk(byRun, c.Run[i..]);
                if (i < c.Run.Length && c.Run[i++] is int f and >= 0)
                {
                    one(byRun, f);
                }
            }
        });
        Assert.Equal(expected, actual);
        Assert.Equal(byFrame.Stats.Wired, byRun.Stats.Wired);
        for (int f = 0; f < Frames; f++)
        {
            Assert.Equal(byFrame[f], byRun[f]);
        }
        Assert.Equal(byFrame.NonZero().Order(), byRun.NonZero().Order());
    }

    private static FramePool Boot((ushort[] Counts, int[] Run, long Wired, bool Diagnostics) c)
    {
        var pool = new FramePool(Frames, Frames, c.Diagnostics);
        for (int f = 0; f < Frames; f++)
        {
            pool.Allocate(0, f);
            pool[f].WireCount = c.Counts[f];
        }
        pool.Stats.Wired = c.Wired;
        return pool;
    }

    private static string? Catch(Action run)
    {
        try
        {
            run();
            return null;
        }
        catch (KernelPanic panic)
        {
            return panic.Message;
        }
    }
}
