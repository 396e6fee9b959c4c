using UvmSim.Map;
using UvmSim.Policies;

namespace UvmSim.Fault;

/// <summary>
/// Switch <c>unwire-by</c> (SPEC §3.4): which frame <c>FaultUnwire</c> unwires at an address.
/// Pages it returns -1 for are skipped before any entry is looked up.
/// </summary>
public interface IUnwireStrategy
{
    /// <summary>
    /// The frame to unwire at <paramref name="va"/>, or -1 to skip the page.
    /// <paramref name="near"/> is the entry the caller's walk is at, a lookup hint only.
    /// </summary>
    int FrameAt(FaultHandler faults, VmSpace space, ulong va, MapEntry? near);

    /// <summary>
    /// The first address in <c>[from, to)</c> that may have something to unwire, or
    /// <paramref name="to"/>; a shortcut over long empty stretches, never a decision.
    /// </summary>
    ulong NextCandidate(FaultHandler faults, VmSpace space, ulong from, ulong to);
}

/// <summary>NetBSD: the frame mapped now, whoever wired it; pages without a translation are skipped.</summary>
public sealed class UnwireByTranslation : IUnwireStrategy
{
    /// <inheritdoc/>
    public int FrameAt(FaultHandler faults, VmSpace space, ulong va, MapEntry? near) =>
        space.Pmap.TryGet(va, out Pte pte) ? pte.Frame : -1;

    /// <inheritdoc/>
    public ulong NextCandidate(FaultHandler faults, VmSpace space, ulong from, ulong to) => space.Pmap.NextMapped(from, to);
}

/// <summary><c>dual</c>: the page at the address (SPEC §3.2), whatever the pmap shows.</summary>
public sealed class UnwireByPages : IUnwireStrategy
{
    /// <inheritdoc/>
    public int FrameAt(FaultHandler faults, VmSpace space, ulong va, MapEntry? near) =>
        (near is not null && near.Contains(va) ? near : space.Map.Lookup(va)) is { } entry ? faults.PageAt(entry, va) : -1;

    /// <inheritdoc/>
    public ulong NextCandidate(FaultHandler faults, VmSpace space, ulong from, ulong to) => faults.NextPage(space, from, to);
}

/// <summary>Chooses the strategy for a switch value.</summary>
public static class UnwireStrategy
{
    // Both strategies hold no state: every kernel shares one of each (issue 17: a boot allocates less).
    private static readonly UnwireByTranslation s_translation = new();
    private static readonly UnwireByPages s_pages = new();

    /// <summary>The strategy for <paramref name="value"/>.</summary>
    public static IUnwireStrategy For(UnwireBySwitch value) => value switch
    {
        UnwireBySwitch.Translation => s_translation,
        UnwireBySwitch.Pages => s_pages,
        _ => throw new NotSupportedException($"unwire-by={value} has no strategy"),
    };
}
