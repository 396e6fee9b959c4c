using UvmSim.Checking;
using UvmSim.Kernel;
using UvmSim.Map;
using UvmSim.Physical;
using UvmSim.SysV;
using static UvmSim.Tests.Kernel.KernelTestHelpers;

namespace UvmSim.Tests.Checking;

public class AuditorTests
{
    /// <summary>A kernel with a touched mapping, an mlocked mapping, an untouched mapping and a locked segment.</summary>
    private sealed class World
    {
        public global::UvmSim.Kernel.Kernel K { get; } = NewKernel();
        public Process P { get; }
        public ulong Touched { get; }
        public ulong Locked { get; }
        public ulong Untouched { get; }
        public Segment Segment { get; }

        public World()
        {
            P = K.CreateProcess(0, 0)!;
            Touched = MapAnon(K, P, 2);
            Assert.True(K.Touch(P, Touched, 2 * P_, write: true).Ok);
            Locked = MapAnon(K, P, 2);
            Assert.True(K.Mlock(P, Locked, 2 * P_).Ok);
            Untouched = MapAnon(K, P, 2, Protection.Read);
            var id = K.Shm.Shmget(P, null, 2 * P_, 0x180);
            Assert.True(id.Ok);
            Assert.True(K.Shm.Shmat(P, id.Value, 0, 0).Ok);
            Assert.True(K.Shm.Shmctl(P, id.Value, ShmCommand.ShmLock).Ok);
            Segment = K.Shm.Find(id.Value)!;
            Assert.Empty(Auditor.Audit(K));
        }

        private const ulong P_ = UvmSim.Tests.Kernel.KernelTestHelpers.P;

        public MapEntry Entry(ulong va) => P.Space.Map.Lookup(va)!;

        public int Frame(ulong va) => FrameAt(K, P, va);

        public int AnyFreeFrame()
        {
            for (int f = 0; f < K.Vm.Frames.Count; f++)
            {
                if (K.Vm.Frames[f].State == FrameState.Free)
                {
                    return f;
                }
            }
            throw new InvalidOperationException("no free frame");
        }
    }

    private static void AssertReports(World w, ViolationKind kind)
    {
        var found = Auditor.Audit(w.K);
        Assert.Contains(found, v => v.Kind == kind);
    }

    [Fact]
    public void A_clean_kernel_audits_clean()
    {
        var w = new World();
        Assert.Empty(Auditor.Audit(w.K));
        Assert.Empty(Auditor.Audit(NewKernel()));
    }

    [Fact]
    public void An_unaligned_entry_is_a_map_violation()
    {
        var w = new World();
        w.Entry(w.Untouched).End -= 1;
        AssertReports(w, ViolationKind.Map);
    }

    [Fact]
    public void An_extra_wiring_on_a_locked_frame_is_a_leak()
    {
        var w = new World();
        w.K.Vm.Frames[w.Frame(w.Locked)].WireCount++;
        var found = Auditor.Audit(w.K);
        Assert.Equal([ViolationKind.Leak], found.Select(v => v.Kind));
    }

    [Fact]
    public void A_wired_frame_with_no_holder_is_a_leak()
    {
        var w = new World();
        int f = w.Frame(w.Touched);
        w.K.Vm.Frames[f].WireCount = 1;
        w.K.Vm.Stats.Wired++;
        var found = Auditor.Audit(w.K);
        Assert.Equal([ViolationKind.Leak], found.Select(v => v.Kind));
        Assert.Contains(found, v => v.Detail.Contains($"frame {f}", StringComparison.Ordinal));
    }

    [Fact]
    public void An_entry_wired_without_frame_wirings_is_underwired()
    {
        var w = new World();
        w.Entry(w.Touched).WiredCount = 1;
        var found = Auditor.Audit(w.K);
        Assert.Equal([ViolationKind.Underwired, ViolationKind.Underwired], found.Select(v => v.Kind));
    }

    [Fact]
    public void A_wired_counter_off_by_one_is_a_counter_violation()
    {
        var w = new World();
        w.K.Vm.Stats.Wired++;
        var found = Auditor.Audit(w.K);
        Assert.Equal([ViolationKind.Counter], found.Select(v => v.Kind));
    }

    [Fact]
    public void A_wired_free_frame_is_free_wired()
    {
        var w = new World();
        int f = w.AnyFreeFrame();
        w.K.Vm.Frames[f].WireCount = 1;
        w.K.Vm.Stats.Wired++;
        AssertReports(w, ViolationKind.FreeWired);
    }

    [Fact]
    public void A_wired_entry_without_pages_is_nonresident()
    {
        var w = new World();
        w.Entry(w.Untouched).WiredCount = 1;
        var found = Auditor.Audit(w.K);
        Assert.Equal(2, found.Count(v => v.Kind == ViolationKind.Nonresident));
    }

