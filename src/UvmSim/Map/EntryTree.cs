using UvmSim.Undo;
using System.Collections;
using System.Diagnostics;

namespace UvmSim.Map;

/// <summary>
/// The entry index of one map: an intrusive AVL tree of <see cref="MapEntry"/> keyed by
/// <see cref="MapEntry.Start"/>, threaded by the address-ordered list
/// <see cref="MapEntry.Prev"/>/<see cref="MapEntry.Next"/> (UVM keeps the same pair: an
/// rb-tree for lookup and <c>entry->next</c> for walks).
/// </summary>
/// <remarks>
/// Invariants (checked by <see cref="ValidateInternalState"/> in debug builds and listed by
/// <see cref="Verify"/> in any build):
/// <list type="number">
/// <item>Order: an in-order walk gives strictly increasing <c>Start</c>; every entry has
///   <c>Start &lt; End</c> and <c>End &lt;= next.Start</c> (entries never overlap).</item>
/// <item>Links: the root has no parent; every child's <c>TreeParent</c> is its parent; every
///   entry's <c>TreeOwner</c> is this tree.</item>
/// <item>List: <see cref="First"/>, <see cref="Last"/>, <c>Prev</c> and <c>Next</c> agree with the
///   in-order walk; <see cref="Count"/> is the number of entries.</item>
/// <item>Balance: <c>TreeHeight</c> is 1 + the larger child height (0 for none) and the two
///   child heights differ by at most 1, so the height is below 1.45 log2(n + 2).</item>
/// <item>Augmentation: <c>TreeMaxGap</c> is the largest <see cref="MapEntry.GapAfter"/> in the
///   subtree. A gap depends on the successor, so it changes when a neighbour is inserted or
///   removed, or when bounds move (<see cref="BoundsChanged"/>).</item>
/// </list>
/// Every operation is O(log n), iterative, and allocates nothing.
/// </remarks>
internal sealed partial class EntryTree : IEnumerable<MapEntry>
{
    /// <summary>Above this size the debug validator skips the O(n) walk.</summary>
    private const int FullValidationLimit = 1024;

    /// <summary>An AVL tree over 2^64 addresses cannot be deeper than this.</summary>
    private const int MaxHeight = 96;

    /// <summary>Trees up to this size leave <see cref="Verify"/>'s scratch to be reused.</summary>
    private const int ScratchKeepLimit = 4096;

    private MapEntry? _root;
    private int _version;

    /// <summary>Counts structural changes made through this API; a cached verification is valid while it stays the same.</summary>
    internal int Version => _version;

    /// <summary>Number of entries.</summary>
    public int Count { get; private set => UndoLog.Set(this, ref field, value); }

    /// <summary>The lowest entry, or null when empty.</summary>
    public MapEntry? First { get; private set => UndoLog.Set(this, ref field, value); }

    /// <summary>The highest entry, or null when empty.</summary>
    public MapEntry? Last { get; private set => UndoLog.Set(this, ref field, value); }

    /// <summary>Height of the tree (0 when empty); for tests and benchmarks.</summary>
    internal int Height => _root?.TreeHeight ?? 0;

    // ---------------------------------------------------------------- lookups

    /// <summary>
    /// The entry with the greatest <c>Start &lt;= va</c>, or null: the "prev" entry of
    /// <c>uvm_map_lookup_entry</c>. It contains <paramref name="va"/> only if <c>va &lt; End</c>.
    /// </summary>
    public MapEntry? Floor(ulong va)
    {
        MapEntry? best = null;
        for (var n = _root; n is not null;)
        {
            if (n.Start <= va)
            {
                best = n;
                n = n.TreeRight;
            }
            else
            {
                n = n.TreeLeft;
            }
        }
        return best;
    }

    /// <summary>The entry with <c>Start &lt;= va &lt; End</c>, or null (<c>uvm_map_lookup_entry</c>).</summary>
    public MapEntry? FindContaining(ulong va) => Floor(va) is { } e && va < e.End ? e : null;

