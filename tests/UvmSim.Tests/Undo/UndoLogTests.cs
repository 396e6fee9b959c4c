using CsCheck;
using UvmSim.Checking;
using UvmSim.Exploration;
using UvmSim.Policies;
using UvmSim.Tests.Exploration;
using UvmSim.Tests.Snapshots;
using UvmSim.Undo;

namespace UvmSim.Tests.Undo;

/// <summary>
/// The exactness argument of the undo log (docs/performance.md, "The undo log"): for random
/// calls A, B and C under every preset, with diagnostics on and off, on a machine small
/// enough for the page daemon to swap, marking after A, running B (calls that fail early,
/// calls that panic and kill the kernel included) and undoing leaves, field by field, the
/// kernel a copy taken at the mark holds; with a nested mark inside B; and the undone kernel
/// then runs C exactly as the copy does.
/// </summary>
public class UndoLogTests
{
    public static TheoryData<string, bool> Presets()
    {
        var data = new TheoryData<string, bool>();
        foreach (string preset in PresetNames.Named)
        {
            data.Add(preset, true);
            data.Add(preset, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void Undoing_to_a_mark_restores_the_kernel_copied_there(string preset, bool diagnostics)
    {
        var u = new Universe(Policy.FromPreset(preset)!, Pages: 24, Procs: 2, Diagnostics: diagnostics);
        Gen.Select(DualPropertyTests.OpGen.Array[0, 30], DualPropertyTests.OpGen.Array[0, 20], DualPropertyTests.OpGen.Array[0, 20], Gen.Int[0, 20])
            .Sample((a, b, c, split) =>
        {
            OpInterpreter d = u.Boot(record: true);
            SnapshotTests.Run(d, a);
            var log = new UndoLog(); // Sample runs iterations on several threads: one log each
            log.Activate();
            try
            {
                OpInterpreter atMark = d.Copy();
                int mark = log.Mark();
                SnapshotTests.Run(d, b.Take(split));
                OpInterpreter atInner = d.Copy();
                int inner = log.Mark();
                SnapshotTests.Run(d, b.Skip(split));
                log.Undo(inner);
                SnapshotTests.AssertSame(atInner, d, "undoing to the inner mark");
                SnapshotTests.Run(d, c);
                log.Undo(mark);
                Assert.Equal(mark, log.Count);
                SnapshotTests.AssertSame(atMark, d, "undoing to the outer mark");
            }
            finally
            {
                UndoLog.Deactivate();
            }
            // The undone kernel has the copy's future, without a log too.
            OpInterpreter copy = d.Copy();
            SnapshotTests.Run(d, c);
            SnapshotTests.Run(copy, c);
            SnapshotTests.AssertSame(copy, d, "the undone kernel, continued, differs from its copy");
        }, iter: 150, seed: null);
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void A_counter_says_unchanged_only_when_the_state_is_the_one_before(string preset, bool diagnostics)
    {
        // The fuzzer takes a call the counter saw change nothing as the state before it,
        // unhashed and unaudited: for random calls, that state must hash as the one before and
        // audit the same; and the counter keeps no entry.
        var u = new Universe(Policy.FromPreset(preset)!, Pages: 24, Procs: 2, Diagnostics: diagnostics);
        int unchanged = 0;
        DualPropertyTests.OpGen.Array[1, 40].Sample(ops =>
        {
            OpInterpreter d = u.Boot();
            var hasher = new StateHash();
            var counter = UndoLog.Counter(); // Sample runs iterations on several threads: one counter each
            counter.Activate();
            try
            {
                foreach (Op op in ops)
                {
                    ulong before = hasher.Of(d.Kernel);
                    int violations = Auditor.Audit(d.Kernel).Count;
                    counter.CountFrom(d);
                    try
                    {
                        d.Apply(op);
                    }
                    catch (KernelPanic)
                    {
                        return; // a panic is a finding whatever changed (Engine.StepUnlessKnown asks before the counter)
                    }
                    Assert.Equal(0, counter.Count);
                    if (!counter.Changed)
                    {
                        Interlocked.Increment(ref unchanged);
                        Assert.Equal(before, hasher.Of(d.Kernel));
                        Assert.Equal(violations, Auditor.Audit(d.Kernel).Count);
                    }
                }
            }
            finally
            {
                UndoLog.Deactivate();
            }
        }, iter: 100, seed: null);
        Assert.True(unchanged > 0, "no call left the kernel unchanged: the property was not exercised");
    }

    [Fact]
    public void Undoing_dictionary_changes_restores_their_enumeration_order()
    {
        // A dictionary refills the slot freed last: after remove-then-add the order of a
        // rebuilt dictionary would differ. Undo restores the internals, so the order of later
        // additions is the original's.
        var holder = new Holder();
        foreach (int k in new[] { 1, 2, 3, 4 })
        {
            holder.Map[k] = k;
        }
        holder.Map.Remove(2);
        var expected = new Dictionary<int, int>(holder.Map);
        List<int> order = [.. holder.Map.Keys];
        var log = new UndoLog();
        log.Activate();
        try
        {
            int mark = log.Mark();
            UndoLog.Touch(holder);
            holder.Map.Remove(3);
            holder.Map[7] = 7;
            holder.Map.Remove(1);
            log.Undo(mark);
        }
        finally
        {
            UndoLog.Deactivate();
        }
        Assert.Equal(order, holder.Map.Keys);
        holder.Map[9] = 9; // into slot 1, freed before the mark
        expected[9] = 9;
        Assert.Equal([1, 9, 3, 4], holder.Map.Keys);
        Assert.Empty(StateComparer.Differences(new Holder { Map = expected }.Map.Count, holder.Map.Count));
    }

    [Fact]
    public void Without_an_active_log_nothing_is_recorded()
    {
        var log = new UndoLog();
        var holder = new Holder();
        UndoLog.Touch(holder);
        holder.Map[1] = 1;
        Assert.Equal(0, log.Count);
        Assert.Null(UndoLog.Active);
    }

    [Fact]
    public void A_property_set_logs_its_field_and_undoing_puts_every_kind_of_value_back()
    {
        var o = new Fields();
        var first = new Holder();
        o.Count = 3;
        o.Big = ulong.MaxValue - 1;
        o.Flag = true;
        o.Kind = ConsoleColor.Red;
        o.Other = first;
        o.Pair = (7, 9);
        o.Mixed = (1, first);
        var log = new UndoLog();
        log.Activate();
        try
        {
            int mark = log.Mark();
            o.Count = 4;
            o.Count = 5; // the field's value at the mark is what comes back
            o.Big = 1;
            o.Flag = false;
            o.Kind = ConsoleColor.Blue;
            o.Other = null;
            o.Pair = (8, 10);
            o.Mixed = (2, new Holder()); // holds a reference: its owner is saved whole
            Assert.Equal(8, log.Count);
            int inner = log.Mark();
            o.Count = 6;
            log.Undo(inner);
            Assert.Equal(5, o.Count);
            GC.Collect(); // the object may move: its fields are found by offset
            log.Undo(mark);
        }
        finally
        {
            UndoLog.Deactivate();
        }
        Assert.Equal(3, o.Count);
        Assert.Equal(ulong.MaxValue - 1, o.Big);
        Assert.True(o.Flag);
        Assert.Equal(ConsoleColor.Red, o.Kind);
        Assert.Same(first, o.Other);
        Assert.Equal((7L, 9L), o.Pair);
        Assert.Equal(1, o.Mixed.Item1);
        Assert.Same(first, o.Mixed.Item2);
    }

    [Fact]
    public void Setting_the_value_a_field_holds_logs_nothing()
    {
        var o = new Fields { Count = 2, Other = new Holder() };
        var log = new UndoLog();
        log.Activate();
        try
        {
            int mark = log.Mark();
            o.Count = 2;
            o.Other = o.Other;
            Assert.True(log.NothingBut(mark, o) && log.Count == mark);
            UndoLog.Touch(o);
            o.Count = 9; // saved whole already: no entry of its own
            Assert.Equal(mark + 1, log.Count);
            log.Undo(mark);
        }
        finally
        {
            UndoLog.Deactivate();
        }
        Assert.Equal(2, o.Count);
    }

    private sealed class Holder
    {
        public Dictionary<int, int> Map { get; init; } = [];
    }

    private sealed class Fields
    {
        public int Count { get; set => UndoLog.Set(this, ref field, value); }

        public ulong Big { get; set => UndoLog.Set(this, ref field, value); }

        public bool Flag { get; set => UndoLog.Set(this, ref field, value); }

        public ConsoleColor Kind { get; set => UndoLog.Set(this, ref field, value); }

        public Holder? Other { get; set => UndoLog.Set(this, ref field, value); }

        public (long, long) Pair { get; set => UndoLog.Set(this, ref field, value); }

        public (int, Holder?) Mixed { get; set => UndoLog.Set(this, ref field, value); }
    }
}
