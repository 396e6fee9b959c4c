namespace UvmSim.Exploration;

/// <summary>
/// The call sequences of a breadth-first search, kept as the tree they form: a state first
/// met at level d is its parent's position at level d − 1 and the index of its last call in
/// the alphabet, six bytes where a copied sequence took 24 per call (docs/performance.md,
/// "Bytes per stored state"). A sequence is rebuilt by climbing its parents, d steps, when a
/// job moves to it or a finding needs it.
/// </summary>
/// <remarks>
/// Level 0 is the boot state alone. A shard keeps only its own states of its split level:
/// the level is stored as kept, and the next level's parents index it.
/// </remarks>
internal sealed class PrefixTree(IReadOnlyList<Op> alphabet)
{
    private readonly List<int[]> _parents = [[-1]];
    private readonly List<ushort[]> _lasts = [[0]];

    /// <summary>The deepest level stored.</summary>
    public int Depth => _parents.Count - 1;

    /// <summary>States at <paramref name="level"/>.</summary>
    public int Count(int level) => _parents[level].Length;

    /// <summary>Stores the next level: for each state, its parent's position and its last call's index in the alphabet.</summary>
    public void Add(int[] parents, ushort[] lasts)
    {
        if (parents.Length != lasts.Length)
        {
            throw new ArgumentException("a state needs both its parent and its last call", nameof(lasts));
        }
        _parents.Add(parents);
        _lasts.Add(lasts);
    }

    /// <summary>Writes the calls leading to state <paramref name="index"/> of <paramref name="level"/> into <paramref name="into"/> (its length is the level).</summary>
    public void CopyPrefix(int level, int index, Span<Op> into)
    {
        if (into.Length != level)
        {
            throw new ArgumentException($"a level-{level} sequence has {level} calls", nameof(into));
        }
        for (int d = level; d > 0; d--)
        {
            into[d - 1] = alphabet[_lasts[d][index]];
            index = _parents[d][index];
        }
    }
}
