using CsCheck;
using UvmSim.Map;

namespace UvmSim.Tests.Map;

public class EntryTreeTests
{
    private const ulong P = 4096;
    private const ulong Top = ulong.MaxValue;

    /// <summary>The address <paramref name="bytes"/> below 2^64.</summary>
    private static ulong BelowTop(ulong bytes) => unchecked(0UL - bytes);

    private static MapEntry E(ulong startPage, ulong endPage) => new(startPage * P, endPage * P);

    private static EntryTree TreeOf(params MapEntry[] entries)
    {
        var t = new EntryTree();
        foreach (var e in entries)
        {
            t.Insert(e);
        }
        Assert.Empty(t.Verify());
        return t;
    }

    // ------------------------------------------------------------ unit tests

    [Fact]
    public void Empty_tree_has_no_entries_and_all_space_is_free()
    {
        var t = new EntryTree();
        Assert.Equal(0, t.Count);
        Assert.Null(t.First);
        Assert.Null(t.Last);
        Assert.Null(t.Floor(0x5000));
        Assert.Null(t.Ceiling(0));
        Assert.Null(t.FindContaining(0x5000));
        Assert.Empty(t);
        Assert.Empty(t.Verify());
        Assert.Equal(0x1000UL, t.FindSpace(0x1000, 0x7f7fffffc000, P, P));
        Assert.Equal(0x2000UL, t.FindSpace(0x1001, 0x7f7fffffc000, P, P));
        Assert.Null(t.FindSpace(0x1000, 0x1fff, P, P));
    }

    [Fact]
    public void Lookups_distinguish_holes_from_entries()
    {
        var a = E(2, 4);
        var b = E(6, 7);
        var t = TreeOf(b, a);
        Assert.Same(a, t.First);
        Assert.Same(b, t.Last);
        Assert.Same(b, a.Next);
        Assert.Same(a, b.Prev);
        Assert.Null(t.Floor(2 * P - 1));
        Assert.Same(a, t.Floor(2 * P));
        Assert.Same(a, t.FindContaining(4 * P - 1));
        Assert.Same(a, t.Floor(4 * P));        // the hole after a: prev entry is a
        Assert.Null(t.FindContaining(4 * P));
        Assert.Same(b, t.Ceiling(4 * P));
        Assert.Same(b, t.Ceiling(6 * P));
        Assert.Null(t.Ceiling(6 * P + 1));
        Assert.Null(t.FindContaining(Top / 2));
        Assert.Equal([a, b], t.ToList());
    }

    [Fact]
    public void FindSpace_uses_space_before_first_entry()
    {
        var t = TreeOf(E(4, 5), E(5, 9));
        Assert.Equal(1 * P, t.FindSpace(P, Top, 3 * P, P));
        Assert.Equal(9 * P, t.FindSpace(P, Top, 4 * P, P)); // before-first gap is 3 pages from min
        Assert.Equal(0UL, t.FindSpace(0, Top, 4 * P, P));
    }

    [Fact]
    public void FindSpace_takes_an_exact_fit_and_skips_smaller_gaps()
    {
        var t = TreeOf(E(1, 2), E(3, 4), E(6, 7), E(10, 11));
        Assert.Equal(2 * P, t.FindSpace(P, Top, P, P));
        Assert.Equal(4 * P, t.FindSpace(P, Top, 2 * P, P));
        Assert.Equal(7 * P, t.FindSpace(P, Top, 3 * P, P));
        Assert.Equal(11 * P, t.FindSpace(P, Top, 4 * P, P));
    }

    [Fact]
    public void FindSpace_respects_max_exactly()
    {
        var t = TreeOf(E(1, 2), E(4, 8));
        Assert.Equal(2 * P, t.FindSpace(P, 4 * P, 2 * P, P));
        Assert.Null(t.FindSpace(P, 4 * P - 1, 2 * P, P));
        Assert.Equal(8 * P, t.FindSpace(P, 11 * P, 3 * P, P));
        Assert.Null(t.FindSpace(P, 11 * P - 1, 3 * P, P));
        Assert.Null(t.FindSpace(5 * P, 4 * P, P, P)); // min above max
    }

