using UvmSim.Undo;
namespace UvmSim.Map;

// The intrusive links that put an entry into its map's EntryTree. Only EntryTree writes
// them; the map reads Prev/Next to walk entries in address order (UVM's entry->prev/next).
public sealed partial class MapEntry
{
    /// <summary>The entry just below this one in its map, or null (<c>entry->prev</c>).</summary>
    internal MapEntry? Prev { get; set => UndoLog.Set(this, ref field, value); }

    /// <summary>The entry just above this one in its map, or null (<c>entry->next</c>).</summary>
    internal MapEntry? Next { get; set => UndoLog.Set(this, ref field, value); }

    /// <summary>The tree that holds this entry, or null while the entry is in no map.</summary>
    internal EntryTree? TreeOwner { get; set => UndoLog.Set(this, ref field, value); }

    /// <summary>Tree children and parent (AVL, keyed by <see cref="Start"/>).</summary>
    internal MapEntry? TreeLeft { get; set => UndoLog.Set(this, ref field, value); }

    internal MapEntry? TreeRight { get; set => UndoLog.Set(this, ref field, value); }

    internal MapEntry? TreeParent { get; set => UndoLog.Set(this, ref field, value); }

    /// <summary>
    /// Height of the subtree rooted here; a leaf has height 1. Kept in a byte (an AVL tree of
    /// 2^64 entries is under 93 high), so an entry takes 136 bytes rather than 144 (issue 17).
    /// </summary>
    internal int TreeHeight { get => _treeHeight; set => UndoLog.Set(this, ref _treeHeight, (byte)value); }

    private byte _treeHeight;

    /// <summary>
    /// Largest free gap after any entry in the subtree rooted here (NetBSD's <c>maxgap</c>);
    /// the gap after an entry runs from its <see cref="End"/> to its successor's
    /// <see cref="Start"/>, or to <see cref="ulong.MaxValue"/> for the last entry.
    /// </summary>
    internal ulong TreeMaxGap { get; set => UndoLog.Set(this, ref field, value); }

    /// <summary>Free bytes between this entry and the next one (to the top of the address space for the last).</summary>
    internal ulong GapAfter => (Next is { } next ? next.Start : ulong.MaxValue) - End;
}
