using UvmSim.Undo;
namespace UvmSim.Objects;

/// <summary>
/// A memory object (<c>struct uvm_object</c>): a sparse array of pages by page index.
/// Anonymous objects (<see cref="AnonObject"/>) zero-fill and swap; file objects
/// (<see cref="FileObject"/>) end at their size and drop reclaimed pages.
/// </summary>
public abstract partial class UvmObject
{
    private const int ChunkBits = 9;
    private const int ChunkSize = 1 << ChunkBits;
    // The first chunk made lives in two fields, and only the chunks after it (objects over
    // 512 pages) in a dictionary made for them: most objects cost no dictionary (issue 17).
    // Chunks are never removed, so walking the first and then the dictionary's is the order
    // the chunks were made in. A chunk's pages are logged with TouchArray where they change.
    private long _firstKey;
    [LoggedApart]
    private int[]? _firstChunk;
    [LoggedApart]
    private Dictionary<long, int[]>? _chunks;
    private int _resident;

    /// <summary>Registry id the frames record as their owner.</summary>
    internal int OwnerId { get; set => UndoLog.Set(this, ref field, value); } = -1;

    /// <summary>References from map entries and SysV segments; at 0 the pages are freed.</summary>
    public int RefCount { get; internal set => UndoLog.Set(this, ref field, value); } = 1;

    /// <summary>Pages that exist in a frame now.</summary>
    public int ResidentPages => _resident;

    /// <summary>Size in pages beyond which a fault fails (<c>EFAULT</c>), or -1 for unbounded.</summary>
    public abstract long SizePages { get; }

