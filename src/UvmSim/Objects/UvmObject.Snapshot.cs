using UvmSim.Snapshots;

namespace UvmSim.Objects;

// Snapshots: an object is copied once however many entries and segments reference it; its
// page chunks are copied with the dictionary's layout, so pages are walked in the same order.
public abstract partial class UvmObject
{
    /// <summary>A new object with no pages.</summary>
    protected UvmObject() => Undo.UndoLog.Fresh(this);

    /// <summary>Copies the state every object has into a new one (the subclass copies its own).</summary>
    protected UvmObject(UvmObject source)
    {
        _firstKey = source._firstKey;
        _firstChunk = source._firstChunk?.AsSpan().ToArray();
        _chunks = source._chunks is null ? null : DictionaryCopy.Of(source._chunks, static (chunk, _) => chunk.AsSpan().ToArray(), null!);
        _resident = source._resident;
        OwnerId = source.OwnerId;
        RefCount = source.RefCount;
        WiresNewPages = source.WiresNewPages;
    }

    /// <summary>A new object with this one's state.</summary>
    private protected abstract UvmObject Copy();

    /// <summary>The copy of <paramref name="obj"/> in <paramref name="map"/>'s snapshot.</summary>
    internal static T CopyOf<T>(T obj, CloneMap map)
        where T : UvmObject => (T)map.Of<UvmObject>(obj, static (o, _) => o.Copy());
}