    [Fact]
    public void A_locked_mark_without_object_wiring_is_a_segment_violation()
    {
        var w = new World();
        w.Segment.Locked = false;
        AssertReports(w, ViolationKind.Segment);
    }

    [Fact]
    public void Object_wiring_without_a_locked_mark_is_a_segment_violation()
    {
        var w = new World();
        w.Segment.ObjectWired = false;
        AssertReports(w, ViolationKind.Segment);
    }

    [Fact]
    public void A_posix_locked_page_that_is_not_wired_is_a_lost_lock()
    {
        var w = new World();
        w.P.PosixLocked.Add(w.Touched, w.Touched + P);
        var found = Auditor.Audit(w.K);
        Assert.Equal([ViolationKind.LostLock], found.Select(v => v.Kind));
    }

    [Fact]
    public void An_unwired_mlocked_page_is_a_lost_lock()
    {
        var w = new World();
        int f = w.Frame(w.Locked);
        w.K.Vm.Frames[f].WireCount = 0;
        w.K.Vm.Stats.Wired--;
        var found = Auditor.Audit(w.K);
        Assert.Contains(found, v => v.Kind == ViolationKind.LostLock);
        Assert.Contains(found, v => v.Kind == ViolationKind.Underwired);
    }

    [Fact]
    public void Several_plantings_are_all_reported()
    {
        var w = new World();
        w.Entry(w.Untouched).End -= 1;                      // map (and nonresident: the entry is wired below)
        w.K.Vm.Frames[w.Frame(w.Locked)].WireCount++;       // leak
        w.Entry(w.Touched).WiredCount = 1;                  // underwired
        w.K.Vm.Stats.Wired += 5;                            // counter
        w.K.Vm.Frames[w.AnyFreeFrame()].WireCount = 1;      // free-wired
        w.Entry(w.Untouched).WiredCount = 1;                // nonresident
        w.Segment.Locked = false;                           // segment
        w.P.PosixLocked.Add(w.Untouched, w.Untouched + P);  // lost-lock
        var kinds = Auditor.Audit(w.K).Select(v => v.Kind).ToHashSet();
        foreach (var kind in Enum.GetValues<ViolationKind>())
        {
            Assert.Contains(kind, kinds);
        }
    }

    [Fact]
    public void A_state_that_stays_broken_is_reported_alike_by_one_auditor_and_a_fresh_one()
    {
        // An auditor remembers the findings it formatted (a broken state meets them after every
        // call): its second audit must say what a fresh auditor says, in the same order, and
        // take the remembered findings rather than make new ones.
        var w = new World();
        int a = w.AnyFreeFrame();
        w.K.Vm.Frames[a].WireCount = 1;                     // free-wired and unheld
        w.K.Vm.Frames[w.Frame(w.Locked + P)].WireCount++;   // leak, a frame further on
        w.K.Vm.Frames[w.Frame(w.Locked)].WireCount++;       // leak
        w.Entry(w.Touched).WiredCount = 1;                  // underwired
        w.Segment.Locked = false;                           // segment
        var auditor = new Auditor();
        List<Violation> first = [.. auditor.Check(w.K, full: true)];
        List<Violation> second = [.. auditor.Check(w.K, full: true)];
        Assert.Equal(Auditor.Audit(w.K), second);
        Assert.Equal(first, second);
        Assert.All(first.Zip(second).Where(pair => pair.First.Kind is ViolationKind.FreeWired or ViolationKind.Leak or ViolationKind.Underwired),
            pair => Assert.Same(pair.First, pair.Second));
        int[] leakFrames = [.. second.Where(v => v.Kind == ViolationKind.Leak && v.Detail.Contains("holders")).Select(v => int.Parse(v.Detail.Split(' ')[1]))];
        Assert.Equal(leakFrames.Order(), leakFrames); // by frame within a frame kind
        Assert.Equal(second.OrderBy(v => v.Kind).Select(v => v.Kind), second.Select(v => v.Kind));
    }

    [Fact]
    public void Violations_come_in_kind_order_and_render_with_spec_names()
    {
        var w = new World();
        w.Segment.Locked = false;
        w.K.Vm.Stats.Wired++;
        var found = Auditor.Audit(w.K);
        Assert.Equal(found.OrderBy(v => v.Kind).Select(v => v.Kind), found.Select(v => v.Kind));
        Assert.Contains(found, v => v.ToString().StartsWith("counter: ", StringComparison.Ordinal));
        Assert.Equal("free-wired", Violation.Name(ViolationKind.FreeWired));
        Assert.Equal("lost-lock", Violation.Name(ViolationKind.LostLock));
    }
}
