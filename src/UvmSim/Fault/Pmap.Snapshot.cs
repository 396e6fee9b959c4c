using UvmSim.Snapshots;

namespace UvmSim.Fault;

// Snapshots: a pmap is copied once (the pv lists name it), with its leaf tables and their
// layout, into the copied machine's pv table.
public sealed partial class Pmap
{
    private Pmap(Pmap source, CloneMap map)
    {
        _pv = map.Made(source._pv);
        _shift = source._shift;
        _firstKey = source._firstKey;
        _firstLeaf = source._firstLeaf?.Copy();
        _leaves = source._leaves is null ? null : DictionaryCopy.Of(source._leaves, static (leaf, _) => leaf.Copy(), null!);
        WiredCount = source.WiredCount;
        Count = source.Count;
    }

    private sealed partial class Leaf
    {
        public Leaf Copy() => new() { Frame = Frame.AsSpan().ToArray(), Bits = Bits.AsSpan().ToArray(), Count = Count };
    }

    /// <summary>The copy of <paramref name="pmap"/> in <paramref name="map"/>'s snapshot (its pv table copied first).</summary>
    internal static Pmap CopyOf(Pmap pmap, CloneMap map) => map.Of(pmap, static (p, m) => new Pmap(p, m));
}
