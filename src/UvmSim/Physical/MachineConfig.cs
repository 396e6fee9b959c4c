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
    public long? WiredMax
    {
        get => (_set & 1) != 0 ? _wiredMax : null;
        init => Store(ref _wiredMax, value, 1);
    }

    /// <summary>KASSERTs panic when on (SPEC §9).</summary>
    public bool Diagnostics { get; init; } = true;

    /// <summary>Swap slots in pages; null for unlimited.</summary>
    public long? Swap
    {
        get => (_set & 2) != 0 ? _swap : null;
        init => Store(ref _swap, value, 2);
    }

    /// <summary>Free frames the page daemon aims for; null for max(pages/20, 16).</summary>
    public int? FreeTarget
    {
        get => (_set & 4) != 0 ? _freeTarget : null;
        init => Store(ref _freeTarget, value, 4);
    }

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
    public ulong? HeapStart
    {
        get => (_set & 8) != 0 ? _heapStart : null;
        init => Store(ref _heapStart, value, 8);
    }

    /// <summary>Where top-down placement starts (<c>machine top</c>); null for the map maximum.</summary>
    public ulong? Top
    {
        get => (_set & 16) != 0 ? _top : null;
        init => Store(ref _top, value, 16);
    }

    /// <summary>The soft <c>RLIMIT_MEMLOCK</c> a process starts with in bytes; null for a third of memory.</summary>
    public ulong? MemlockSoft
    {
        get => (_set & 32) != 0 ? _memlockSoft : null;
        init => Store(ref _memlockSoft, value, 32);
    }

    /// <summary>The hard <c>RLIMIT_MEMLOCK</c> a process starts with in bytes; null for all of memory.</summary>
    public ulong? MemlockHard
    {
        get => (_set & 64) != 0 ? _memlockHard : null;
        init => Store(ref _memlockHard, value, 64);
    }

    // The optional values as values plus one bit each in _set, rather than nullables (each
    // 16 bytes with its padding): the explorer's benchmark makes a configuration per boot,
    // and this one takes 104 bytes rather than 160 (issue 17). A value whose bit is clear is
    // 0, so the record's equality still means equal settings.
    private long _wiredMax;
    private long _swap;
    private int _freeTarget;
    private ulong _heapStart;
    private ulong _top;
    private ulong _memlockSoft;
    private ulong _memlockHard;
    private byte _set;

    private void Store<T>(ref T field, T? value, int bit)
        where T : struct
    {
        field = value.GetValueOrDefault();
        _set = (byte)(value.HasValue ? _set | bit : _set & ~bit);
    }

    /// <summary>Effective wiredmax.</summary>
    public long EffectiveWiredMax => WiredMax ?? Pages / 3;

    /// <summary>Effective free target.</summary>
    public int EffectiveFreeTarget => FreeTarget ?? Math.Max(Pages / 20, 16);
}
