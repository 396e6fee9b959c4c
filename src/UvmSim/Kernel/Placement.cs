using UvmSim.Map;
using UvmSim.Policies;

namespace UvmSim.Kernel;

/// <summary>
/// Switch <c>placement</c> (SPEC §3.3, §17.6): where <c>mmap</c> and <c>shmat</c> put a mapping
/// without a fixed address. <c>brk</c> is not placed through it.
/// </summary>
public interface IPlacement
{
    /// <summary>The start for <paramref name="length"/> bytes near <paramref name="hint"/>, or null when nothing fits.</summary>
    ulong? Find(VmMap map, ulong length, ulong hint);
}

/// <summary><c>bottomup</c>: the hint if free, else the lowest fit (NetBSD's <c>uvm_map_findspace</c>).</summary>
public sealed class BottomUpPlacement : IPlacement
{
    /// <inheritdoc/>
    public ulong? Find(VmMap map, ulong length, ulong hint) => map.FindSpace(length, hint);
}

/// <summary><c>topdown</c>: a free hint as given, else the highest fit below <c>top</c> (Linux).</summary>
public sealed class TopDownPlacement(ulong top) : IPlacement
{
    /// <inheritdoc/>
    public ulong? Find(VmMap map, ulong length, ulong hint) => map.FindSpaceTopDown(length, hint, top);
}

/// <summary>Chooses the placement for a switch value.</summary>
public static class Placements
{
    /// <summary>Bottom-up placement holds no state: every kernel shares it (issue 17: a boot allocates less).</summary>
    private static readonly BottomUpPlacement s_bottomUp = new();

    /// <summary>The placement for <paramref name="value"/>; <paramref name="top"/> null means the map maximum.</summary>
    public static IPlacement For(PlacementSwitch value, ulong? top) => value switch
    {
        PlacementSwitch.Bottomup => s_bottomUp,
        PlacementSwitch.Topdown => new TopDownPlacement(top ?? ulong.MaxValue),
        _ => throw new NotSupportedException($"placement={value}"),
    };
}
