using UvmSim.Undo;
namespace UvmSim.Objects;

/// <summary>What an amap needs to know of an entry that references it: which slots it covers.</summary>
public interface IAmapUser
{
    /// <summary>First address of the user's range.</summary>
    ulong Start { get; }

    /// <summary>One past its last address.</summary>
    ulong End { get; }

    /// <summary>The slot of <see cref="Start"/>.</summary>
    long AmapOffset { get; }
}

/// <summary>
/// An entry's private copy-on-write layer (<c>struct vm_amap</c>): a slot per page holding the
/// anon that replaced the object's page there. Entries reference it at a slot offset; a clip
/// or a shared fork makes several entries reference one amap.
/// </summary>
/// <remarks>
/// Slots live in chunks of up to 512, created on first use and grown as slots fill, so an
/// amap over a huge mapping, or over a small one, costs only what it holds. Instead of UVM's per-page reference counts (<c>ppref</c>) the amap
/// keeps its users: an anon is unreferenced when no user's range covers its slot, which
/// costs a walk over the few users rather than a count per page.
/// </remarks>
public sealed partial class Amap
{
    private const int ChunkBits = 9;
    private const int ChunkSize = 1 << ChunkBits;
    private readonly int _pageShift;
    // The first chunk made lives in two fields, and only the chunks after it (amaps over 512
    // slots) in a dictionary made for them: most amaps cost no dictionary (issue 17). Chunks
    // are never removed (ShiftUp replaces them all); their slots are logged with TouchArray.
    private long _firstKey;
    [LoggedApart]
    private Anon?[]? _firstChunk;
    [LoggedApart] // touched where it changes; ShiftUp replaces it whole
    private Dictionary<long, Anon?[]>? _chunks;
    private readonly List<IAmapUser> _users = new(1); // one entry in the common case; a fork or a clip adds more

    /// <summary>Creates an empty amap for pages of 2^<paramref name="pageShift"/> bytes.</summary>
    public Amap(int pageShift)
    {
        UndoLog.Fresh(this);
        _pageShift = pageShift;
    }

    /// <summary>How many entries reference this amap; merging needs exactly one.</summary>
    public int RefCount => _users.Count;

    /// <summary>The anon in <paramref name="slot"/>, if any.</summary>
    public Anon? this[long slot]
    {
        get => slot >= 0 && Chunk(slot, create: false) is { } c && (slot & (ChunkSize - 1)) < c.Length ? c[slot & (ChunkSize - 1)] : null;
        internal set
        {
            if (Chunk(slot, create: value is not null) is { } c && (slot & (ChunkSize - 1)) < c.Length)
            {
                UndoLog.TouchArray(c);
                c[slot & (ChunkSize - 1)] = value;
            }
        }
    }

    /// <summary>Records that <paramref name="user"/> references this amap.</summary>
    internal void AddUser(IAmapUser user)
    {
        UndoLog.Touch(this);
        _users.Add(user);
    }

    /// <summary>Forgets <paramref name="user"/>.</summary>
    internal void RemoveUser(IAmapUser user)
    {
        UndoLog.Touch(this);
        for (int i = 0; i < _users.Count; i++)
        {
            if (ReferenceEquals(_users[i], user))
            {
                _users.RemoveAt(i);
                return;
            }
        }
    }

    /// <summary>
    /// True when no user's range meets <c>[first, first + count)</c> and no anon lies there, so
    /// an entry may take those slots without sharing or exposing a page (Linux's re-merge of a
    /// VMA with a neighbour that has no <c>anon_vma</c>, docs/linux.md).
    /// </summary>
    internal bool Unused(long first, long count)
    {
        if (first < 0)
        {
            return false;
        }
        foreach (IAmapUser u in _users)
        {
            long start = u.AmapOffset, end = u.AmapOffset + (long)((u.End - u.Start) >> _pageShift);
            if (start < first + count && first < end)
            {
                return false;
            }
        }
        return !AnyAnonIn(first, count);
    }

