namespace UvmSim.Policies;

/// <summary>The four named presets (SPEC §6), in the order the matrix shows them.</summary>
public static class PresetNames
{
    /// <summary>The March-2019 -current kernel the bug was reported on.</summary>
    public const string NetBsd8 = "netbsd-8";
    /// <summary>The proposal with sysv_shm unchanged.</summary>
    public const string Thorpej2019 = "thorpej-2019";
    /// <summary>What NetBSD shipped in late 2019.</summary>
    public const string NetBsd9 = "netbsd-9";
    /// <summary>This project's complete design; the default.</summary>
    public const string Dual = "dual";

    /// <summary>Linux 6.x (SPEC §17): named explicitly, never part of <see cref="All"/>.</summary>
    public const string Linux = "linux";

    /// <summary>The four NetBSD-derived presets in table order (<c>--policy all</c>).</summary>
    public static readonly IReadOnlyList<string> All = [NetBsd8, Thorpej2019, NetBsd9, Dual];

    /// <summary>Every preset a name selects: <see cref="All"/> plus <see cref="Linux"/>.</summary>
    public static readonly IReadOnlyList<string> Named = [NetBsd8, Thorpej2019, NetBsd9, Dual, Linux];
}
