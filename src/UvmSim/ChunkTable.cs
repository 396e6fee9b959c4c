using UvmSim.Undo;

namespace UvmSim;

/// <summary>
/// A sparse table of chunks by key whose first chunk lives in two fields of its owner and the
/// others in a dictionary made for them: an object's pages, an amap's slots and a pmap's leaf
/// tables, most of which never need more than one chunk, so most owners cost no dictionary
/// (issue 17). The owner keeps the three fields, so its snapshot copies and undo saves see
/// them as before; these are the table's operations on them.
/// </summary>
/// <remarks>
/// Chunks are never removed, so the first chunk and then the dictionary's are in the order
/// they were made. The dictionary is logged apart (<c>[LoggedApart]</c> on the owner's field):
/// <see cref="Put"/> saves it before it changes.
/// </remarks>
internal static class ChunkTable
{
    /// <summary>The chunk of <paramref name="key"/>, or null.</summary>
    public static TChunk? Find<TKey, TChunk>(TKey key, TKey firstKey, TChunk? first, Dictionary<TKey, TChunk>? rest)
        where TKey : struct, IEquatable<TKey>
        where TChunk : class =>
        first is not null && key.Equals(firstKey) ? first
        : rest is not null && rest.TryGetValue(key, out TChunk? chunk) ? chunk : null;

    /// <summary>How many chunks there are.</summary>
    public static int Count<TKey, TChunk>(TChunk? first, Dictionary<TKey, TChunk>? rest)
        where TKey : struct
        where TChunk : class => (first is null ? 0 : 1) + (rest?.Count ?? 0);

    /// <summary>
    /// Every chunk with its key, in the order they were made: the first chunk's fields, then
    /// the dictionary's. A struct walk, so a <c>foreach</c> over it allocates nothing.
    /// </summary>
    public static Walk<TKey, TChunk> All<TKey, TChunk>(TKey firstKey, TChunk? first, Dictionary<TKey, TChunk>? rest)
        where TKey : struct
        where TChunk : class => new(firstKey, first, rest);

    /// <summary>The walk of <see cref="All"/>: its own enumerator, as a <c>foreach</c> binds it.</summary>
    public struct Walk<TKey, TChunk>
        where TKey : struct
        where TChunk : class
    {
        private readonly TKey _firstKey;
        private TChunk? _first;
        private Dictionary<TKey, TChunk>.Enumerator _rest;
        private readonly bool _hasRest;

        internal Walk(TKey firstKey, TChunk? first, Dictionary<TKey, TChunk>? rest)
        {
            _firstKey = firstKey;
            _first = first;
            _hasRest = rest is not null;
            _rest = rest?.GetEnumerator() ?? default;
            Current = default;
        }

        /// <summary>The chunk the walk stands on, with its key.</summary>
        public (TKey Key, TChunk Chunk) Current { get; private set; }

        /// <summary>The walk itself: <c>foreach</c> takes a copy and moves it.</summary>
        public readonly Walk<TKey, TChunk> GetEnumerator() => this;

        /// <summary>Moves to the next chunk; false past the last.</summary>
        public bool MoveNext()
        {
            if (_first is { } first)
            {
                _first = null;
                Current = (_firstKey, first);
                return true;
            }
            if (_hasRest && _rest.MoveNext())
            {
                Current = (_rest.Current.Key, _rest.Current.Value);
                return true;
            }
            return false;
        }
    }

    /// <summary>
    /// Makes <paramref name="chunk"/> the chunk of <paramref name="key"/>, in the first chunk's
    /// fields when they are free or hold that key. =&gt; the owner is touched already: its
    /// fields may change here.
    /// </summary>
    public static void Put<TKey, TChunk>(TKey key, TChunk chunk, ref TKey firstKey, ref TChunk? first, ref Dictionary<TKey, TChunk>? rest)
        where TKey : struct, IEquatable<TKey>
        where TChunk : class
    {
        if (first is null || key.Equals(firstKey))
        {
            firstKey = key;
            first = chunk;
            return;
        }
        rest ??= [];
        UndoLog.Touch(rest);
        rest[key] = chunk;
    }
}
