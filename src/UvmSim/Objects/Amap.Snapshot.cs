using UvmSim.Snapshots;

namespace UvmSim.Objects;

// Snapshots: an amap is copied once however many entries reference it; its anons are the
// snapshot's copies (shared as the originals are), and its users, which are entries, are
// named once every map has been copied.
public sealed partial class Amap
{
    private Amap(Amap source, CloneMap map)
    {
        _pageShift = source._pageShift;
        _firstKey = source._firstKey;
        _firstChunk = source._firstChunk is null ? null : CopyChunk(source._firstChunk, map);
        _chunks = source._chunks is null ? null : DictionaryCopy.Of(source._chunks, static (chunk, m) => CopyChunk(chunk, m), map);
        map.Later(this, source, static (target, original, m) =>
        {
            var copy = (Amap)target;
            foreach (IAmapUser user in ((Amap)original)._users)
            {
                copy._users.Add(m.Made(user));
            }
        });
    }

    private static Anon?[] CopyChunk(Anon?[] chunk, CloneMap map)
    {
        var copy = new Anon?[chunk.Length];
        for (int i = 0; i < chunk.Length; i++)
        {
            copy[i] = chunk[i] is { } anon ? Anon.CopyOf(anon, map) : null;
        }
        return copy;
    }

    /// <summary>The copy of <paramref name="amap"/> in <paramref name="map"/>'s snapshot.</summary>
    internal static Amap CopyOf(Amap amap, CloneMap map) => map.Of(amap, static (a, m) => new Amap(a, m));
}
