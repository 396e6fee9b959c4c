namespace UvmSim.Exploration;

/// <summary>
/// Calls the exhaustive explorer can add to its default alphabet, one group per switch whose
/// known failure the default alphabet cannot reach (docs/design.md). Off by default, so
/// <c>explore</c>'s state counts stay as they were; <c>design</c> turns them all on, or else
/// the lattice would call a necessary switch irrelevant.
/// </summary>
[Flags]
public enum OpGroups
{
    /// <summary>The default alphabet only.</summary>
    None = 0,
    /// <summary><c>mlock m+1p 0</c>: a zero-length wire inside an entry (S5, <c>zero-length</c>).</summary>
    ZeroLength = 1,
    /// <summary><c>mprotect m none</c>: drops the translations of a locked range (<c>unwire-by</c>).</summary>
    Protect = 2,
    /// <summary><c>munlock m+1p 1p</c>: a munlock inside a locked entry (S2/S25, <c>munlock-unlocked</c>).</summary>
    SubRange = 4,
    /// <summary><c>mlock m+1p 0xffffffffffffffff</c>: a length within a page of 2^64 (<c>length-wrap</c>).</summary>
    LengthWrap = 8,
    /// <summary><c>setrlimit memlock 1p 1p</c>: a lowered memlock limit (<c>relock-counts</c>).</summary>
    Limits = 16,
    /// <summary>Every group.</summary>
    All = ZeroLength | Protect | SubRange | LengthWrap | Limits,
}

/// <summary>The spellings of <see cref="OpGroups"/> the CLI and JSON use, and the ops each adds.</summary>
public static class OpGroupNames
{
    /// <summary>Each single group with its name, in flag order.</summary>
    public static readonly IReadOnlyList<(OpGroups Group, string Name)> All =
    [
        (OpGroups.ZeroLength, "zero-length"), (OpGroups.Protect, "protect"), (OpGroups.SubRange, "sub-range"),
        (OpGroups.LengthWrap, "length-wrap"), (OpGroups.Limits, "limits"),
    ];

    /// <summary>The names of the groups set in <paramref name="groups"/>, in flag order.</summary>
    public static IReadOnlyList<string> Names(OpGroups groups) =>
        [.. All.Where(g => (groups & g.Group) != 0).Select(g => g.Name)];

    /// <summary>The group named <paramref name="name"/>, or null.</summary>
    public static OpGroups? Parse(string name) =>
        All.Where(g => g.Name == name).Select(g => (OpGroups?)g.Group).FirstOrDefault();

    /// <summary>
    /// The extra ops of <paramref name="groups"/> for process <paramref name="p"/>, on its
    /// first mapping (exact ranges, <see cref="Op.Exact"/>): page 1 is inside an entry of
    /// <paramref name="mappingPages"/> &gt;= 2 pages.
    /// </summary>
    public static IEnumerable<Op> Ops(OpGroups groups, int p, int mappingPages)
    {
        int all = mappingPages << 4, one = 1 << 4;
        if ((groups & OpGroups.ZeroLength) != 0)
        {
            yield return new Op(OpKind.Mlock, p, 0, 1, 0, Exact: true);
        }
        if ((groups & OpGroups.Protect) != 0)
        {
            yield return new Op(OpKind.Mprotect, p, 0, 0, all, Exact: true); // low bits 0: PROT_NONE
        }
        if ((groups & OpGroups.SubRange) != 0)
        {
            yield return new Op(OpKind.Munlock, p, 0, 1, one, Exact: true);
        }
        if ((groups & OpGroups.LengthWrap) != 0)
        {
            yield return new Op(OpKind.Mlock, p, 0, 1, OpInterpreter.WrapLength, Exact: true);
        }
        if ((groups & OpGroups.Limits) != 0)
        {
            yield return new Op(OpKind.Setrlimit, p, 1, 0, 0);
        }
    }
}