    [Fact]
    public void FindSpace_starts_above_min_inside_an_entry()
    {
        var t = TreeOf(E(1, 3), E(5, 6));
        Assert.Equal(3 * P, t.FindSpace(2 * P, Top, P, P));
        Assert.Equal(6 * P, t.FindSpace(4 * P, Top, 2 * P, P)); // [4,5) is only one page from min
    }

    [Fact]
    public void FindSpace_alignment_can_make_a_large_enough_gap_too_small()
    {
        // Gap [5,8) holds two pages, but no 8-page-aligned address in it does.
        var t = TreeOf(E(0, 5), E(8, 9), E(9, 13));
        Assert.Equal(5 * P, t.FindSpace(0, Top, 2 * P, P));
        Assert.Equal(16 * P, t.FindSpace(0, Top, 2 * P, 8 * P));
        Assert.Equal(6 * P, t.FindSpace(0, Top, 2 * P, 3 * P)); // alignments need not be powers of two
    }

    [Fact]
    public void FindSpace_reaches_the_top_of_the_address_space()
    {
        var last = new MapEntry(BelowTop(4 * P), BelowTop(2 * P));
        var t = TreeOf(E(1, 2), last);
        Assert.Equal(BelowTop(2 * P), t.FindSpace(BelowTop(3 * P), Top, P, P));
        Assert.Null(t.FindSpace(BelowTop(3 * P), Top, 2 * P, P)); // would end at 2^64
        Assert.Equal(BelowTop(2 * P), t.FindSpace(BelowTop(3 * P), Top, 2 * P - 1, 1));
        Assert.Null(t.FindSpace(BelowTop(P), Top, P, 2 * P)); // aligning up would overflow
    }

    [Fact]
    public void BoundsChanged_keeps_free_space_answers_right()
    {
        var a = E(1, 4);
        var b = E(6, 8);
        var t = TreeOf(a, b);
        Assert.Equal(8 * P, t.FindSpace(P, Top, 3 * P, P));

        a.End = 2 * P; // clip
        t.BoundsChanged(a);
        Assert.Empty(t.Verify());
        Assert.Equal(2 * P, t.FindSpace(P, Top, 3 * P, P));

        b.Start = 3 * P; // merge backward
        t.BoundsChanged(b);
        Assert.Empty(t.Verify());
        Assert.Equal(8 * P, t.FindSpace(P, Top, 2 * P, P));

        a.Start = 0; // extend the first entry down: no space below it any more
        t.BoundsChanged(a);
        Assert.Empty(t.Verify());
        Assert.Equal(2 * P, t.FindSpace(0, Top, P, P));
    }

    [Fact]
    public void Remove_clears_links_so_the_entry_can_be_inserted_again()
    {
        var a = E(1, 2);
        var b = E(2, 3);
        var c = E(3, 4);
        var t = TreeOf(a, b, c);
        t.Remove(b);
        Assert.Null(b.Prev);
        Assert.Null(b.Next);
        Assert.Same(c, a.Next);
        Assert.Same(a, c.Prev);
        Assert.Equal(2, t.Count);
        Assert.Empty(t.Verify());
        Assert.Equal(2 * P, t.FindSpace(P, Top, P, P));

        var other = new EntryTree();
        other.Insert(b);
        Assert.Empty(other.Verify());
        Assert.Throws<InvalidOperationException>(() => t.Remove(b));
        Assert.Throws<InvalidOperationException>(() => t.Insert(b));
    }

