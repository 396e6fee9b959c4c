using CsCheck;
using UvmSim.Objects;

namespace UvmSim.Tests.Objects;

/// <summary>
/// Objects and amaps size their chunks to what they hold (an object to its size, an amap
/// grown as slots fill). Whatever the sizes, reads and writes must behave as one flat array
/// would: a model-based test against a dictionary.
/// </summary>
public class ChunkSizingTests
{
    [Fact]
    public void Amap_slots_read_back_as_written_in_any_order_and_place() =>
        Gen.Select(Gen.Long[0, 1600], Gen.Bool).Array[1, 60].Sample(steps =>
        {
            var amap = new Amap(12);
            var model = new Dictionary<long, Anon>();
            foreach (var (slot, set) in steps)
            {
                if (set)
                {
                    var anon = new Anon();
                    amap[slot] = anon;
                    model[slot] = anon;
                }
                else
                {
                    amap[slot] = null;
                    model.Remove(slot);
                }
            }
            for (long slot = 0; slot <= 1600; slot++)
            {
                Assert.Same(model.GetValueOrDefault(slot), amap[slot]);
            }
            Assert.Equal(model.OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value)), amap.AnonsIn(0, long.MaxValue));
        });

    [Fact]
    public void Shifting_an_amap_moves_every_slot_up() =>
        Gen.Select(Gen.Long[0, 700].ArrayUnique[0, 20], Gen.Long[1, 600]).Sample((slots, by) =>
        {
            var amap = new Amap(12);
            var anons = slots.ToDictionary(s => s, _ => new Anon());
            foreach (var (s, a) in anons)
            {
                amap[s] = a;
            }
            amap.ShiftUp(by);
            Assert.Equal(anons.OrderBy(kv => kv.Key).Select(kv => (kv.Key + by, kv.Value)), amap.AnonsIn(0, long.MaxValue));
        });

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(512)]
    [InlineData(513)]
    [InlineData(1500)]
    public void An_objects_runs_hold_exactly_its_pages_and_read_back_as_set(long size)
    {
        var obj = new AnonObject(size);
        for (long i = 0; i < size; i += 2)
        {
            obj.SetPage(i, (int)i + 7);
        }
        for (long i = 0; i < size; i++)
        {
            Assert.Equal(i % 2 == 0 ? (int)i + 7 : -1, obj.FrameAt(i));
            ReadOnlySpan<int> run = obj.FramesFrom(i);
            Assert.Equal(obj.RunLength(i), run.Length);
            Assert.Equal(Math.Min(size - i, 512 - (i % 512)), run.Length);
            Assert.Equal(obj.FrameAt(i), run[0]);
        }
        Assert.Equal(0, obj.RunLength(size));
        Assert.Equal(-1, obj.FrameAt(size));
        Assert.True(obj.FramesFrom(size).IsEmpty);
    }
}