    /// <summary>True when some user's range covers <paramref name="slot"/>.</summary>
    internal bool Covered(long slot)
    {
        foreach (IAmapUser u in _users)
        {
            if (slot >= u.AmapOffset && slot < u.AmapOffset + (long)((u.End - u.Start) >> _pageShift))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Moves every slot up by <paramref name="slots"/>, so a neighbour in front can merge
    /// (<c>amap_extend</c> backwards). Only for an amap with a single user, which the caller
    /// re-bases.
    /// </summary>
    internal void ShiftUp(long slots)
    {
        UndoLog.Touch(this);
        var moved = new Dictionary<long, Anon?[]>();
        foreach (var (slot, anon) in AnonsIn(0, long.MaxValue)) // fills a new dictionary: this amap's chunks stay as they are
        {
            long to = slot + slots;
            moved.TryGetValue(to >> ChunkBits, out Anon?[]? chunk);
            chunk = Fit(chunk, to);
            moved[to >> ChunkBits] = chunk;
            chunk[to & (ChunkSize - 1)] = anon;
        }
        _firstChunk = null;
        _chunks = null;
        foreach (var (key, chunk) in moved)
        {
            Put(key, chunk);
        }
    }

    /// <summary>Every anon in <c>[first, first + count)</c>, in slot order, walked by a struct enumerator (issue 17).</summary>
    internal AnonSlots AnonsIn(long first, long count) => new(this, first, count);

    /// <summary>True when some anon lies in <c>[first, first + count)</c>.</summary>
    internal bool AnyAnonIn(long first, long count)
    {
        AnonSlots.Enumerator e = AnonsIn(first, count).GetEnumerator();
        return e.MoveNext();
    }

    /// <summary>
    /// The anons of a slot range (<see cref="AnonsIn"/>). The walk visits the chunks that meet
    /// the range in key order: key by key when the range spans fewer keys than the amap has
    /// chunks, else by the next larger key present (a scan of the few chunks; a sorted copy of
    /// the keys past <see cref="ScanLimit"/> chunks), and reads each slot when it reaches it.
    /// </summary>
    internal readonly struct AnonSlots : IEnumerable<(long Slot, Anon Anon)>
    {
        /// <summary>Chunks beyond which a sparse walk sorts the keys once instead of scanning them per chunk.</summary>
        internal const int ScanLimit = 16;

        private readonly Amap _amap;
        private readonly long _first;
        private readonly long _count;

        internal AnonSlots(Amap amap, long first, long count)
        {
            _amap = amap;
            _first = first;
            _count = count;
        }

        /// <summary>The struct enumerator <c>foreach</c> binds to.</summary>
        public Enumerator GetEnumerator() => new(_amap, _first, _count);

        IEnumerator<(long Slot, Anon Anon)> IEnumerable<(long Slot, Anon Anon)>.GetEnumerator() => GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        /// <summary>Chunk by chunk, slot by slot.</summary>
        internal struct Enumerator : IEnumerator<(long Slot, Anon Anon)>
        {
            private readonly Amap _amap;
            private readonly long _first;
            private readonly long _end;
            private readonly long _lastKey;
            private readonly bool _byKey;
            private long _key;
            private bool _started;
            private long[]? _sorted;
            private int _sortedAt;
            private Anon?[]? _chunk;
            private int _i;
            private (long Slot, Anon Anon) _current;

            internal Enumerator(Amap amap, long first, long count)
            {
                _amap = amap;
                _first = first;
                _end = count > long.MaxValue - first ? long.MaxValue : first + count;
                long firstKey = Math.Max(first, 0) >> ChunkBits;
                _lastKey = (_end - 1) >> ChunkBits;
                _byKey = _lastKey - firstKey < amap.ChunkCount;
                _key = firstKey;
                _started = false;
                _sorted = null;
                _sortedAt = 0;
                _chunk = null;
                _i = 0;
                _current = default;
            }

            /// <inheritdoc/>
            public readonly (long Slot, Anon Anon) Current => _current;

            readonly object System.Collections.IEnumerator.Current => Current;

            /// <inheritdoc/>
            public bool MoveNext()
            {
                while (true)
                {
                    if (_chunk is { } chunk)
                    {
                        while (++_i < chunk.Length)
                        {
                            long slot = _key << ChunkBits | (uint)_i;
                            if (slot >= _first && slot < _end && chunk[_i] is { } anon)
                            {
                                _current = (slot, anon);
                                return true;
                            }
                        }
                        _chunk = null;
                    }
                    if (!NextKey())
                    {
                        return false;
                    }
                    _chunk = _amap.Find(_key);
                    _i = -1;
                }
            }

            /// <summary>Moves <see cref="_key"/> to the next chunk in the range; false past its end.</summary>
            private bool NextKey()
            {
                if (_amap._firstChunk is null)
                {
                    return false;
                }
                Dictionary<long, Anon?[]>? more = _amap._chunks;
                long firstKey = _key;
                if (_byKey)
                {
                    for (long k = _started ? _key + 1 : _key; k <= _lastKey; k++)
                    {
                        if (_amap.Find(k) is not null)
                        {
                            _key = k;
                            _started = true;
                            return true;
                        }
                    }
                    _started = true;
                    _key = _lastKey;
                    return false;
                }
                if (!_started && more is not null && more.Count >= ScanLimit)
                {
                    var keys = new List<long>();
                    if (_amap._firstKey >= firstKey && _amap._firstKey <= _lastKey)
                    {
                        keys.Add(_amap._firstKey);
                    }
                    foreach (long k in more.Keys)
                    {
                        if (k >= firstKey && k <= _lastKey)
                        {
                            keys.Add(k);
                        }
                    }
                    keys.Sort();
                    _sorted = [.. keys];
                }
                if (_sorted is { } sorted)
                {
                    _started = true;
                    if (_sortedAt == sorted.Length)
                    {
                        return false;
                    }
                    _key = sorted[_sortedAt++];
                    return true;
                }
                // Few chunks: the smallest key in range above the last one visited.
                long from = _started ? _key + 1 : _key;
                long best = _amap._firstKey >= from && _amap._firstKey <= _lastKey ? _amap._firstKey : long.MaxValue;
                if (more is not null)
                {
                    foreach (long k in more.Keys)
                    {
                        if (k >= from && k <= _lastKey && k < best)
                        {
                            best = k;
                        }
                    }
                }
                _started = true;
                if (best == long.MaxValue)
                {
                    return false;
                }
                _key = best;
                return true;
            }

            /// <inheritdoc/>
            public void Reset() => throw new NotSupportedException();

            /// <inheritdoc/>
            public readonly void Dispose()
            {
            }
        }
    }

    private Anon?[]? Chunk(long slot, bool create)
    {
        // No cache of the last chunk used (UvmObject.Chunk says why).
        long key = slot >> ChunkBits;
        Anon?[]? chunk = Find(key);
        if (!create)
        {
            return chunk;
        }
        Anon?[] fitted = Fit(chunk, slot);
        if (!ReferenceEquals(fitted, chunk))
        {
            UndoLog.Touch(this); // the first chunk's fields, or the dictionary's field, change
            Put(key, fitted);
        }
        return fitted;
    }

    private int ChunkCount => ChunkTable.Count(_firstChunk, _chunks);

    /// <summary>The chunk of key <paramref name="key"/>, if made.</summary>
    private Anon?[]? Find(long key) => ChunkTable.Find(key, _firstKey, _firstChunk, _chunks);

    /// <summary>Makes <paramref name="chunk"/> the chunk of <paramref name="key"/> (this amap is touched already).</summary>
    private void Put(long key, Anon?[] chunk) => ChunkTable.Put(key, chunk, ref _firstKey, ref _firstChunk, ref _chunks);

    /// <summary>
    /// <paramref name="chunk"/>, or a copy grown to hold <paramref name="slot"/>: chunks start
    /// at 8 slots and double up to 512, so the amap of a small mapping stays small.
    /// </summary>
    private static Anon?[] Fit(Anon?[]? chunk, long slot)
    {
        int need = (int)(slot & (ChunkSize - 1)) + 1;
        int length = chunk?.Length ?? 0;
        if (need <= length)
        {
            return chunk!;
        }
        int grown = Math.Min(ChunkSize, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(need, 8)));
        Array.Resize(ref chunk, grown);
        return chunk;
    }
}
