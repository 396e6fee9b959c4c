using BenchmarkDotNet.Attributes;
using UvmSim.Map;

namespace UvmSim.Bench;

/// <summary>
/// Map operations through <see cref="VmMap"/> at N entries (SPEC §14: O(log n) up to 10^6).
/// Layout: two-page entries from 0x1000 with a two-page hole after each, so no two touch.
/// Each benchmark does <see cref="Ops"/> operations at seeded random places and undoes each
/// one, so the map has N entries whenever an operation starts.
/// </summary>
[MemoryDiagnoser]
public class MapBench
{
    private const ulong P = 4096;
    private const int Ops = 1024;

    private VmMap _map = null!;
    private MapEntry[] _entries = null!;
    private readonly ulong[] _addresses = new ulong[Ops];
    private readonly MapEntry[] _targets = new MapEntry[Ops];
    private readonly MapEntry[] _neighbours = new MapEntry[Ops];
    private readonly MapEntry _probe = new(0, P);

    /// <summary>Entries in the map.</summary>
    [Params(1_000, 10_000, 100_000, 1_000_000)]
    public int N { get; set; }

    /// <summary>Builds the map once and draws the operands (one seeded generator).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _map = new VmMap((int)P);
        _entries = new MapEntry[N];
        ulong va = VmMap.DefaultMin;
        for (int i = 0; i < N; i++)
        {
            _entries[i] = new MapEntry(va, va + 2 * P);
            _map.Insert(_entries[i]);
            va += 4 * P;
        }
        var rng = new Random(42);
        for (int i = 0; i < Ops; i++)
        {
            _addresses[i] = VmMap.DefaultMin + (ulong)rng.NextInt64((long)(va - VmMap.DefaultMin));
            _targets[i] = _entries[rng.Next(N)];
        }
        int from = rng.Next(N);
        for (int i = 0; i < Ops; i++)
        {
            _neighbours[i] = _entries[(from + i) % N];
        }
    }

    /// <summary><c>uvm_map_lookup_entry</c> of a random address (hit or hole, evenly).</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public int Lookup()
    {
        int hits = 0;
        foreach (ulong a in _addresses)
        {
            if (_map.Lookup(a) is not null)
            {
                hits++;
            }
        }
        return hits;
    }

    /// <summary>
    /// Clip a random entry in two (<c>uvm_map_clip_start</c>), then undo: take the upper half
    /// out and merge it back (<see cref="VmMap.InsertMerging"/>).
    /// </summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public void ClipAndMerge() => ClipAndMergeAll(_targets);

    private void ClipAndMergeAll(MapEntry[] targets)
    {
        foreach (MapEntry e in targets)
        {
            MapEntry upper = _map.Split(e, e.Start + P);
            _map.Remove(upper);
            _map.InsertMerging(upper);
        }
    }

    /// <summary>
    /// <see cref="ClipAndMerge"/> on neighbouring entries, one after another: the tree work
    /// without the cache misses of a random place (as a process touching nearby ranges does).
    /// </summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public void ClipAndMergeNeighbours() => ClipAndMergeAll(_neighbours);

    /// <summary>Insert a one-page entry into the hole after a random entry, then remove it.</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public void InsertRemove() => InsertRemoveAfter(_targets);

    /// <summary><see cref="InsertRemove"/> after neighbouring entries, one after another.</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public void InsertRemoveNeighbours() => InsertRemoveAfter(_neighbours);

    private void InsertRemoveAfter(MapEntry[] targets)
    {
        MapEntry e = _probe;
        foreach (MapEntry t in targets)
        {
            e.Start = t.End + P;
            e.End = t.End + 2 * P;
            _map.Insert(e);
            _map.Remove(e);
        }
    }

    /// <summary>Remove a random entry, then put it back.</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public void RemoveInsert()
    {
        foreach (MapEntry t in _targets)
        {
            _map.Remove(t);
            _map.Insert(t);
        }
    }
}
