namespace UvmSim.Map;

// TEMPORARY list-backed stand-in; replaced by the balanced tree from branch `tree`.
internal sealed class EntryTree
{
    private readonly List<MapEntry> _list = [];

    public int Count => _list.Count;
    public MapEntry? First => _list.Count > 0 ? _list[0] : null;
    public MapEntry? Last => _list.Count > 0 ? _list[^1] : null;

    public MapEntry? Floor(ulong va)
    {
        MapEntry? best = null;
        foreach (var e in _list)
        {
            if (e.Start <= va) best = e; else break;
        }
        return best;
    }

    public MapEntry? FindContaining(ulong va) => Floor(va) is { } e && va < e.End ? e : null;

    public MapEntry? Ceiling(ulong va) => _list.FirstOrDefault(e => e.Start >= va);

    public void Insert(MapEntry e)
    {
        int i = _list.FindIndex(x => x.Start > e.Start);
        if (i < 0) i = _list.Count;
        _list.Insert(i, e);
        Relink();
    }

    public void Remove(MapEntry e)
    {
        _list.Remove(e);
        e.Prev = e.Next = null;
        Relink();
    }

    public void BoundsChanged(MapEntry e) { }

    public ulong? FindSpace(ulong min, ulong max, ulong length, ulong alignment)
    {
        ulong a = min;
        foreach (var e in _list)
        {
            if (e.End <= a) continue;
            if (e.Start >= a && e.Start - a >= length) return a;
            a = Math.Max(a, e.End);
        }
        return max >= a && max - a >= length ? a : null;
    }

    public IEnumerable<string> Verify() => [];

    private void Relink()
    {
        for (int i = 0; i < _list.Count; i++)
        {
            _list[i].Prev = i > 0 ? _list[i - 1] : null;
            _list[i].Next = i + 1 < _list.Count ? _list[i + 1] : null;
        }
    }
}