    [Fact]
    public void Enumeration_fails_when_the_tree_changes()
    {
        var t = TreeOf(E(1, 2), E(3, 4));
        Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var e in t)
            {
                t.Insert(E(5, 6));
            }
        });
    }

    [Fact]
    public void Verify_reports_broken_augmentation_order_and_links()
    {
        var a = E(1, 2);
        var b = E(3, 4);
        var c = E(5, 6);
        var t = TreeOf(a, b, c);
        b.TreeMaxGap++;
        Assert.Contains(t.Verify(), p => p.Contains("max gap"));
        b.TreeMaxGap--;

        b.End = 6 * P; // moved without BoundsChanged: overlaps c and a's gap is stale
        Assert.Contains(t.Verify(), p => p.Contains("overlap"));
        b.End = 4 * P;

        c.Prev = a;
        Assert.Contains(t.Verify(), p => p.Contains("Prev"));
        c.Prev = b;
        Assert.Empty(t.Verify());
    }

    /// <summary>
    /// <see cref="EntryTree.Verify"/> first asks a hash-free walk whether the tree is sound and
    /// lists problems only when it is not: every single damage, to any entry of a tree deep
    /// enough to have inner nodes, must still be listed, and undoing it must leave nothing.
    /// </summary>
    [Fact]
    public void Verify_lists_every_single_damage_to_any_entry()
    {
        var entries = Enumerable.Range(0, 13).Select(i => E(3 * (ulong)i + 1, 3 * (ulong)i + 2)).ToArray();
        var t = TreeOf(entries);
        var other = new EntryTree();
        var damages = new (string Name, Action<MapEntry> Do, Action<MapEntry> Undo)[]
        {
            ("height", e => e.TreeHeight++, e => e.TreeHeight--),
            ("max gap", e => e.TreeMaxGap--, e => e.TreeMaxGap++),
            ("inverted", e => e.End = e.Start, e => e.End = e.Start + P),
            ("owner", e => e.TreeOwner = other, e => e.TreeOwner = t),
        };
        foreach (MapEntry e in entries)
        {
            foreach (var (name, damage, undo) in damages)
            {
                damage(e);
                Assert.True(t.Verify().Count > 0, $"{name} of {e} not listed");
                undo(e);
                Assert.Empty(t.Verify());
            }
            MapEntry? prev = e.Prev, next = e.Next, parent = e.TreeParent;
            e.Prev = e;
            Assert.Contains(t.Verify(), p => p.Contains("Prev"));
            e.Prev = prev;
            e.Next = e;
            Assert.Contains(t.Verify(), p => p.Contains("Next"));
            e.Next = next;
            e.TreeParent = e;
            Assert.NotEmpty(t.Verify());
            e.TreeParent = parent;
            if (e.TreeLeft is null && e.TreeRight is null && parent is not null)
            {
                // A leaf also hung under a second parent: reachable twice.
                MapEntry host = entries.First(x => x != e && x != parent && x.TreeRight is null && x.TreeLeft is null);
                host.TreeRight = e;
                Assert.NotEmpty(t.Verify());
                host.TreeRight = null;
            }
            if (e.TreeLeft is { } left && e.TreeRight is null)
            {
                e.TreeRight = left; // the same child on both sides
                Assert.Contains(t.Verify(), p => p.Contains("reachable twice"));
                e.TreeRight = null;
            }
            Assert.Empty(t.Verify());
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Large_trees_stay_balanced(int pattern)
    {
        const int n = 50_000;
        var t = new EntryTree();
        var entries = new MapEntry[n];
        for (var i = 0; i < n; i++)
        {
            var k = pattern switch
            {
                0 => i,
                1 => n - 1 - i,
                _ => (int)((long)i * 7919 % n), // 7919 is prime and coprime to n
            };
            entries[k] = E(2 * (ulong)k + 1, 2 * (ulong)k + 2);
            t.Insert(entries[k]);
        }
        Assert.Empty(t.Verify());
        Assert.True(t.Height <= 1.45 * Math.Log2(n + 2), $"height {t.Height}");
        Assert.Null(t.FindSpace(P, 2 * n * P, 2 * P, P));
        Assert.Equal(2 * (ulong)n * P, t.FindSpace(P, Top, 2 * P, P));

        for (var i = 0; i < n; i += 2)
        {
            t.Remove(entries[i]);
        }
        Assert.Empty(t.Verify());
        Assert.Equal(n / 2, t.Count);
        Assert.True(t.Height <= 1.45 * Math.Log2(n / 2 + 2), $"height {t.Height}");
        Assert.Equal(0UL, t.FindSpace(0, Top, 3 * P, P));
        Assert.Equal(4 * P, t.FindSpace(1, Top, 3 * P, P)); // [1,4) hits the entry at page 3
    }

    // ------------------------------------------------------------ model-based property test

    private const ulong Pages = 40;

    /// <summary>One random step; the numbers are resolved against the current state.</summary>
    private sealed record Step(int Kind, uint A, uint B, Query Q);

    private sealed record Query(uint Min, uint Max, uint Length, int Align, uint Va);

    private static readonly ulong[] Alignments = [1, P, P, 2 * P, 4 * P, 3 * P, 16 * P];

    private static readonly Gen<Query> GenQuery =
        Gen.Select(Gen.UInt, Gen.UInt, Gen.UInt, Gen.Int[0, Alignments.Length - 1], Gen.UInt,
            (min, max, len, align, va) => new Query(min, max, len, align, va));

    private static readonly Gen<Step> GenStep =
        Gen.Select(Gen.Int[0, 9], Gen.UInt, Gen.UInt, GenQuery, (k, a, b, q) => new Step(k, a, b, q));

    private static readonly Gen<(int Base, Step[] Steps)> GenRun =
        Gen.Select(Gen.Int[0, 2], GenStep.Array[1, 80]);

    /// <summary>The reference: entries as a plain sorted list of bounds.</summary>
    private sealed class Model(ulong baseVa)
    {
        public readonly List<MapEntry> Entries = [];
        public readonly List<(ulong Start, ulong End)> Bounds = [];
        public readonly ulong Base = baseVa;
        public ulong Limit => Base + Pages * P;

        public void Add(MapEntry e)
        {
            var i = Bounds.FindIndex(b => b.Start > e.Start);
            i = i < 0 ? Bounds.Count : i;
            Bounds.Insert(i, (e.Start, e.End));
            Entries.Insert(i, e);
        }

        public void RemoveAt(int i)
        {
            Bounds.RemoveAt(i);
            Entries.RemoveAt(i);
        }

        public void Sync(int i) => Bounds[i] = (Entries[i].Start, Entries[i].End);

        public bool IsFree(ulong va) => Bounds.TrueForAll(b => va < b.Start || va >= b.End);

        public MapEntry? Floor(ulong va)
        {
            var i = Bounds.FindLastIndex(b => b.Start <= va);
            return i < 0 ? null : Entries[i];
        }

        public MapEntry? Ceiling(ulong va)
        {
            var i = Bounds.FindIndex(b => b.Start >= va);
            return i < 0 ? null : Entries[i];
        }

        public MapEntry? Containing(ulong va)
        {
            var i = Bounds.FindIndex(b => b.Start <= va && va < b.End);
            return i < 0 ? null : Entries[i];
        }

        /// <summary>
        /// Brute force: the lowest fit is aligned-up min or aligned-up End of some entry, so try
        /// them all and check each against every entry.
        /// </summary>
        public ulong? FindSpace(ulong min, ulong max, ulong length, ulong alignment)
        {
            ulong? best = null;
            foreach (var c in Bounds.Select(b => b.End).Where(e => e >= min).Prepend(min))
            {
                var rem = c % alignment;
                if (rem != 0 && c > ulong.MaxValue - (alignment - rem))
                {
                    continue;
                }
                var a = rem == 0 ? c : c + (alignment - rem);
                if (a > ulong.MaxValue - length || a + length > max)
                {
                    continue;
                }
                if (Bounds.Exists(b => b.Start < a + length && a < b.End))
                {
                    continue;
                }
                if (best is null || a < best)
                {
                    best = a;
                }
            }
            return best;
        }
    }

    [Fact]
    public void Matches_a_sorted_list_under_random_operations() =>
        GenRun.Sample(run =>
        {
            var baseVa = run.Base switch
            {
                0 => 0UL,
                1 => 0x7f7f_0000_0000UL,
                _ => BelowTop((Pages + 1) * P), // top of the address space
            };
            var model = new Model(baseVa);
            var tree = new EntryTree();
            foreach (var step in run.Steps)
            {
                Apply(tree, model, step);
                Check(tree, model, step.Q);
            }
        }, iter: 4000);

    private static void Apply(EntryTree tree, Model m, Step s)
    {
        var n = m.Entries.Count;
        var i = n == 0 ? -1 : (int)(s.A % (uint)n);
        var e = i < 0 ? null : m.Entries[i];
        var lower = i <= 0 ? m.Base : m.Bounds[i - 1].End;      // free space below e starts here
        var upper = i < 0 || i == n - 1 ? m.Limit : m.Bounds[i + 1].Start;
        switch (s.Kind)
        {
            case 0 or 1 or 2: // insert inside the free run around a random page
            {
                var va = m.Base + s.A % Pages * P;
                if (!m.IsFree(va))
                {
                    return;
                }
                var lo = m.Floor(va) is { } f ? f.End : m.Base;
                var hi = m.Ceiling(va) is { } c ? c.Start : m.Limit;
                var start = va - s.B % ((va - lo) / P + 1) * P;
                var end = va + P + (s.B >> 8) % ((hi - va) / P) * P;
                var x = new MapEntry(start, end);
                tree.Insert(x);
                m.Add(x);
                return;
            }
            case 3: // remove
                if (e is null)
                {
                    return;
                }
                tree.Remove(e);
                m.RemoveAt(i);
                return;
            case 4: // clip: shorten End
                if (e is null || e.Size == P)
                {
                    return;
                }
                e.End = e.Start + (1 + s.B % (e.Size / P - 1)) * P;
                break;
            case 5: // clip: advance Start
                if (e is null || e.Size == P)
                {
                    return;
                }
                e.Start += (1 + s.B % (e.Size / P - 1)) * P;
                break;
            case 6: // merge: extend End into free space
                if (e is null || upper == e.End)
                {
                    return;
                }
                e.End += (1 + s.B % ((upper - e.End) / P)) * P;
                break;
            case 7: // merge: extend Start backward into free space
                if (e is null || lower == e.Start)
                {
                    return;
                }
                e.Start -= (1 + s.B % ((e.Start - lower) / P)) * P;
                break;
            case 8: // split at a page boundary: shorten, then insert the tail
            {
                if (e is null || e.Size == P)
                {
                    return;
                }
                var oldEnd = e.End;
                e.End = e.Start + (1 + s.B % (e.Size / P - 1)) * P;
                tree.BoundsChanged(e);
                m.Sync(i);
                var tail = new MapEntry(e.End, oldEnd);
                tree.Insert(tail);
                m.Add(tail);
                return;
            }
            default: // merge with the next entry when adjacent: remove it, then extend
            {
                if (e is null || i == n - 1 || m.Bounds[i + 1].Start != e.End)
                {
                    return;
                }
                var next = m.Entries[i + 1];
                tree.Remove(next);
                m.RemoveAt(i + 1);
                e.End = next.End;
                break;
            }
        }
        tree.BoundsChanged(e);
        m.Sync(i);
    }

    private static void Check(EntryTree tree, Model m, Query q)
    {
        Assert.Empty(tree.Verify());
        Assert.Equal(m.Entries.Count, tree.Count);
        Assert.Equal(m.Entries, tree.ToList());
        Assert.Equal(m.Entries.FirstOrDefault(), tree.First);
        Assert.Equal(m.Entries.LastOrDefault(), tree.Last);
        Assert.True(m.Entries.Zip(m.Bounds).All(p => p.First.Start == p.Second.Start && p.First.End == p.Second.End));

        // Every page boundary and the byte below it, plus one random byte address.
        for (ulong k = 0; k <= Pages + 1; k++)
        {
            CheckLookups(tree, m, m.Base + k * P);
            CheckLookups(tree, m, m.Base + k * P - 1);
        }
        CheckLookups(tree, m, m.Base + q.Va % ((Pages + 2) * P));

        var min = m.Base + q.Min % ((Pages + 2) * P);
        if ((q.Min & 0x8000_0000) == 0)
        {
            min -= min % P;
        }
        var length = (q.Length & 1) == 0 ? (1 + (q.Length >> 1) % 12) * P : 1 + (q.Length >> 1) % (12 * P);
        var max = (q.Max % 3) switch
        {
            0 => ulong.MaxValue,
            1 => m.Limit,
            _ => min + (q.Max >> 2) % ((Pages + 4) * P),
        };
        var alignment = Alignments[q.Align];
        Assert.Equal(m.FindSpace(min, max, length, alignment), tree.FindSpace(min, max, length, alignment));
        // The common map query: page-aligned, from the base, to the limit.
        Assert.Equal(m.FindSpace(m.Base, m.Limit, length, P), tree.FindSpace(m.Base, m.Limit, length, P));
    }

    private static void CheckLookups(EntryTree tree, Model m, ulong va)
    {
        Assert.Same(m.Floor(va), tree.Floor(va));
        Assert.Same(m.Ceiling(va), tree.Ceiling(va));
        Assert.Same(m.Containing(va), tree.FindContaining(va));
    }
}
