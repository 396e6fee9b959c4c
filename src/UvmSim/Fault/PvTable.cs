using UvmSim.Undo;
namespace UvmSim.Fault;

/// <summary>
/// Reverse mappings (<c>pv</c> lists): which translations map each frame, so reclaiming or
/// freeing a frame can remove them all (<c>pmap_page_protect(VM_PROT_NONE)</c>). Kept
/// outside the frame array so a frame stays 16 bytes.
/// </summary>
public sealed partial class PvTable
{
    private Dictionary<int, List<(Pmap Pmap, ulong Vpn)>> _byFrame = []; // replaced whole by a snapshot copy (PvTable.Snapshot.cs)
    private readonly Stack<List<(Pmap, ulong)>> _spare = new();

    /// <summary>How many translations map <paramref name="frame"/>.</summary>
    public int MappingsOf(int frame) => _byFrame.TryGetValue(frame, out var l) ? l.Count : 0;

    internal void Add(int frame, Pmap pmap, ulong vpn)
    {
        if (!_byFrame.TryGetValue(frame, out var list))
        {
            UndoLog.Touch(this);
            list = _spare.Count > 0 ? _spare.Pop() : [];
            _byFrame[frame] = list;
        }
        UndoLog.Touch(list);
        list.Add((pmap, vpn));
    }

    internal void Remove(int frame, Pmap pmap, ulong vpn)
    {
        if (_byFrame.TryGetValue(frame, out var list))
        {
            int i = list.IndexOf((pmap, vpn));
            if (i >= 0)
            {
                UndoLog.Touch(list);
                list.RemoveAt(i);
            }
            if (list.Count == 0)
            {
                UndoLog.Touch(this);
                _byFrame.Remove(frame);
                _spare.Push(list);
            }
        }
    }

    /// <summary>Removes every translation of <paramref name="frame"/>.</summary>
    public void RemoveAll(int frame)
    {
        UndoLog.Touch(this);
        if (_byFrame.Remove(frame, out var list))
        {
            UndoLog.Touch(list);
            foreach (var (pmap, vpn) in list)
            {
                pmap.RemoveForFrame(vpn);
            }
            list.Clear();
            _spare.Push(list);
        }
    }
}
