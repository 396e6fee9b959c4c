using System.Numerics;
using UvmSim.Kernel;
using UvmSim.Fault;
using UvmSim.Map;
using UvmSim.Physical;

namespace UvmSim.Exploration;

/// <summary>
/// A canonical 64-bit hash of everything that decides what later calls do and what the
/// auditor reports: processes in creation order, their entries and translations, the wire
/// count of the page at every mapped address, segments, transient handles and the
/// counters. Frames and objects are numbered by first appearance, so two runs that reach
/// the same state through different frames hash alike (the explorer's deduplication).
/// </summary>
/// <remarks>
/// Given <c>interchangeable</c> = k of 2 or more (<c>explore --symmetry</c>), the hash also
/// forgets which of the first k processes (in creation order, the order a search's calls
/// name them in) is which: a state and its mirror, those k processes in another order, hash
/// alike. That is exact when the calls offered to each of the k are the same, as the
/// explorer's alphabet does. The later processes keep their order: no call names them, and
/// they move up in that order as earlier ones exit. The first k are put in the order of a
/// signature that does not depend on their order (their own limits, locks and entries,
/// without frames), and those whose signatures tie are tried in every order, keeping the
/// smallest hash: the same set of orders is tried for a state and for every mirror of it.
/// </remarks>
public sealed class StateHash(int interchangeable = 0)
{
    /// <summary>The most processes that may be interchangeable (6! = 720 orders at the most).</summary>
    public const int SymmetryLimit = 6;

    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;
    private int[] _frameIds = [];
    private int[] _frameStamp = [];
    private int _stamp;
    private int _nextFrame;
    private readonly List<Process> _procs = [];
    private const int ScanLimit = 32;
    private readonly object?[] _objects = new object?[ScanLimit + 1];
    private readonly Dictionary<object, int> _many = new(ReferenceEqualityComparer.Instance);
    private int _objectCount;

    /// <summary>The state's words in walk order; hashed in one pass at the end (<see cref="Combine"/>).</summary>
    private ulong[] _words = new ulong[256];
    private int _n;

    /// <summary>Hashes the kernel's state.</summary>
    public ulong Of(Kernel.Kernel k)
    {
        if (_frameIds.Length != k.Vm.Frames.Count)
        {
            _frameIds = new int[k.Vm.Frames.Count];
            _frameStamp = new int[k.Vm.Frames.Count];
        }
        _procs.Clear();
        _procs.AddRange(k.LiveProcesses);
        if (!InPidOrder(_procs))
        {
            _procs.Sort(static (a, b) => a.Pid.CompareTo(b.Pid));
        }
        return _interchangeable > 1 && _procs.Count > 1 ? Smallest(k) : OfOrder(k, _procs);
    }

    /// <summary>The state's hash with its processes walked in the order of <paramref name="procs"/>.</summary>
    private ulong OfOrder(Kernel.Kernel k, List<Process> procs)
    {
        _stamp++;
        _nextFrame = 0;
        if (_objectCount > ScanLimit)
        {
            _many.Clear();
        }
        Array.Clear(_objects, 0, Math.Min(_objectCount, _objects.Length));
        _objectCount = 0;
        _n = 0;
        Mix((ulong)k.Vm.Stats.Wired);
        Mix((ulong)k.Vm.Stats.Free);
        FramePool frames = k.Vm.Frames;
        ulong page = (ulong)k.PageSize;
        foreach (Process p in procs)
        {
            Pmap pmap = p.Space.Pmap;
            Mix(p.Uid);
            Mix(p.Space.Map.WireFuture ? 1UL : 0UL);
            Mix(p.MemlockSoft);
            Mix(p.MemlockHard);
            foreach (var (s, e) in p.PosixLocked.Ranges)
            {
                Mix(s);
                Mix(e);
            }
            foreach (var a in p.Attachments)
            {
                Mix((ulong)Canonical(a.Segment));
                Mix(a.Va);
            }
            for (MapEntry? e = p.Space.Map.First; e is not null; e = e.Next)
            {
                Mix(e.Start);
                Mix(e.End);
                Mix(EntryWord(e));
                Mix((e.Object is null ? 0UL : (uint)Canonical(e.Object)) | (e.Amap is null ? 0UL : (ulong)(uint)Canonical(e.Amap) << 32));
                for (ulong va = e.Start; va < e.End; va += page)
                {
                    Mix(FrameWord(frames, k.Faults.PageAt(e, va)));
                    Mix(pmap.TryGet(va, out var pte) ? FrameWord(frames, pte.Frame) << 2 | (pte.Wired ? 2UL : 1UL) : 0);
                }
            }
        }
        foreach (var s in k.Shm.Segments)
        {
            Mix((ulong)Canonical(s));
            Mix(s.Key);
            Mix((s.Locked ? 1UL : 0) | (s.Removed ? 2UL : 0) | (s.ObjectWired ? 4UL : 0) | (ulong)s.Nattch << 8);
            Mix(s.Mode);
            for (long i = 0; i < s.Object.SizePages; i++)
            {
                Mix(FrameWord(frames, s.Object.FrameAt(i)));
            }
        }
        foreach (var h in k.Handles.Values)
        {
            Mix((h.Released ? 1UL : 0) | (h.AuditHolds ? 2UL : 0) | (h.Process.Alive ? 4UL : 0));
            Mix(h.Start);
            Mix(h.End);
            foreach (int f in h.Frames)
            {
                Mix(FrameWord(frames, f));
            }
        }
        return Combine(_words, _n);
    }

