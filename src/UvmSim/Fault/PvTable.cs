using UvmSim.Undo;

namespace UvmSim.Fault;

/// <summary>
/// Reverse mappings (<c>pv</c> lists): which translations map each frame, so reclaiming or
/// freeing a frame can remove them all (<c>pmap_page_protect(VM_PROT_NONE)</c>). Kept
/// outside the frame array so a frame stays 16 bytes; indexed by frame like NetBSD's
/// per-page <c>pv_head</c>, so a change is one slot the undo log can note.
/// </summary>
public sealed partial class PvTable
{
    /// <summary>The table's first size: a small universe maps a few frames, and growing 1, 2, 4, 8 cost more (issue 17).</summary>
    private const int MinFrames = 8;

    [LoggedApart] // slot by slot (UndoLog.Slot); replaced whole when it grows, and by a snapshot copy
    private List<(Pmap Pmap, ulong Vpn)>?[] _byFrame = [];
    [LoggedApart] // a pool of empty lists, not state; not refilled while a log is active; made with the first spare
    private Stack<List<(Pmap, ulong)>>? _spare;

    /// <summary>Translations mapping <paramref name="frame"/>.</summary>
    public int MappingsOf(int frame) => frame < _byFrame.Length && _byFrame[frame] is { } l ? l.Count : 0;

    /// <summary>Records that <paramref name="pmap"/> maps <paramref name="frame"/> at <paramref name="vpn"/>.</summary>
    internal void Add(int frame, Pmap pmap, ulong vpn)
    {
        if (frame >= _byFrame.Length)
        {
            UndoLog.Touch(this);
            Array.Resize(ref _byFrame, Math.Max(frame + 1, Math.Max(_byFrame.Length * 2, MinFrames)));
        }
        List<(Pmap, ulong)>? list = _byFrame[frame];
        if (list is null)
        {
            list = _spare is { Count: > 0 } ? _spare.Pop() : new(1); // a frame is mapped once in the common case (issue 17)
            UndoLog.Slot(_byFrame, frame);
            _byFrame[frame] = list;
        }
        UndoLog.Touch(list);
        list.Add((pmap, vpn));
    }

    /// <summary>Forgets one translation of <paramref name="frame"/>.</summary>
    internal void Remove(int frame, Pmap pmap, ulong vpn)
    {
        if (frame < _byFrame.Length && _byFrame[frame] is { } list)
        {
            int i = list.IndexOf((pmap, vpn));
            if (i >= 0)
            {
                UndoLog.Touch(list);
                list.RemoveAt(i);
            }
            if (list.Count == 0)
            {
                Drop(frame, list);
            }
        }
    }

    /// <summary>Removes every translation of <paramref name="frame"/> from the pmaps that hold it.</summary>
    public void RemoveAll(int frame)
    {
        if (frame < _byFrame.Length && _byFrame[frame] is { } list)
        {
            Drop(frame, list);
            foreach (var (pmap, vpn) in list)
            {
                pmap.RemoveForFrame(vpn);
            }
            UndoLog.Touch(list);
            list.Clear();
        }
    }

    private void Drop(int frame, List<(Pmap, ulong)> list)
    {
        UndoLog.Slot(_byFrame, frame);
        _byFrame[frame] = null;
        if (UndoLog.Active is null)
        {
            (_spare ??= new()).Push(list); // with a log, undo may put the list back in its slot
        }
    }
}
