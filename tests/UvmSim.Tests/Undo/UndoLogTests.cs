using CsCheck;
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

    private sealed class Holder
    {
        public Dictionary<int, int> Map { get; init; } = [];
    }
}
