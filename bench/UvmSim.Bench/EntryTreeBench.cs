using BenchmarkDotNet.Attributes;
using UvmSim.Map;

namespace UvmSim.Bench;

/// <summary>
/// Per-operation cost of the map's entry index at N entries (SPEC §14: O(log n) up to 10^6).
/// Layout: two-page entries from 0x1000, one free page after each, three free pages after
/// every 64th; each benchmark runs <see cref="Ops"/> operations at seeded random places.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class EntryTreeBench
{
    private const ulong P = 4096;
    private const int Ops = 1024;
    private const ulong UserMin = 0x1000;
    private const ulong UserMax = 0x7f7f_ffff_c000;

    private EntryTree _tree = null!;
    private MapEntry[] _entries = null!;
    private readonly ulong[] _addresses = new ulong[Ops];
    private readonly ulong[] _gaps = new ulong[Ops];
    private readonly ulong[] _ascending = new ulong[Ops];
    private readonly MapEntry _probe = new(0, P);

    /// <summary>Entries in the tree.</summary>
    [Params(1_000, 10_000, 100_000, 1_000_000)]
    public int N { get; set; }

    /// <summary>Builds the tree and the random operands (one seeded generator).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _tree = new EntryTree();
        _entries = new MapEntry[N];
        var va = UserMin;
        for (var i = 0; i < N; i++)
        {
            _entries[i] = new MapEntry(va, va + 2 * P);
            _tree.Insert(_entries[i]);
            va += (i % 64 == 63 ? 5UL : 3UL) * P;
        }
        var rng = new Random(42);
        var top = _entries[^1].End;
        for (var i = 0; i < Ops; i++)
        {
            _addresses[i] = UserMin + (ulong)rng.NextInt64((long)(top - UserMin));
            _gaps[i] = _entries[rng.Next(N)].End; // the first page after an entry is always free
        }
        // Neighbouring addresses from one random place: same tree depth, warm cache.
        var from = rng.Next(Math.Max(1, N - Ops));
        for (var i = 0; i < Ops; i++)
        {
            _ascending[i] = _entries[Math.Min(N - 1, from + i)].Start + P;
        }
    }

    /// <summary><c>uvm_map_lookup_entry</c> of a random address (hit or hole).</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public int FindContaining()
    {
        var hits = 0;
        foreach (var a in _addresses)
        {
            if (_tree.FindContaining(a) is not null)
            {
                hits++;
            }
        }
        return hits;
    }

    /// <summary>Lookups of neighbouring entries: the tree walk without the cache misses.</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public int FindContainingAscending()
    {
        var hits = 0;
        foreach (var a in _ascending)
        {
            if (_tree.FindContaining(a) is not null)
            {
                hits++;
            }
        }
        return hits;
    }

    /// <summary>Insert a one-page entry into a random hole, then remove it.</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public void InsertRemove()
    {
        var e = _probe;
        foreach (var g in _gaps)
        {
            e.Start = g;
            e.End = g + P;
            _tree.Insert(e);
            _tree.Remove(e);
        }
    }

    /// <summary>First fit of two pages from a random address: the next wide gap is up to 64 entries away.</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public ulong FindSpaceFromHint()
    {
        ulong sum = 0;
        foreach (var a in _addresses)
        {
            sum += _tree.FindSpace(a, UserMax, 2 * P, P) ?? 0;
        }
        return sum;
    }

    /// <summary>First fit of four pages from the bottom: only the space above the last entry fits.</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public ulong FindSpaceFromBottom()
    {
        ulong sum = 0;
        for (var i = 0; i < Ops; i++)
        {
            sum += _tree.FindSpace(UserMin, UserMax, 4 * P, P) ?? 0;
        }
        return sum;
    }
}