    /// <summary>
    /// Linux's unevictable mapping (<c>AS_UNEVICTABLE</c>, SPEC §17.3): every page created while
    /// set is wired at creation, holding the segment lock's wiring.
    /// </summary>
    public bool WiresNewPages { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>True for a file object opened read-only: shared mappings get max protection rx.</summary>
    public virtual bool ReadOnly => false;

    /// <summary>The frame holding page <paramref name="index"/>, or -1.</summary>
    public int FrameAt(long index) =>
        index >= 0 && Chunk(index, create: false) is { } c && (index & (ChunkSize - 1)) < c.Length ? c[index & (ChunkSize - 1)] : -1;

    /// <summary>Resident pages as (index, frame), in no particular order; a struct walk, so a <c>foreach</c> allocates nothing (issue 17).</summary>
    public PageWalk Pages => new(this);

    /// <summary>The resident pages of an object, chunk by chunk in the order they were made (<see cref="Pages"/>).</summary>
    public readonly struct PageWalk : IEnumerable<KeyValuePair<long, int>>
    {
        private readonly UvmObject _obj;

        internal PageWalk(UvmObject obj) => _obj = obj;

        /// <summary>The struct enumerator <c>foreach</c> binds to.</summary>
        public Enumerator GetEnumerator() => new(_obj);

        IEnumerator<KeyValuePair<long, int>> IEnumerable<KeyValuePair<long, int>>.GetEnumerator() => GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        /// <summary>Slot by slot through each chunk, skipping the empty ones.</summary>
        public struct Enumerator : IEnumerator<KeyValuePair<long, int>>
        {
            private ChunkTable.Walk<long, int[]> _chunks;
            private int[]? _chunk;
            private long _key;
            private int _i;

            internal Enumerator(UvmObject obj)
            {
                _chunks = ChunkTable.All(obj._firstKey, obj._firstChunk, obj._chunks);
                _chunk = null;
                _key = 0;
                _i = 0;
            }

            /// <inheritdoc/>
            public readonly KeyValuePair<long, int> Current => new(_key << ChunkBits | (uint)_i, _chunk![_i]);

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
                            if (chunk[_i] >= 0)
                            {
                                return true;
                            }
                        }
                        _chunk = null;
                    }
                    if (!_chunks.MoveNext())
                    {
                        return false;
                    }
                    (_key, _chunk) = _chunks.Current;
                    _i = -1;
                }
            }

            /// <inheritdoc/>
            public void Reset() => throw new NotSupportedException();

            /// <inheritdoc/>
            public readonly void Dispose()
            {
            }
        }
    }

    internal void SetPage(long index, int frame)
    {
        UndoLog.Touch(this);
        int[] c = Chunk(index, create: true)!;
        UndoLog.TouchArray(c);
        UndoLog.Touch(this);
        if (c[index & (ChunkSize - 1)] < 0)
        {
            _resident++;
        }
        c[index & (ChunkSize - 1)] = frame;
    }

    internal void RemovePage(long index)
    {
        if (Chunk(index, create: false) is { } c && (index & (ChunkSize - 1)) < c.Length && c[index & (ChunkSize - 1)] >= 0)
        {
            UndoLog.TouchArray(c);
            UndoLog.Touch(this);
            c[index & (ChunkSize - 1)] = -1;
            _resident--;
        }
    }

    /// <summary>
    /// The first resident page index in <c>[from, to)</c>, or -1: lets a walk over a huge,
    /// sparsely resident range skip what is not there.
    /// </summary>
    internal long NextResident(long from, long to)
    {
        if (to <= from)
        {
            return -1;
        }
        if (_firstChunk is null)
        {
            return -1;
        }
        long firstKey = Math.Max(from, 0) >> ChunkBits, lastKey = (to - 1) >> ChunkBits;
        if (lastKey - firstKey < ChunkCount)
        {
            for (long key = firstKey; key <= lastKey; key++)
            {
                if (Find(key) is { } chunk && FirstIn(key, chunk, from, to) is >= 0 and long found)
                {
                    return found;
                }
            }
            return -1;
        }
        // More keys than chunks: the lowest index found in any chunk of the range is the first.
        long best = Lowest(-1, _firstKey, _firstChunk, firstKey, lastKey, from, to);
        if (_chunks is not null)
        {
            foreach (var (key, chunk) in _chunks)
            {
                best = Lowest(best, key, chunk, firstKey, lastKey, from, to);
            }
        }
        return best;
    }

    private int ChunkCount => ChunkTable.Count(_firstChunk, _chunks);

    /// <summary>The chunk of key <paramref name="key"/>, if made.</summary>
    private int[]? Find(long key) => ChunkTable.Find(key, _firstKey, _firstChunk, _chunks);

    /// <summary><paramref name="best"/>, or the first index of <paramref name="chunk"/> in range when it is lower.</summary>
    private static long Lowest(long best, long key, int[] chunk, long firstKey, long lastKey, long from, long to) =>
        key >= firstKey && key <= lastKey && (best < 0 || key < best >> ChunkBits)
            && FirstIn(key, chunk, from, to) is >= 0 and long found ? found : best;

    /// <summary>The first resident index of <paramref name="chunk"/> (key <paramref name="key"/>) in <c>[from, to)</c>, or -1.</summary>
    private static long FirstIn(long key, int[] chunk, long from, long to)
    {
        for (int i = 0; i < chunk.Length; i++)
        {
            long index = key << ChunkBits | (uint)i;
            if (index >= from && index < to && chunk[i] >= 0)
            {
                return index;
            }
        }
        return -1;
    }

    /// <summary>
    /// The frames of the pages from <paramref name="index"/> to the end of its chunk or of the
    /// object (-1 where none), for bulk walks that would otherwise look each page up; empty
    /// when the chunk has no page at all. Holds <see cref="RunLength"/> frames otherwise.
    /// </summary>
    internal ReadOnlySpan<int> FramesFrom(long index)
    {
        int[]? chunk = Chunk(index, create: false);
        int at = (int)(index & (ChunkSize - 1));
        return chunk is null || at >= chunk.Length ? ReadOnlySpan<int>.Empty : chunk.AsSpan(at);
    }

    /// <summary>Pages of the object from <paramref name="index"/> to the end of its chunk; 0 past the object's end.</summary>
    internal int RunLength(long index)
    {
        int toChunkEnd = ChunkSize - (int)(index & (ChunkSize - 1));
        return SizePages < 0 ? toChunkEnd : (int)Math.Clamp(SizePages - index, 0, toChunkEnd);
    }

    /// <summary>
    /// Pages live in chunks of 512, like a page table; the chunk at the object's end holds
    /// only the pages the object has there. No cache of the last chunk used: the first chunk,
    /// the only one of most objects, is a field already, and a cache cost 16 bytes an object
    /// and an undo save per move (issue 17).
    /// </summary>
    private int[]? Chunk(long index, bool create)
    {
        long key = index >> ChunkBits;
        int[]? chunk = Find(key);
        if (chunk is null)
        {
            if (!create)
            {
                return null;
            }
            // Sized to the object: a small segment or shared mapping costs what it can hold.
            long sizeHere = SizePages < 0 ? ChunkSize : SizePages - (key << ChunkBits);
            chunk = new int[(int)Math.Clamp(sizeHere, (index & (ChunkSize - 1)) + 1, ChunkSize)];
            Array.Fill(chunk, -1);
            UndoLog.Touch(this); // the first chunk's fields, or the dictionary's field, change
            ChunkTable.Put(key, chunk, ref _firstKey, ref _firstChunk, ref _chunks);
        }
        return chunk;
    }
}