    private readonly int _interchangeable = interchangeable <= SymmetryLimit ? interchangeable
        : throw new ArgumentOutOfRangeException(nameof(interchangeable), interchangeable, $"at most {SymmetryLimit} processes can be interchangeable");
    private readonly List<Process> _order = [];
    private ulong[] _signatures = [];
    private bool[] _placed = [];

    /// <summary>
    /// The smallest hash over the orders of <see cref="_procs"/> that keep the processes past
    /// the interchangeable ones where they are and sort the interchangeable ones by signature:
    /// those whose signatures differ keep the signatures' order, ties are tried every way.
    /// </summary>
    private ulong Smallest(Kernel.Kernel k)
    {
        int n = Math.Min(_procs.Count, _interchangeable);
        if (_signatures.Length < n)
        {
            _signatures = new ulong[n];
            _placed = new bool[n];
        }
        for (int i = 0; i < n; i++)
        {
            _signatures[i] = Signature(_procs[i]);
        }
        // Sorted by signature; a stable sort keeps the pid order among ties, which the
        // search below then permutes.
        for (int i = 1; i < n; i++)
        {
            for (int j = i; j > 0 && _signatures[j - 1] > _signatures[j]; j--)
            {
                (_signatures[j - 1], _signatures[j]) = (_signatures[j], _signatures[j - 1]);
                (_procs[j - 1], _procs[j]) = (_procs[j], _procs[j - 1]);
            }
        }
        _order.Clear();
        Array.Clear(_placed, 0, n);
        ulong best = ulong.MaxValue;
        Orders(k, 0, n, ref best);
        return best;
    }

    /// <summary>
    /// Fills position <paramref name="at"/> of <see cref="_order"/> with each unplaced process
    /// of that position's signature in turn, and once the <paramref name="n"/> interchangeable
    /// ones are placed, adds the rest in creation order and hashes the order into <paramref name="best"/>.
    /// </summary>
    private void Orders(Kernel.Kernel k, int at, int n, ref ulong best)
    {
        if (at == n)
        {
            int placed = _order.Count;
            for (int i = n; i < _procs.Count; i++)
            {
                _order.Add(_procs[i]);
            }
            best = Math.Min(best, OfOrder(k, _order));
            _order.RemoveRange(placed, _order.Count - placed);
            return;
        }
        int first = at;
        while (first > 0 && _signatures[first - 1] == _signatures[at])
        {
            first--;
        }
        int last = at;
        while (last + 1 < n && _signatures[last + 1] == _signatures[at])
        {
            last++;
        }
        for (int i = first; i <= last; i++)
        {
            if (_placed[i])
            {
                continue;
            }
            _placed[i] = true;
            _order.Add(_procs[i]);
            Orders(k, at + 1, n, ref best);
            _order.RemoveAt(_order.Count - 1);
            _placed[i] = false;
        }
    }

    /// <summary>
    /// What a process is, apart from which frames and objects it holds and from its place
    /// among the others (a function of the process alone, so every order of the processes
    /// gives each the same): its credentials, limits, locks and entries.
    /// </summary>
    private static ulong Signature(Process p)
    {
        ulong h = Step(Offset, p.Uid | (ulong)p.Gid << 32);
        h = Step(h, p.MemlockSoft);
        h = Step(h, p.MemlockHard);
        h = Step(h, (p.Space.Map.WireFuture ? 1UL : 0) | (ulong)(uint)p.Attachments.Count << 8);
        foreach (var (s, e) in p.PosixLocked.Ranges)
        {
            h = Step(Step(h, s), e);
        }
        for (MapEntry? e = p.Space.Map.First; e is not null; e = e.Next)
        {
            h = Step(Step(h, e.Start), e.End);
            h = Step(h, EntryWord(e));
        }
        return h;
    }

