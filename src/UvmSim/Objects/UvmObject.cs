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
    [LoggedApart]
    private readonly Dictionary<long, int[]> _chunks = [];
    private long _lastKey = -1;
    private int[]? _last;
    private int _resident;

    /// <summary>Registry id the frames record as their owner.</summary>
    internal int OwnerId { get; set { UndoLog.Touch(this); field = value; } } = -1;

    /// <summary>References from map entries and SysV segments; at 0 the pages are freed.</summary>
    public int RefCount { get; internal set { UndoLog.Touch(this); field = value; } } = 1;

    /// <summary>Pages that exist in a frame now.</summary>
    public int ResidentPages => _resident;

    /// <summary>Size in pages beyond which a fault fails (<c>EFAULT</c>), or -1 for unbounded.</summary>
    public abstract long SizePages { get; }

    /// <summary>
    /// Linux's unevictable mapping (<c>AS_UNEVICTABLE</c>, SPEC §17.3): every page created while
    /// set is wired at creation, holding the segment lock's wiring.
    /// </summary>
    public bool WiresNewPages { get; internal set { UndoLog.Touch(this); field = value; } }

    /// <summary>True for a file object opened read-only: shared mappings get max protection rx.</summary>
    public virtual bool ReadOnly => false;

    /// <summary>The frame holding page <paramref name="index"/>, or -1.</summary>
    public int FrameAt(long index) =>
        index >= 0 && Chunk(index, create: false) is { } c && (index & (ChunkSize - 1)) < c.Length ? c[index & (ChunkSize - 1)] : -1;

    /// <summary>Resident pages as (index, frame), in no particular order.</summary>
    public IEnumerable<KeyValuePair<long, int>> Pages
    {
        get
        {
            foreach (var (key, chunk) in _chunks)
            {
                for (int i = 0; i < chunk.Length; i++)
                {
                    if (chunk[i] >= 0)
                    {
                        yield return new(key << ChunkBits | (uint)i, chunk[i]);
                    }
                }
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
        long firstKey = Math.Max(from, 0) >> ChunkBits, lastKey = (to - 1) >> ChunkBits;
        IEnumerable<long> keys = lastKey - firstKey < _chunks.Count
            ? Enumerable.Range(0, (int)(lastKey - firstKey + 1)).Select(i => firstKey + i)
            : _chunks.Keys.Where(k => k >= firstKey && k <= lastKey).Order();
        foreach (long key in keys)
        {
            if (!_chunks.TryGetValue(key, out int[]? chunk))
            {
                continue;
            }
            for (int i = 0; i < chunk.Length; i++)
            {
                long index = key << ChunkBits | (uint)i;
                if (index >= from && index < to && chunk[i] >= 0)
                {
                    return index;
                }
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
    /// Pages live in chunks of 512, like a page table, with the last chunk used cached; the
    /// chunk at the object's end holds only the pages the object has there.
    /// </summary>
    private int[]? Chunk(long index, bool create)
    {
        long key = index >> ChunkBits;
        if (key == _lastKey)
        {
            return _last;
        }
        if (!_chunks.TryGetValue(key, out int[]? chunk))
        {
            if (!create)
            {
                return null;
            }
            UndoLog.Touch(_chunks);
            // Sized to the object: a small segment or shared mapping costs what it can hold.
            long sizeHere = SizePages < 0 ? ChunkSize : SizePages - (key << ChunkBits);
            chunk = new int[(int)Math.Clamp(sizeHere, (index & (ChunkSize - 1)) + 1, ChunkSize)];
            Array.Fill(chunk, -1);
            _chunks[key] = chunk;
        }
        UndoLog.Touch(this); // the cache is state too: a chunk made after a mark must not outlive its undo
        _lastKey = key;
        _last = chunk;
        return chunk;
    }
}
