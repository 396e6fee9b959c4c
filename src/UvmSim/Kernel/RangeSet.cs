using UvmSim.Undo;
namespace UvmSim.Kernel;

/// <summary>
/// A set of addresses as sorted disjoint half-open intervals: the auditor's record of which
/// pages of a process hold a POSIX lock (SPEC §10 rule 6).
/// </summary>
public sealed partial class RangeSet
{
    /// <summary>The intervals in order; made with the first one (most processes never lock: issue 17).</summary>
    private List<(ulong Start, ulong End)>? _ranges;

    /// <summary>The intervals in order; a span, so the auditor walks them after every call without allocating.</summary>
    public ReadOnlySpan<(ulong Start, ulong End)> Ranges => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_ranges);

    /// <summary>True when empty.</summary>
    public bool IsEmpty => _ranges is not { Count: > 0 };

    /// <summary>Adds <c>[start, end)</c>.</summary>
    public void Add(ulong start, ulong end)
    {
        if (start >= end)
        {
            return;
        }
        Remove(start, end);
        UndoLog.Touch(this);
        List<(ulong Start, ulong End)> ranges = _ranges ??= []; // after the touch: the field's change is logged
        int i = 0;
        while (i < ranges.Count && ranges[i].Start < start)
        {
            i++;
        }
        ranges.Insert(i, (start, end));
        // Coalesce with neighbours.
        if (i + 1 < ranges.Count && ranges[i + 1].Start == end)
        {
            ranges[i] = (start, ranges[i + 1].End);
            ranges.RemoveAt(i + 1);
        }
        if (i > 0 && ranges[i - 1].End == start)
        {
            ranges[i - 1] = (ranges[i - 1].Start, ranges[i].End);
            ranges.RemoveAt(i);
        }
    }

    /// <summary>Removes <c>[start, end)</c>.</summary>
    public void Remove(ulong start, ulong end)
    {
        if (start >= end || _ranges is null)
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
        if (_ranges is { Count: > 0 })
        {
            UndoLog.Touch(this);
            _ranges.Clear();
        }
    }

    /// <summary>True when <paramref name="va"/> is in the set.</summary>
    public bool Contains(ulong va)
    {
        foreach (var (s, e) in Ranges)
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
        c._ranges = _ranges is null ? null : [.. _ranges];
        return c;
    }
}