    /// <summary>The entry with the least <c>Start &gt;= va</c>, or null.</summary>
    public MapEntry? Ceiling(ulong va)
    {
        MapEntry? best = null;
        for (var n = _root; n is not null;)
        {
            if (n.Start >= va)
            {
                best = n;
                n = n.TreeLeft;
            }
            else
            {
                n = n.TreeRight;
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- mutation

    /// <summary>
    /// Adds <paramref name="e"/> to the tree and the list.
    /// =&gt; <c>e</c> is in no tree; <c>[e.Start, e.End)</c> is non-empty and overlaps no entry.
    /// </summary>
    public void Insert(MapEntry e)
    {
        if (e.TreeOwner is not null)
        {
            throw new InvalidOperationException($"Entry {e} is already in a map.");
        }
        Debug.Assert(e.Start < e.End, "empty entry");

        // Descend to the leaf position; pred/succ are the last nodes we went right/left of.
        MapEntry? parent = null, pred = null, succ = null;
        for (var n = _root; n is not null;)
        {
            parent = n;
            if (e.Start < n.Start)
            {
                succ = n;
                n = n.TreeLeft;
            }
            else
            {
                pred = n;
                n = n.TreeRight;
            }
        }
        Debug.Assert(pred is null || pred.End <= e.Start, "overlaps the entry below");
        Debug.Assert(succ is null || e.End <= succ.Start, "overlaps the entry above");

        e.TreeOwner = this;
        e.TreeLeft = e.TreeRight = null;
        e.TreeParent = parent;
        e.TreeHeight = 1;
        LinkBetween(e, pred, succ);
        e.TreeMaxGap = e.GapAfter;
        if (parent is null)
        {
            UndoLog.Touch(this);
            _root = e;
        }
        else if (e.Start < parent.Start)
        {
            parent.TreeLeft = e;
        }
        else
        {
            parent.TreeRight = e;
        }

        Count++;
        UndoLog.Touch(this);
        _version++;
        Retrace(parent);
        RefreshGapsUp(pred); // its gap shrank; Retrace may have stopped below it

        ValidateInternalState();
    }

    /// <summary>
    /// Removes <paramref name="e"/> from the tree and the list and clears its links.
    /// =&gt; <c>e</c> is in this tree.
    /// </summary>
    public void Remove(MapEntry e)
    {
        if (!ReferenceEquals(e.TreeOwner, this))
        {
            throw new InvalidOperationException($"Entry {e} is not in this map.");
        }

        var pred = e.Prev;
        Unlink(e);

        MapEntry? retraceFrom, moved = null;
        if (e.TreeLeft is { } left && e.TreeRight is { } right)
        {
            // Two children: the successor (leftmost of the right subtree) takes e's place.
            var s = right;
            while (s.TreeLeft is { } l)
            {
                s = l;
            }
            if (s.TreeParent == e)
            {
                retraceFrom = s;
            }
            else
            {
                retraceFrom = s.TreeParent!;
                retraceFrom.TreeLeft = s.TreeRight;
                if (s.TreeRight is { } sr)
                {
                    sr.TreeParent = retraceFrom;
                }
                s.TreeRight = right;
                right.TreeParent = s;
            }
            s.TreeLeft = left;
            left.TreeParent = s;
            // Take e's stored values, which s's new ancestors were computed from; Retrace or
            // RefreshGapsUp(s) below recomputes them.
            s.TreeHeight = e.TreeHeight;
            s.TreeMaxGap = e.TreeMaxGap;
            ReplaceChild(e.TreeParent, e, s);
            moved = s;
        }
        else
        {
            retraceFrom = e.TreeParent;
            ReplaceChild(e.TreeParent, e, e.TreeLeft ?? e.TreeRight);
        }

        e.TreeOwner = null;
        e.TreeLeft = e.TreeRight = e.TreeParent = null;
        e.TreeHeight = 0;
        e.TreeMaxGap = 0;
        Count--;
        UndoLog.Touch(this);
        _version++;
        Retrace(retraceFrom);
        RefreshGapsUp(moved);
        RefreshGapsUp(pred);
        ValidateInternalState();
    }

    /// <summary>
    /// Call after the map moved <paramref name="e"/>'s <c>Start</c> or <c>End</c> in place
    /// (clipping or merging); repairs the free-gap augmentation.
    /// =&gt; <c>e</c> is in this tree; the new bounds keep it non-empty, between its neighbours,
    /// and overlapping neither.
    /// </summary>
    public void BoundsChanged(MapEntry e)
    {
        Debug.Assert(ReferenceEquals(e.TreeOwner, this), "entry is not in this tree");
        Debug.Assert(e.Start < e.End, "empty entry");
        Debug.Assert(e.Prev is null || e.Prev.End <= e.Start, "overlaps or passed the entry below");
        Debug.Assert(e.Next is null || e.End <= e.Next.Start, "overlaps or passed the entry above");

        UndoLog.Touch(this);
        _version++;
        RefreshGapsUp(e);       // its own gap follows End
        RefreshGapsUp(e.Prev);  // the gap below it follows Start
        ValidateInternalState();
    }

    // ---------------------------------------------------------------- free space

    /// <summary>
    /// The lowest address <c>a &gt;= min</c> that is a multiple of <paramref name="alignment"/>
    /// with <c>[a, a + length)</c> overlapping no entry and <c>a + length &lt;= max</c>; null if
    /// there is none (first fit, bottom-up, as <c>uvm_map_findspace</c>).
    /// </summary>
    /// <remarks>
    /// Walks gaps in address order, skipping subtrees whose largest gap is under
    /// <paramref name="length"/> and subtrees whose gaps all end below <c>min + length</c>.
    /// O(log n) when every gap of <paramref name="length"/> bytes fits, as when the alignment
    /// divides the page size; otherwise each large-enough gap that alignment makes too short
    /// costs one more O(log n) step.
    /// </remarks>
    public ulong? FindSpace(ulong min, ulong max, ulong length, ulong alignment)
    {
        ArgumentOutOfRangeException.ThrowIfZero(length);
        ArgumentOutOfRangeException.ThrowIfZero(alignment);
        if (length > max || min > max - length)
        {
            return null;
        }
        var query = new SpaceQuery(min, max, length, alignment);

        // The space below the first entry has no entry to own it.
        var firstStart = First is { } first ? first.Start : ulong.MaxValue;
        if (query.TryFit(0, firstStart, out var a))
        {
            return a;
        }
        return FindGap(query, out a) ? a : null;
    }

    /// <summary>
    /// In-order walk over the gaps after entries, pruned by <c>TreeMaxGap</c> and by
    /// <c>min</c>; stops at the first gap that fits or the first that starts too high.
    /// </summary>
    private bool FindGap(in SpaceQuery q, out ulong address)
    {
        // A gap can hold [a, a + length) with a >= min only if it ends at or above minEnd;
        // the gaps of a left subtree all end at or below its parent's Start.
        var minEnd = q.Min + q.Length; // no overflow: FindSpace checked min <= max - length
        var n = _root;
        while (n is not null)
        {
            // Descend: n's subtree has not been looked at yet.
            if (n.TreeMaxGap >= q.Length)
            {
                if (n.TreeLeft is { } l && l.TreeMaxGap >= q.Length && n.Start >= minEnd)
                {
                    n = l;
                    continue;
                }
                var v = q.Visit(n, out address);
                if (v != GapVisit.Continue)
                {
                    return v == GapVisit.Found;
                }
                if (n.TreeRight is { } r)
                {
                    n = r;
                    continue;
                }
            }

            // Climb: n's subtree is exhausted. The next gaps in address order belong to the
            // nearest ancestor entered through its left child, then to its right subtree.
            while (true)
            {
                var p = n.TreeParent;
                if (p is null)
                {
                    address = 0;
                    return false;
                }
                var fromLeft = p.TreeLeft == n;
                n = p;
                if (!fromLeft)
                {
                    continue;
                }
                var v = q.Visit(n, out address);
                if (v != GapVisit.Continue)
                {
                    return v == GapVisit.Found;
                }
                if (n.TreeRight is { } r)
                {
                    n = r;
                    break;
                }
            }
        }
        address = 0;
        return false;
    }

    private enum GapVisit
    {
        Continue,
        Found,
        Stop,
    }

    /// <summary>The fixed arguments of one <see cref="FindSpace"/> call.</summary>
    private readonly struct SpaceQuery(ulong min, ulong max, ulong length, ulong alignment)
    {
        public ulong Min { get; } = min;

        public ulong Max { get; } = max;

        public ulong Length { get; } = length;

        public ulong Alignment { get; } = alignment;

        /// <summary>Tries the gap after <paramref name="e"/>; Stop once gaps start too high to fit.</summary>
        public GapVisit Visit(MapEntry e, out ulong address)
        {
            address = 0;
            if (e.End > Max - Length)
            {
                return GapVisit.Stop; // this and every later gap start too high
            }
            var gap = e.GapAfter;
            return gap >= Length && TryFit(e.End, e.End + gap, out address) ? GapVisit.Found : GapVisit.Continue;
        }

        /// <summary>Fits the request into the free range <c>[start, end)</c>, lowest first.</summary>
        public bool TryFit(ulong start, ulong end, out ulong address)
        {
            address = 0;
            var lo = Math.Max(start, Min);
            var rem = lo % Alignment;
            if (rem != 0)
            {
                var pad = Alignment - rem;
                if (lo > ulong.MaxValue - pad)
                {
                    return false;
                }
                lo += pad;
            }
            // FindSpace guarantees Length <= Max.
            if (lo > Max - Length || end < Length || lo > end - Length)
            {
                return false;
            }
            address = lo;
            return true;
        }
    }

    // ---------------------------------------------------------------- enumeration

    /// <summary>Enumerates entries in address order; the tree must not change meanwhile.</summary>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<MapEntry> IEnumerable<MapEntry>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Walks <see cref="MapEntry.Next"/> from <see cref="First"/> without allocating.</summary>
    public struct Enumerator : IEnumerator<MapEntry>
    {
        private readonly EntryTree _tree;
        private readonly int _version;
        private MapEntry? _next;
        private MapEntry? _current;

        internal Enumerator(EntryTree tree)
        {
            _tree = tree;
            _version = tree._version;
            _next = tree.First;
            _current = null;
        }

        /// <inheritdoc/>
        public readonly MapEntry Current => _current ?? throw new InvalidOperationException("No current entry.");

        readonly object IEnumerator.Current => Current;

        /// <inheritdoc/>
        public bool MoveNext()
        {
            if (_version != _tree._version)
            {
                throw new InvalidOperationException("The map changed during enumeration.");
            }
            _current = _next;
            _next = _current?.Next;
            return _current is not null;
        }

        /// <inheritdoc/>
        public void Reset()
        {
            _next = _tree.First;
            _current = null;
        }

        /// <inheritdoc/>
        public readonly void Dispose()
        {
        }
    }

    // ---------------------------------------------------------------- list links

    /// <summary>Threads <paramref name="e"/> into the list between its neighbours.</summary>
    private void LinkBetween(MapEntry e, MapEntry? pred, MapEntry? succ)
    {
        e.Prev = pred;
        e.Next = succ;
        if (pred is null)
        {
            First = e;
        }
        else
        {
            pred.Next = e;
        }
        if (succ is null)
        {
            Last = e;
        }
        else
        {
            succ.Prev = e;
        }
    }

    /// <summary>Takes <paramref name="e"/> out of the list and clears its list links.</summary>
    private void Unlink(MapEntry e)
    {
        if (e.Prev is { } p)
        {
            p.Next = e.Next;
        }
        else
        {
            First = e.Next;
        }
        if (e.Next is { } n)
        {
            n.Prev = e.Prev;
        }
        else
        {
            Last = e.Prev;
        }
        e.Prev = e.Next = null;
    }

    // ---------------------------------------------------------------- balancing

    private static int HeightOf(MapEntry? n) => n?.TreeHeight ?? 0;

    private static ulong MaxGapOf(MapEntry? n) => n?.TreeMaxGap ?? 0;

    private static ulong ComputeMaxGap(MapEntry n) =>
        Math.Max(n.GapAfter, Math.Max(MaxGapOf(n.TreeLeft), MaxGapOf(n.TreeRight)));

    /// <summary>Recomputes height and max gap of <paramref name="n"/> from its children.</summary>
    private static void Update(MapEntry n)
    {
        n.TreeHeight = 1 + Math.Max(HeightOf(n.TreeLeft), HeightOf(n.TreeRight));
        n.TreeMaxGap = ComputeMaxGap(n);
    }

    /// <summary>Makes <paramref name="replacement"/> take <paramref name="old"/>'s place under <paramref name="parent"/>.</summary>
    private void ReplaceChild(MapEntry? parent, MapEntry old, MapEntry? replacement)
    {
        if (parent is null)
        {
            UndoLog.Touch(this);
            _root = replacement;
        }
        else if (parent.TreeLeft == old)
        {
            parent.TreeLeft = replacement;
        }
        else
        {
            Debug.Assert(parent.TreeRight == old, "old is not a child of parent");
            parent.TreeRight = replacement;
        }
        if (replacement is not null)
        {
            replacement.TreeParent = parent;
        }
    }

    /// <summary>
    /// Walks from <paramref name="n"/> toward the root after a structural change below it,
    /// recomputing heights and gaps and rotating where a node is out of balance. Stops where a
    /// subtree's height and max gap come out as its parent last saw them.
    /// =&gt; every node above <paramref name="n"/> agrees with its children's stored values,
    /// except nodes whose own gap changed, which the caller passes to <see cref="RefreshGapsUp"/>.
    /// </summary>
    private void Retrace(MapEntry? n)
    {
        while (n is not null)
        {
            var oldHeight = n.TreeHeight;
            var oldMaxGap = n.TreeMaxGap;
            Update(n);
            var balance = HeightOf(n.TreeLeft) - HeightOf(n.TreeRight);
            if (balance > 1)
            {
                var l = n.TreeLeft!;
                if (HeightOf(l.TreeLeft) < HeightOf(l.TreeRight))
                {
                    RotateLeft(l);
                }
                n = RotateRight(n);
            }
            else if (balance < -1)
            {
                var r = n.TreeRight!;
                if (HeightOf(r.TreeRight) < HeightOf(r.TreeLeft))
                {
                    RotateRight(r);
                }
                n = RotateLeft(n);
            }
            if (n.TreeHeight == oldHeight && n.TreeMaxGap == oldMaxGap)
            {
                return;
            }
            n = n.TreeParent;
        }
    }

    /// <summary>Lifts <paramref name="n"/>'s right child above it; returns the new subtree root.</summary>
    private MapEntry RotateLeft(MapEntry n)
    {
        var r = n.TreeRight!;
        ReplaceChild(n.TreeParent, n, r);
        n.TreeRight = r.TreeLeft;
        if (r.TreeLeft is { } rl)
        {
            rl.TreeParent = n;
        }
        r.TreeLeft = n;
        n.TreeParent = r;
        Update(n);
        Update(r);
        return r;
    }

    /// <summary>Lifts <paramref name="n"/>'s left child above it; returns the new subtree root.</summary>
    private MapEntry RotateRight(MapEntry n)
    {
        var l = n.TreeLeft!;
        ReplaceChild(n.TreeParent, n, l);
        n.TreeLeft = l.TreeRight;
        if (l.TreeRight is { } lr)
        {
            lr.TreeParent = n;
        }
        l.TreeRight = n;
        n.TreeParent = l;
        Update(n);
        Update(l);
        return l;
    }

    /// <summary>
    /// Repairs <c>TreeMaxGap</c> from <paramref name="n"/> upward after its own gap changed,
    /// stopping where a value is already right (the rest of the path then is too).
    /// </summary>
    private static void RefreshGapsUp(MapEntry? n)
    {
        for (; n is not null; n = n.TreeParent)
        {
            var gap = ComputeMaxGap(n);
            if (gap == n.TreeMaxGap)
            {
                return;
            }
            n.TreeMaxGap = gap;
        }
    }

    // ---------------------------------------------------------------- checking

    /// <summary>Throws if any invariant is broken (debug builds; the full walk only for small trees).</summary>
    [Conditional("DEBUG")]
    internal void ValidateInternalState()
    {
        if (Count > FullValidationLimit)
        {
            return;
        }
        foreach (var problem in Verify())
        {
            throw new InvalidOperationException($"EntryTree corrupt: {problem}");
        }
    }

    /// <summary>
    /// Recomputes every invariant from scratch (O(n)) and lists each one that does not hold;
    /// empty when the tree is sound. The auditor reports these as <c>map</c> violations after
    /// every call, so the walk reuses one set of scratch collections per thread and a sound
    /// tree allocates nothing.
    /// </summary>
    public IReadOnlyList<string> Verify()
    {
        if (IsSound())
        {
            return [];
        }
        var scratch = t_verifyScratch ??= new VerifyScratch();
        if (scratch.Order.Count > ScratchKeepLimit)
        {
            // Clearing sets sized for a huge tree would cost that size on every small one.
            scratch = t_verifyScratch = new VerifyScratch();
        }
        scratch.Clear();
        var problems = scratch.Problems;
        var order = scratch.Order;
        var seen = scratch.Seen;

        if (_root is { TreeParent: not null })
        {
            problems.Add($"root {_root} has a parent");
        }

        // In-order walk with an explicit stack; stops at a cycle or at an absurd depth.
        var stack = scratch.Walk;
        var n = _root;
        var depth = 1;
        while (n is not null || stack.Count > 0)
        {
            while (n is not null)
            {
                if (!seen.Add(n))
                {
                    problems.Add($"entry {n} is reachable twice (cycle or shared child)");
                    return scratch.Result();
                }
                if (depth > MaxHeight)
                {
                    problems.Add($"tree deeper than {MaxHeight}");
                    return scratch.Result();
                }
                if (!ReferenceEquals(n.TreeOwner, this))
                {
                    problems.Add($"entry {n} does not name this tree as owner");
                }
                CheckChildLink(n, n.TreeLeft, problems);
                CheckChildLink(n, n.TreeRight, problems);
                stack.Push((n, depth));
                n = n.TreeLeft;
                depth++;
            }
            var (top, d) = stack.Pop();
            order.Add(top);
            n = top.TreeRight;
            depth = d + 1;
        }

        if (order.Count != Count)
        {
            problems.Add($"Count is {Count} but the tree holds {order.Count} entries");
        }
        CheckOrderAndList(order, problems);
        if (_root is not null)
        {
            CheckShape(_root, scratch);
        }
        return scratch.Result();
    }

    /// <summary>
    /// Whether <see cref="Verify"/> would find nothing, decided in one recursive walk with no
    /// hashing (the auditor asks after every call that changed the tree). No entry can be
    /// reached twice when the root has no parent, every child names its parent and the two
    /// children of an entry differ (the first entry reached again would have to be reached
    /// from its one parent twice), so the listing walk's set of seen entries is not needed
    /// to say "sound". =&gt; false at the first doubt; <see cref="Verify"/> then lists.
    /// </summary>
    private bool IsSound()
    {
        if (_root is null)
        {
            return Count == 0 && First is null && Last is null;
        }
        MapEntry? prev = null;
        int seen = 0;
        return _root.TreeParent is null
            && IsSound(_root, 1, ulong.MaxValue, ref prev, ref seen, out _, out _, out _)
            && seen == Count && prev == Last && prev!.Next is null;
    }

    /// <summary>
    /// One subtree of <see cref="IsSound()"/>, in order: <paramref name="successorStart"/> is the
    /// start of the entry after the subtree (the end of the last gap), <paramref name="prev"/>
    /// the entry before it. =&gt; the subtree's height, largest true gap and lowest start.
    /// </summary>
    private bool IsSound(MapEntry n, int depth, ulong successorStart, ref MapEntry? prev, ref int seen, out int height, out ulong maxGap, out ulong minStart)
    {
        height = 0;
        maxGap = 0;
        minStart = n.Start;
        MapEntry? l = n.TreeLeft, r = n.TreeRight;
        if (depth > MaxHeight || !ReferenceEquals(n.TreeOwner, this)
            || (l is not null && (l.TreeParent != n || l == r)) || (r is not null && r.TreeParent != n))
        {
            return false;
        }
        int lh = 0, rh = 0;
        ulong lg = 0, rg = 0;
        if (l is not null && !IsSound(l, depth + 1, n.Start, ref prev, ref seen, out lh, out lg, out minStart))
        {
            return false;
        }
        if (++seen > Count || n.Start >= n.End || n.Prev != prev
            || (prev is null ? First != n : prev.End > n.Start || prev.Next != n))
        {
            return false;
        }
        prev = n;
        ulong end = successorStart;
        if (r is not null && !IsSound(r, depth + 1, successorStart, ref prev, ref seen, out rh, out rg, out end))
        {
            return false;
        }
        height = 1 + Math.Max(lh, rh);
        maxGap = Math.Max(end >= n.End ? end - n.End : 0, Math.Max(lg, rg));
        return n.TreeHeight == height && Math.Abs(lh - rh) <= 1 && n.TreeMaxGap == maxGap;
    }

    [ThreadStatic]
    private static VerifyScratch? t_verifyScratch;

    /// <summary>The collections one <see cref="Verify"/> fills; cleared, not reallocated, for the next.</summary>
    private sealed class VerifyScratch
    {
        public readonly List<string> Problems = [];
        public readonly List<MapEntry> Order = [];
        public readonly HashSet<MapEntry> Seen = new(ReferenceEqualityComparer.Instance);
        public readonly Stack<(MapEntry Node, int Depth)> Walk = new();
        public readonly Dictionary<MapEntry, ulong> TrueGap = new(ReferenceEqualityComparer.Instance);
        public readonly Dictionary<MapEntry, (int Height, ulong MaxGap)> Shape = new(ReferenceEqualityComparer.Instance);
        public readonly Stack<(MapEntry Node, bool ChildrenDone)> PostOrder = new();

        public void Clear()
        {
            Problems.Clear();
            Order.Clear();
            Seen.Clear();
            Walk.Clear();
            TrueGap.Clear();
            Shape.Clear();
            PostOrder.Clear();
        }

        /// <summary>The problems found, as a list of their own (the scratch is reused).</summary>
        public IReadOnlyList<string> Result() => Problems.Count == 0 ? [] : [.. Problems];
    }

    private static void CheckChildLink(MapEntry parent, MapEntry? child, List<string> problems)
    {
        if (child is not null && child.TreeParent != parent)
        {
            problems.Add($"entry {child} is a child of {parent} but names {child.TreeParent?.ToString() ?? "null"} as parent");
        }
    }

    private void CheckOrderAndList(List<MapEntry> order, List<string> problems)
    {
        var first = order.Count > 0 ? order[0] : null;
        var last = order.Count > 0 ? order[^1] : null;
        if (First != first)
        {
            problems.Add($"First is {First?.ToString() ?? "null"}, lowest entry is {first?.ToString() ?? "null"}");
        }
        if (Last != last)
        {
            problems.Add($"Last is {Last?.ToString() ?? "null"}, highest entry is {last?.ToString() ?? "null"}");
        }
        for (var i = 0; i < order.Count; i++)
        {
            var e = order[i];
            var prev = i > 0 ? order[i - 1] : null;
            var next = i + 1 < order.Count ? order[i + 1] : null;
            if (e.Start >= e.End)
            {
                problems.Add($"entry {e} is empty or inverted");
            }
            if (prev is not null && prev.End > e.Start)
            {
                problems.Add(prev.Start >= e.Start
                    ? $"entries out of order: {prev} before {e}"
                    : $"entries overlap: {prev} and {e}");
            }
            if (e.Prev != prev)
            {
                problems.Add($"entry {e}: Prev is {e.Prev?.ToString() ?? "null"}, expected {prev?.ToString() ?? "null"}");
            }
            if (e.Next != next)
            {
                problems.Add($"entry {e}: Next is {e.Next?.ToString() ?? "null"}, expected {next?.ToString() ?? "null"}");
            }
        }
    }

    /// <summary>Checks heights, balance and max gaps bottom-up; gaps come from the true order.</summary>
    private static void CheckShape(MapEntry root, VerifyScratch scratch)
    {
        var order = scratch.Order;
        var problems = scratch.Problems;
        var trueGap = scratch.TrueGap;
        for (var i = 0; i < order.Count; i++)
        {
            var end = i + 1 < order.Count ? order[i + 1].Start : ulong.MaxValue;
            trueGap[order[i]] = end >= order[i].End ? end - order[i].End : 0;
        }

        // Post-order with an explicit stack; the walk above proved the tree acyclic and shallow.
        var height = scratch.Shape;
        var stack = scratch.PostOrder;
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (n, done) = stack.Pop();
            if (!done)
            {
                stack.Push((n, true));
                if (n.TreeRight is { } r)
                {
                    stack.Push((r, false));
                }
                if (n.TreeLeft is { } l)
                {
                    stack.Push((l, false));
                }
                continue;
            }
            var (lh, lg) = n.TreeLeft is { } left ? height[left] : (0, 0UL);
            var (rh, rg) = n.TreeRight is { } right ? height[right] : (0, 0UL);
            var h = 1 + Math.Max(lh, rh);
            var g = Math.Max(trueGap[n], Math.Max(lg, rg));
            height[n] = (h, g);
            if (n.TreeHeight != h)
            {
                problems.Add($"entry {n}: height {n.TreeHeight}, expected {h}");
            }
            if (Math.Abs(lh - rh) > 1)
            {
                problems.Add($"entry {n} out of balance: left height {lh}, right height {rh}");
            }
            if (n.TreeMaxGap != g)
            {
                problems.Add($"entry {n}: max gap 0x{n.TreeMaxGap:x}, expected 0x{g:x}");
            }
        }
    }
}
