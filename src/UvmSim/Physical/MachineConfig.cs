namespace UvmSim.Physical;

/// <summary>
/// The machine's size and tunables (<c>machine KEY=VALUE</c>, SPEC §12.2), with SPEC's
/// defaults. Values are validated by the caller that builds them.
/// </summary>
public sealed record MachineConfig
{
    /// <summary>Frames in the machine.</summary>
    public int Pages { get; init; } = 16384;

    /// <summary>Page size in bytes; a power of two, at least 4096.</summary>
    public int PageSize { get; init; } = 4096;

    /// <summary>Most frames the mlock family may wire; null for pages/3.</summary>
    public long? WiredMax { get; init; }

    /// <summary>KASSERTs panic when on (SPEC §9).</summary>
    public bool Diagnostics { get; init; } = true;

    /// <summary>Swap slots in pages; null for unlimited.</summary>
    public long? Swap { get; init; }

    /// <summary>Free frames the page daemon aims for; null for max(pages/20, 16).</summary>
    public int? FreeTarget { get; init; }

    /// <summary>Most live processes.</summary>
    public int MaxProc { get; init; } = 64;

    /// <summary>
    /// The capabilities uid 0 gets under <c>privilege=caps</c> (<c>machine rootcaps</c>, SPEC §17.5),
    /// as the bits of <c>Kernel.Privilege.Capabilities</c>; default all four.
    /// </summary>
    public int RootCaps { get; init; } = 15;

    /// <summary>Lockable pages of every process's image outside its map (<c>machine image=N</c>, SPEC §17.6).</summary>
    public long ImageLockable { get; init; }

    /// <summary>Total pages of the image (<c>image=N:M</c>), at least <see cref="ImageLockable"/>.</summary>
    public long ImageTotal { get; init; }

    /// <summary>
    /// Where brk's heap starts (Linux's <c>start_brk</c>, fixed at exec); null: at the first fit
    /// (SPEC §3.5). <c>uvmsim kernel</c> sets it to the host worker's break (docs/linux.md).
    /// </summary>
    public ulong? HeapStart { get; init; }

    /// <summary>Where top-down placement starts (<c>machine top</c>); null for the map maximum.</summary>
    public ulong? Top { get; init; }

    /// <summary>The soft <c>RLIMIT_MEMLOCK</c> a process starts with in bytes; null for a third of memory.</summary>
    public ulong? MemlockSoft { get; init; }

    /// <summary>The hard <c>RLIMIT_MEMLOCK</c> a process starts with in bytes; null for all of memory.</summary>
    public ulong? MemlockHard { get; init; }

    /// <summary>Effective wiredmax.</summary>
    public long EffectiveWiredMax => WiredMax ?? Pages / 3;

    /// <summary>Effective free target.</summary>
    public int EffectiveFreeTarget => FreeTarget ?? Math.Max(Pages / 20, 16);
}