    /// <summary>An entry's protections, inheritance, flags and wire count as one word.</summary>
    private static ulong EntryWord(MapEntry e) =>
        (ulong)e.Protection | (ulong)e.MaxProtection << 8 | (ulong)e.Inheritance << 16
        | (e.Mlocked ? 1UL << 24 : 0) | (e.SegmentRecord ? 1UL << 25 : 0) | (e.CopyOnWrite ? 1UL << 26 : 0)
        | (e.NeedsCopy ? 1UL << 27 : 0) | (e.NoMerge ? 1UL << 28 : 0) | (ulong)(uint)e.WiredCount << 32;

    /// <summary>Whether <paramref name="procs"/> are sorted already (the usual order of the kernel's table).</summary>
    private static bool InPidOrder(List<Process> procs)
    {
        for (int i = 1; i < procs.Count; i++)
        {
            if (procs[i - 1].Pid > procs[i].Pid)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The number of <paramref name="o"/> in order of first appearance. A state usually holds a
    /// few objects, amaps and segments, so a scan of the ones met so far beats hashing them (a
    /// reference hash is generated and stored in each fresh object's header); past
    /// <see cref="ScanLimit"/> of them a dictionary takes over.
    /// </summary>
    private int Canonical(object o)
    {
        if (_objectCount > ScanLimit)
        {
            if (!_many.TryGetValue(o, out int id))
            {
                _many[o] = id = ++_objectCount;
            }
            return id;
        }
        object?[] seen = _objects;
        for (int i = 0; i < _objectCount; i++)
        {
            if (ReferenceEquals(seen[i], o))
            {
                return i + 1;
            }
        }
        seen[_objectCount] = o;
        if (++_objectCount > ScanLimit)
        {
            for (int i = 0; i < _objectCount; i++)
            {
                _many[seen[i]!] = i + 1;
            }
        }
        return _objectCount;
    }

    /// <summary>
    /// Frame <paramref name="f"/> as one word: its number by first appearance, its wire count
    /// and its state, packed side by side (bits 0–31, 32–47, 48–55; the top bits stay clear,
    /// so a page's translation word can shift it and add its wired bit); no frame is all ones.
    /// </summary>
    private ulong FrameWord(FramePool frames, int f)
    {
        if (f < 0)
        {
            return ulong.MaxValue;
        }
        if (_frameStamp[f] != _stamp)
        {
            _frameStamp[f] = _stamp;
            _frameIds[f] = ++_nextFrame;
        }
        ref Frame fr = ref frames[f];
        return (uint)_frameIds[f] | (ulong)fr.WireCount << 32 | (ulong)fr.State << 48;
    }

    /// <summary>Appends <paramref name="v"/> to the state's words.</summary>
    private void Mix(ulong v)
    {
        if (_n == _words.Length)
        {
            Array.Resize(ref _words, _n * 2);
        }
        _words[_n++] = v;
    }

    /// <summary>
    /// The hash of <paramref name="words"/>[..<paramref name="n"/>]: four lanes take every fourth
    /// word, so their multiply chains run side by side instead of one after another (the single
    /// chain's latency was most of the hash's time on the fuzzer's small states), then the lanes
    /// and the length are folded and the result finalised (murmur3's fmix64), so every bit of
    /// the state reaches the low bits <see cref="StateSet"/> indexes by.
    /// </summary>
    private static ulong Combine(ulong[] words, int n)
    {
        ulong a = Offset, b = Offset ^ 1, c = Offset ^ 2, d = Offset ^ 3;
        int i = 0;
        for (; i + 4 <= n; i += 4)
        {
            a = Step(a, words[i]);
            b = Step(b, words[i + 1]);
            c = Step(c, words[i + 2]);
            d = Step(d, words[i + 3]);
        }
        if (i < n)
        {
            a = Step(a, words[i]);
        }
        if (i + 1 < n)
        {
            b = Step(b, words[i + 1]);
        }
        if (i + 2 < n)
        {
            c = Step(c, words[i + 2]);
        }
        ulong h = Step(Step(Step(Step(Step(Offset, (ulong)n), a), b), c), d);
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53UL;
        return h ^ (h >> 33);
    }

    /// <summary>One word into one lane: a bijection of the lane for each word, and of the word for each lane.</summary>
    private static ulong Step(ulong h, ulong v) =>
        BitOperations.RotateLeft(h ^ (v * 0x9E3779B97F4A7C15UL), 31) * Prime;
}
