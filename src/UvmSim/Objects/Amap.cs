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
    [LoggedApart] // touched where it changes; ShiftUp replaces it whole
    private Dictionary<long, Anon?[]> _chunks = [];
    private readonly List<IAmapUser> _users = [];
    private long _lastKey = -1;
    private Anon?[]? _last;

    /// <summary>Creates an empty amap for pages of 2^<paramref name="pageShift"/> bytes.</summary>
    public Amap(int pageShift) => _pageShift = pageShift;

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
        return !AnonsIn(first, count).Any();
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
        foreach (var (slot, anon) in AnonsIn(0, long.MaxValue).ToList())
        {
            long to = slot + slots;
            moved.TryGetValue(to >> ChunkBits, out Anon?[]? chunk);
            chunk = Fit(chunk, to);
            moved[to >> ChunkBits] = chunk;
            chunk[to & (ChunkSize - 1)] = anon;
        }
        _chunks = moved;
        _lastKey = -1;
        _last = null;
    }

    /// <summary>Every anon in <c>[first, first + count)</c>, in slot order.</summary>
    internal IEnumerable<(long Slot, Anon Anon)> AnonsIn(long first, long count)
    {
        long end = count > long.MaxValue - first ? long.MaxValue : first + count;
        long firstKey = Math.Max(first, 0) >> ChunkBits, lastKey = (end - 1) >> ChunkBits;
        IEnumerable<long> keys = lastKey - firstKey < _chunks.Count
            ? Range(firstKey, lastKey).Where(_chunks.ContainsKey)
            : _chunks.Keys.Where(k => k >= firstKey && k <= lastKey).Order().ToList();
        foreach (long key in keys)
        {
            Anon?[] chunk = _chunks[key];
            for (int i = 0; i < chunk.Length; i++)
            {
                long slot = key << ChunkBits | (uint)i;
                if (slot >= first && slot < end && chunk[i] is { } anon)
                {
                    yield return (slot, anon);
                }
            }
        }
    }

    private static IEnumerable<long> Range(long from, long to)
    {
        for (long k = from; k <= to; k++)
        {
            yield return k;
        }
    }

    private Anon?[]? Chunk(long slot, bool create)
    {
        long key = slot >> ChunkBits;
        if (key == _lastKey && (!create || (slot & (ChunkSize - 1)) < _last!.Length))
        {
            return _last;
        }
        if (!_chunks.TryGetValue(key, out Anon?[]? chunk) && !create)
        {
            return null;
        }
        UndoLog.Touch(this); // the cache is state too (UvmObject.Chunk)
        if (create)
        {
            UndoLog.Touch(_chunks);
            chunk = Fit(chunk, slot);
            _chunks[key] = chunk;
        }
        _lastKey = key;
        _last = chunk;
        return chunk;
    }

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
