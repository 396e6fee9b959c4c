using System.Globalization;
using UvmSim.Kernel.Privilege;
using UvmSim.Physical;

namespace UvmSim.Cli.KernelComparison;

/// <summary>
/// What the model is configured from on a Linux host (SPEC §17.1, <c>uvmsim kernel --info</c>):
/// the kernel release, the page size, this process's uid and capabilities, its
/// <c>RLIMIT_MEMLOCK</c>, <c>mmap_min_addr</c>, the SysV tunables, and hazards. Read from
/// <c>/proc</c> only; anything unreadable is left null and reported as unknown.
/// </summary>
internal sealed record HostConfig(
    string Release,
    int PageSize,
    uint Uid,
    Capabilities Caps,
    ulong? MemlockSoft,
    ulong? MemlockHard,
    ulong? MmapMinAddr,
    ulong? ShmMax,
    ulong? ShmAll,
    ulong? ShmMni,
    bool SysvWorks,
    IReadOnlyList<string> Hazards)
{
    /// <summary>Bits of <c>CapEff</c> for the capabilities the model knows (<c>linux/capability.h</c>).</summary>
    private static readonly (int Bit, Capabilities Cap)[] CapBits =
        [(14, Capabilities.IpcLock), (15, Capabilities.IpcOwner), (17, Capabilities.SysRawio), (21, Capabilities.SysAdmin), (24, Capabilities.SysResource)];

    /// <summary>Reads the host; <paramref name="users"/> are the uids the run will use (for the SHM_LOCK hazard).</summary>
    public static HostConfig Read(IEnumerable<uint> users)
    {
        string release = ReadText("/proc/sys/kernel/osrelease")?.Trim() ?? "unknown";
        Capabilities caps = Capabilities.None;
        uint uid = 0;
        foreach (string line in ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("CapEff:", StringComparison.Ordinal)
                && ulong.TryParse(line[7..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong eff))
            {
                foreach (var (bit, cap) in CapBits)
                {
                    if ((eff & (1UL << bit)) != 0)
                    {
                        caps |= cap;
                    }
                }
            }
            if (line.StartsWith("Uid:", StringComparison.Ordinal)
                && line[4..].Split('\t', StringSplitOptions.RemoveEmptyEntries) is [var real, ..])
            {
                uint.TryParse(real, CultureInfo.InvariantCulture, out uid);
            }
        }
        ulong? soft = null, hard = null;
        foreach (string line in ReadLines("/proc/self/limits"))
        {
            if (line.StartsWith("Max locked memory", StringComparison.Ordinal))
            {
                string[] parts = line[17..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                soft = Limit(parts.ElementAtOrDefault(0));
                hard = Limit(parts.ElementAtOrDefault(1));
            }
        }
        var hazards = new List<string>();
        var watched = users.ToHashSet();
        bool sysv = File.Exists("/proc/sysvipc/shm");
        foreach (string line in ReadLines("/proc/sysvipc/shm").Skip(1))
        {
            // key shmid perms size cpid lpid nattch uid gid cuid cgid ...
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // perms is octal (ipc/shm.c sysvipc_shm_proc_show: "%4o"); SHM_LOCKED is 02000.
            if (f.Length > 7 && Octal(f[2]) is { } perms && (perms & 0x400) != 0
                && uint.TryParse(f[7], CultureInfo.InvariantCulture, out uint owner) && watched.Contains(owner))
            {
                hazards.Add($"segment {f[1]} is SHM_LOCKED and owned by uid {owner}: per-user SHM_LOCK charges are machine-wide, so its charge may change results");
            }
        }
        if (!caps.HasFlag(Capabilities.IpcLock) && uid == 0)
        {
            hazards.Add("root here lacks CAP_IPC_LOCK (a container?): root is limited like everyone else");
        }
        return new HostConfig(release, Environment.SystemPageSize, uid, caps, soft, hard,
            Number("/proc/sys/vm/mmap_min_addr"), Number("/proc/sys/kernel/shmmax"), Number("/proc/sys/kernel/shmall"),
            Number("/proc/sys/kernel/shmmni"), sysv, hazards);
    }

    /// <summary>
    /// The machine the model runs on for this host: its page size, root's capabilities and the
    /// memlock limits every process starts with (the workers inherit this process's).
    /// </summary>
    public MachineConfig Machine => new()
    {
        PageSize = PageSize,
        RootCaps = (int)Caps,
        MemlockSoft = MemlockSoft,
        MemlockHard = MemlockHard,
    };

    /// <summary>The release as major and minor numbers, or null when unreadable.</summary>
    public (int Major, int Minor)? Version =>
        Release.Split('.', '-') is [var a, var b, ..] && int.TryParse(a, CultureInfo.InvariantCulture, out int major)
            && int.TryParse(b, CultureInfo.InvariantCulture, out int minor) ? (major, minor) : null;

    private static uint? Octal(string text)
    {
        uint v = 0;
        foreach (char c in text)
        {
            if (c is < '0' or > '7' || v > uint.MaxValue >> 3)
            {
                return null;
            }
            v = (v << 3) | (uint)(c - '0');
        }
        return text.Length == 0 ? null : v;
    }

    private static ulong? Limit(string? text) =>
        text == "unlimited" ? ulong.MaxValue : ulong.TryParse(text, CultureInfo.InvariantCulture, out ulong v) ? v : null;

    private static ulong? Number(string path) =>
        ulong.TryParse(ReadText(path)?.Trim(), CultureInfo.InvariantCulture, out ulong v) ? v : null;

    private static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static IEnumerable<string> ReadLines(string path) => ReadText(path)?.Split('\n') ?? [];
}
