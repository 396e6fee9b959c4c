using CsCheck;
using UvmSim.Checking;
using UvmSim.Exploration;
using UvmSim.Policies;
using UvmSim.Snapshots;
using UvmSim.Tests.Exploration;

namespace UvmSim.Tests.Snapshots;

/// <summary>
/// A snapshot (<see cref="OpInterpreter.Copy"/>, <see cref="Kernel.Kernel.Copy"/>) is the
/// state the calls led to, and has the future they would have: for random call sequences A
/// and B under every preset, copying after A and then running B on the copy leaves, field
/// by field, the state that replaying A and B from boot leaves; the state hash and the full
/// audit agree; and the original is untouched by what is done to the copy and back.
/// </summary>
public class SnapshotTests
{
    public static TheoryData<string, bool> Presets()
    {
        var data = new TheoryData<string, bool>();
        foreach (string preset in PresetNames.All.Append(PresetNames.Linux))
        {
            data.Add(preset, true);
            data.Add(preset, false);
        }
        return data;
    }

    /// <summary>Runs <paramref name="ops"/> until a panic (the dead kernel is kept: a snapshot of it must say so).</summary>
    internal static void Run(OpInterpreter d, IEnumerable<Op> ops)
    {
        foreach (Op op in ops)
        {
            if (d.Kernel.Dead)
            {
                return;
            }
            try
            {
                d.Apply(op);
            }
            catch (KernelPanic panic)
            {
                d.Kernel.Die(panic);
            }
        }
    }

    internal static void AssertSame(OpInterpreter expected, OpInterpreter actual, string what)
    {
        IReadOnlyList<string> differences = StateComparer.Differences(expected, actual);
        Assert.True(differences.Count == 0, $"{what}:\n{string.Join("\n", differences)}");
        Assert.Equal(new StateHash().Of(expected.Kernel), new StateHash().Of(actual.Kernel));
        Assert.Equal(
            string.Join("\n", Auditor.Audit(expected.Kernel)),
            string.Join("\n", Auditor.Audit(actual.Kernel)));
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void A_copy_continues_exactly_as_a_replay_from_boot(string preset, bool diagnostics)
    {
        // A small machine, so the page daemon reclaims and swaps, and up to 60 calls of
        // every kind (exit then fork, IPC_RMID then shmget reuse slots in the tables).
        var u = new Universe(Policy.FromPreset(preset)!, Pages: 24, Procs: 2, Diagnostics: diagnostics);
        Gen.Select(DualPropertyTests.OpGen.Array[0, 30], DualPropertyTests.OpGen.Array[0, 30]).Sample((a, b) =>
        {
            var map = new CloneMap(); // Sample runs iterations on several threads
            OpInterpreter original = u.Boot(record: true);
            Run(original, a);
            OpInterpreter copy = original.Copy(map);
            AssertSame(original, copy, "a fresh copy differs from its original");

            Run(copy, b);
            OpInterpreter replay = u.Boot(record: true);
            Run(replay, a.Concat(b));
            AssertSame(replay, copy, "the copy, continued, differs from the replay");

            // The original did not move while the copy ran, and a copy of a copy runs alike.
            OpInterpreter prefix = u.Boot(record: true);
            Run(prefix, a);
            AssertSame(prefix, original, "running the copy changed the original");
            OpInterpreter second = original.Copy(map).Copy(map);
            Run(second, b);
            AssertSame(replay, second, "a copy of a copy differs from the replay");
        }, iter: 150, seed: null);
    }

    [Fact]
    public void A_copied_dictionary_reuses_freed_slots_in_the_original_order()
    {
        var d = new Dictionary<int, string> { [1] = "a", [2] = "b", [3] = "c", [4] = "d" };
        d.Remove(2);
        d.Remove(4);
        d.Remove(1);
        Dictionary<int, string> copy = DictionaryCopy.Of(d);
        var packed = new Dictionary<int, string>(d);
        foreach (var x in new[] { d, copy, packed })
        {
            x[5] = "e";
            x[6] = "f";
        }
        Assert.Equal(d.ToList(), copy.ToList());
        // What a plain copy would do instead: the reason for DictionaryCopy.
        Assert.NotEqual(d.ToList(), packed.ToList());
        copy[7] = "g";
        Assert.False(d.ContainsKey(7));
    }
}
