using CsCheck;
using UvmSim.Fault;
using UvmSim.Kernel;
using UvmSim.Map;
using UvmSim.Physical;
using UvmSim.Policies;

namespace UvmSim.Tests.Fault;

/// <summary>
/// The anonymous runs of <see cref="FaultHandler.FaultWire"/> and
/// <see cref="FaultHandler.FaultUnwire"/> (a range inside one private entry with its own
/// amap) must leave exactly what the page-by-page walks leave — frames, <c>wired</c>, the
/// pmap and the panic — over pages untouched, resident, shared with a child (copy-on-write),
/// counts about to wrap or already at 0, with diagnostics on and off, across the run buffer.
/// </summary>
public class AnonRunTests
{
    /// <summary>Per page: 0 untouched, 1 written before the fork (shared with the child), 2 written after it too, 3 read only.</summary>
    /// <summary>Before an unwire (<c>Wiring</c>): 0 fault-wired, 1 mlocked (the entry stays wired), 2 counts planted at 1 without <c>wired</c> (it reaches 0).</summary>
    private static readonly Gen<(int[] Kinds, int[] Planted, bool Diagnostics, int Wiring)> Case =
        Gen.Select(Gen.Int[0, 3].Array[1, 150], Gen.Int[0, 40].Array[1, 150], Gen.Bool, Gen.Int[0, 2]);

    [Fact]
    public void FaultWire_of_an_anonymous_run_equals_the_page_by_page_walk() =>
        Case.Sample(c =>
        {
            // The walk that keeps the frames it wired (held transient wiring) goes page by page.
            (UvmSim.Kernel.Kernel a, Process pa, ulong va, ulong end) = Boot(c, unwire: false);
            (UvmSim.Kernel.Kernel b, Process pb, _, _) = Boot(c, unwire: false);
            string expected = Outcome(() => b.Faults.FaultWire(pb.Space, va, end, Protection.Read, useMax: true, wired: []));
            string actual = Outcome(() => a.Faults.FaultWire(pa.Space, va, end, Protection.Read, useMax: true));
            Assert.Equal(expected, actual);
            AssertSame(b, pb, a, pa);
        });

    [Fact]
    public void FaultUnwire_of_an_anonymous_run_equals_unwiring_page_by_page() =>
        Case.Sample(c =>
        {
            (UvmSim.Kernel.Kernel a, Process pa, ulong va, ulong end) = Boot(c, unwire: true);
            (UvmSim.Kernel.Kernel b, Process pb, _, _) = Boot(c, unwire: true);
            ulong page = (ulong)a.PageSize;
            string expected = Outcome(() =>
            {
                for (ulong v = va; v < end; v += page)
                {
                    b.Faults.FaultUnwire(pb.Space, v, v + page);
                }
                return Errno.None;
            });
            string actual = Outcome(() =>
            {
                a.Faults.FaultUnwire(pa.Space, va, end);
                return Errno.None;
            });
            Assert.Equal(expected, actual);
            AssertSame(b, pb, a, pa);
        });

    /// <summary>
    /// A process whose private anonymous mapping has the pages <paramref name="c"/> describes
    /// (a child shares those written before the fork); for an unwire the range is wired first,
    /// by mlock (the entry stays wired) or by fault-wiring alone.
    /// </summary>
    private static (UvmSim.Kernel.Kernel, Process, ulong, ulong) Boot((int[] Kinds, int[] Planted, bool Diagnostics, int Wiring) c, bool unwire)
    {
        var k = new UvmSim.Kernel.Kernel(new MachineConfig { Pages = 1024, Diagnostics = c.Diagnostics }, Policy.FromPreset(PresetNames.Dual)!);
        Process p = k.CreateProcess(0, 0)!;
        ulong page = (ulong)k.PageSize;
        ulong len = (ulong)c.Kinds.Length * page;
        ulong va = k.Mmap(p, len, Protection.ReadWrite, MapFlags.Private | MapFlags.Anon).Value;
        for (int i = 0; i < c.Kinds.Length; i++)
        {
            if (c.Kinds[i] is 1 or 2)
            {
                Assert.True(k.Touch(p, va + ((ulong)i * page), page, write: true).Ok);
            }
        }
        Assert.True(k.Fork(p, out _).Ok);
        for (int i = 0; i < c.Kinds.Length; i++)
        {
            if (c.Kinds[i] is 2 or 3)
            {
                Assert.True(k.Touch(p, va + ((ulong)i * page), page, write: c.Kinds[i] == 2).Ok);
            }
        }
        if (unwire && c.Wiring < 2)
        {
            Assert.True(c.Wiring == 1 ? k.Mlock(p, va, len).Ok : k.Faults.FaultWire(p.Space, va, va + len, Protection.Read, useMax: true) == Errno.None);
        }
        for (int i = 0; i < c.Kinds.Length; i++)
        {
            int frame = k.Faults.PageAt(p.Space.Map.Lookup(va)!, va + ((ulong)i * page));
            int planted = c.Planted[i % c.Planted.Length];
            if (frame >= 0 && planted == 0)
            {
                // A wire meets a count about to wrap; an unwire meets a count already at 0.
                k.Vm.Frames[frame].WireCount = unwire ? (ushort)0 : ushort.MaxValue;
            }
            else if (frame >= 0 && unwire && c.Wiring == 2)
            {
                k.Vm.Frames[frame].WireCount = 1;
            }
        }
        return (k, p, va, va + len);
    }

    /// <summary>The call's error, or the panic it died of.</summary>
    private static string Outcome(Func<Errno> run)
    {
        try
        {
            return run().ToString();
        }
        catch (KernelPanic panic)
        {
            return "panic: " + panic.Message;
        }
    }

    private static void AssertSame(UvmSim.Kernel.Kernel expected, Process pe, UvmSim.Kernel.Kernel actual, Process pa)
    {
        Assert.Equal(expected.Vm.Frames.Stats.Wired, actual.Vm.Frames.Stats.Wired);
        for (int f = 0; f < expected.Vm.Frames.Count; f++)
        {
            Assert.Equal(expected.Vm.Frames[f], actual.Vm.Frames[f]);
        }
        Assert.Equal(pe.Space.Pmap.All.OrderBy(t => t.Va).ToList(), pa.Space.Pmap.All.OrderBy(t => t.Va).ToList());
        Assert.Equal(pe.Space.Pmap.WiredCount, pa.Space.Pmap.WiredCount);
    }
}
