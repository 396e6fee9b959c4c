using UvmSim.Undo;
namespace UvmSim.Kernel;

/// <summary>
/// A set of addresses as sorted disjoint half-open intervals: the auditor's record of which
/// pages of a process hold a POSIX lock (SPEC §10 rule 6).
/// </summary>
public sealed partial class RangeSet
{
    private readonly List<(ulong Start, ulong End)> _ranges = [];

    /// <summary>The intervals in order; a span, so the auditor walks them after every call without allocating.</summary>
    public ReadOnlySpan<(ulong Start, ulong End)> Ranges => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_ranges);

    /// <summary>True when empty.</summary>
    public bool IsEmpty => _ranges.Count == 0;

    /// <summary>Adds <c>[start, end)</c>.</summary>
    public void Add(ulong start, ulong end)
    {
        if (start >= end)
        {
            return;
        }
        Remove(start, end);
        UndoLog.Touch(this);
        int i = 0;
        while (i < _ranges.Count && _ranges[i].Start < start)
        {
            i++;
        }
        _ranges.Insert(i, (start, end));
        // Coalesce with neighbours.
        if (i + 1 < _ranges.Count && _ranges[i + 1].Start == end)
        {
            _ranges[i] = (start, _ranges[i + 1].End);
            _ranges.RemoveAt(i + 1);
        }
        if (i > 0 && _ranges[i - 1].End == start)
        {
            _ranges[i - 1] = (_ranges[i - 1].Start, _ranges[i].End);
            _ranges.RemoveAt(i);
        }
    }

    /// <summary>Removes <c>[start, end)</c>.</summary>
    public void Remove(ulong start, ulong end)
    {
        if (start >= end)
        {
            return;
        }
        for (int i = _ranges.Count - 1; i >= 0; i--)
        {
            var (s, e) = _ranges[i];
            if (e <= start || s >= end)
            {
                continue;
            }
            UndoLog.Touch(this);
            _ranges.RemoveAt(i);
            if (e > end)
            {
                _ranges.Insert(i, (end, e));
            }
            if (s < start)
            {
                _ranges.Insert(i, (s, start));
            }
        }
    }

    /// <summary>Removes everything.</summary>
    public void Clear()
    {
        UndoLog.Touch(this);
        _ranges.Clear();
    }

    /// <summary>True when <paramref name="va"/> is in the set.</summary>
    public bool Contains(ulong va)
    {
        foreach (var (s, e) in _ranges)
        {
            if (va >= s && va < e)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A copy.</summary>
    public RangeSet Clone()
    {
        var c = new RangeSet();
        c._ranges.AddRange(_ranges);
        return c;
    }
}
