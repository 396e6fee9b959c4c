namespace UvmSim.Policies;

/// <summary>
/// A set of switch values (SPEC §6). Each switch means the same whatever the others are,
/// so every combination is a defined kernel. The <see cref="Label"/> names the preset plus
/// its overrides in table order.
/// </summary>
public sealed record Policy(
    string Preset,
    WiringSwitch Wiring,
    SysvSwitch Sysv,
    ZeroLengthSwitch ZeroLength,
    TransientSwitch Transient,
    MunlockUnlockedSwitch MunlockUnlocked,
    RelockCountsSwitch RelockCounts,
    UnwireBySwitch UnwireBy,
    LengthWrapSwitch LengthWrap,
    PrivilegeSwitch Privilege = PrivilegeSwitch.Uid0,
    PlacementSwitch Placement = PlacementSwitch.Bottomup,
    SyscallsSwitch Syscalls = SyscallsSwitch.Netbsd)
{
    /// <summary>
    /// The NetBSD-derived switch names in table order, as the CLI and JSON spell them. With
    /// <see cref="ValuesOf"/> they span the 384-policy lattice of SPEC §6; the Linux switches
    /// and values (SPEC §17) are outside it, in <see cref="AllSwitchNames"/> and
    /// <see cref="AllValuesOf"/>.
    /// </summary>
    public static readonly IReadOnlyList<string> SwitchNames =
        ["wiring", "sysv", "zero-length", "transient", "munlock-unlocked", "relock-counts", "unwire-by", "length-wrap"];

    /// <summary>The switches SPEC §17 adds; every NetBSD-derived preset has their first value.</summary>
    public static readonly IReadOnlyList<string> LinuxSwitchNames = ["privilege", "placement", "syscalls"];

    /// <summary>Every switch in table order: <see cref="SwitchNames"/> then <see cref="LinuxSwitchNames"/>.</summary>
    public static readonly IReadOnlyList<string> AllSwitchNames = [.. SwitchNames, .. LinuxSwitchNames];

    /// <summary>The default policy.</summary>
    public static Policy Default => FromPreset(PresetNames.Dual)!;

    // A policy is an immutable record, so each preset is made once and shared (issue 17: the
    // explorer's benchmark boots a kernel, and asks for its preset, every 64 calls).
    private static readonly Dictionary<string, Policy> s_presets = PresetNames.Named.ToDictionary(name => name, name => Build(name)!);

    /// <summary>The named preset, or null for an unknown name.</summary>
    public static Policy? FromPreset(string name) => s_presets.GetValueOrDefault(name);

    /// <summary>The named preset's switches, made anew.</summary>
    private static Policy? Build(string name) => name switch
    {
        PresetNames.NetBsd8 => new(name, WiringSwitch.Counter, SysvSwitch.Legacy, ZeroLengthSwitch.Unchecked, TransientSwitch.Address,
            MunlockUnlockedSwitch.Enomem, RelockCountsSwitch.Yes, UnwireBySwitch.Translation, LengthWrapSwitch.Wrap),
        PresetNames.Thorpej2019 => new(name, WiringSwitch.Split, SysvSwitch.Legacy, ZeroLengthSwitch.Noop, TransientSwitch.Address,
            MunlockUnlockedSwitch.Enomem, RelockCountsSwitch.Yes, UnwireBySwitch.Translation, LengthWrapSwitch.Wrap),
        PresetNames.NetBsd9 => new(name, WiringSwitch.Counter, SysvSwitch.Object, ZeroLengthSwitch.Noop, TransientSwitch.Address,
            MunlockUnlockedSwitch.Enomem, RelockCountsSwitch.Yes, UnwireBySwitch.Translation, LengthWrapSwitch.Wrap),
        PresetNames.Dual => new(name, WiringSwitch.Split, SysvSwitch.Segment, ZeroLengthSwitch.Noop, TransientSwitch.Held,
            MunlockUnlockedSwitch.Ok, RelockCountsSwitch.No, UnwireBySwitch.Pages, LengthWrapSwitch.Reject),
        PresetNames.Linux => new(name, WiringSwitch.Flag, SysvSwitch.Shmem, ZeroLengthSwitch.Early, TransientSwitch.Held,
            MunlockUnlockedSwitch.Ok, RelockCountsSwitch.Vma, UnwireBySwitch.Pages, LengthWrapSwitch.Wrap,
            PrivilegeSwitch.Caps, PlacementSwitch.Topdown, SyscallsSwitch.Linux),
        _ => null,
    };

    /// <summary>Switch values as the CLI spells them, in table order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Switches =>
    [
        new("wiring", Spell(Wiring)), new("sysv", Spell(Sysv)), new("zero-length", Spell(ZeroLength)),
        new("transient", Spell(Transient)), new("munlock-unlocked", Spell(MunlockUnlocked)),
        new("relock-counts", Spell(RelockCounts)), new("unwire-by", Spell(UnwireBy)), new("length-wrap", Spell(LengthWrap)),
        new("privilege", Spell(Privilege)), new("placement", Spell(Placement)), new("syscalls", Spell(Syscalls)),
    ];

    /// <summary>
    /// The values of a switch that belong to the NetBSD-derived lattice (SPEC §6), or null for
    /// a switch outside it. Linux-only values (<c>flag</c>, <c>shmem</c>, <c>early</c>,
    /// <c>vma</c>) are left out, so the lattice keeps its 384 combinations.
    /// </summary>
    public static IReadOnlyList<string>? ValuesOf(string name) =>
        SwitchNames.Contains(name) ? AllValuesOf(name)!.Where(v => !IsLinuxOnly(name, v)).ToArray() : null;

    /// <summary>Whether <paramref name="value"/> of switch <paramref name="name"/> is one SPEC §17 adds.</summary>
    public static bool IsLinuxOnly(string name, string value) => (name, value) switch
    {
        ("wiring", "flag") or ("sysv", "shmem") or ("zero-length", "early") or ("relock-counts", "vma") => true,
        ("privilege", "caps") or ("placement", "topdown") or ("syscalls", "linux") => true,
        _ => false,
    };

    /// <summary>Every legal value of a switch, Linux ones included, or null for an unknown switch.</summary>
    public static IReadOnlyList<string>? AllValuesOf(string name) => name switch
    {
        "wiring" => Names<WiringSwitch>(),
        "sysv" => Names<SysvSwitch>(),
        "zero-length" => Names<ZeroLengthSwitch>(),
        "transient" => Names<TransientSwitch>(),
        "munlock-unlocked" => Names<MunlockUnlockedSwitch>(),
        "relock-counts" => Names<RelockCountsSwitch>(),
        "unwire-by" => Names<UnwireBySwitch>(),
        "length-wrap" => Names<LengthWrapSwitch>(),
        "privilege" => Names<PrivilegeSwitch>(),
        "placement" => Names<PlacementSwitch>(),
        "syscalls" => Names<SyscallsSwitch>(),
        _ => null,
    };

    /// <summary>
    /// This policy with one switch overridden, or null with <paramref name="error"/> set
    /// for an unknown switch or value.
    /// </summary>
    public Policy? With(string name, string value, out string? error)
    {
        error = null;
        Policy? result = name switch
        {
            "wiring" => Parse<WiringSwitch>(value) is { } v ? this with { Wiring = v } : null,
            "sysv" => Parse<SysvSwitch>(value) is { } v ? this with { Sysv = v } : null,
            "zero-length" => Parse<ZeroLengthSwitch>(value) is { } v ? this with { ZeroLength = v } : null,
            "transient" => Parse<TransientSwitch>(value) is { } v ? this with { Transient = v } : null,
            "munlock-unlocked" => Parse<MunlockUnlockedSwitch>(value) is { } v ? this with { MunlockUnlocked = v } : null,
            "relock-counts" => Parse<RelockCountsSwitch>(value) is { } v ? this with { RelockCounts = v } : null,
            "unwire-by" => Parse<UnwireBySwitch>(value) is { } v ? this with { UnwireBy = v } : null,
            "length-wrap" => Parse<LengthWrapSwitch>(value) is { } v ? this with { LengthWrap = v } : null,
            "privilege" => Parse<PrivilegeSwitch>(value) is { } v ? this with { Privilege = v } : null,
            "placement" => Parse<PlacementSwitch>(value) is { } v ? this with { Placement = v } : null,
            "syscalls" => Parse<SyscallsSwitch>(value) is { } v ? this with { Syscalls = v } : null,
            _ => null,
        };
        if (result is null)
        {
            error = AllValuesOf(name) is { } values
                ? $"switch '{name}' takes {string.Join(", ", values)}, not '{value}'"
                : $"unknown switch '{name}' (expected one of {string.Join(", ", AllSwitchNames)})";
        }
        return result;
    }

    /// <summary>
    /// The preset plus overridden switches in table order: <c>dual+wiring=counter</c>. A policy
    /// built under a name that is no preset (<c>Default with { Preset = "x" }</c>, as a test of a
    /// new preset does) has nothing to be overridden from and is labelled by its name alone.
    /// </summary>
    public string Label
    {
        get
        {
            if (FromPreset(Preset) is not { } basePolicy)
            {
                return Preset;
            }
            var overrides = Switches.Zip(basePolicy.Switches)
                .Where(p => p.First.Value != p.Second.Value)
                .Select(p => $"{p.First.Key}={p.First.Value}")
                .ToList();
            return overrides.Count == 0 ? Preset : $"{Preset}+{string.Join(",", overrides)}";
        }
    }

    private static string Spell<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static string[] Names<T>() where T : struct, Enum =>
        Enum.GetValues<T>().Select(Spell).ToArray();

    private static T? Parse<T>(string value) where T : struct, Enum =>
        Enum.GetValues<T>().Where(v => Spell(v) == value).Select(v => (T?)v).FirstOrDefault();
}
