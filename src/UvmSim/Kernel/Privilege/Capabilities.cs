namespace UvmSim.Kernel.Privilege;

/// <summary>
/// The Linux capabilities the model knows (SPEC §17.5, <c>capability(7)</c>): the four of
/// §17.5 and <c>sys_rawio</c> (docs/linux.md, c07); scenario files spell them
/// <c>ipc_lock|ipc_owner|sys_admin|sys_resource|sys_rawio</c> or <c>none</c>.
/// </summary>
[Flags]
public enum Capabilities
{
    /// <summary>No capability.</summary>
    None = 0,
    /// <summary><c>CAP_IPC_LOCK</c>: memlock tests skipped, SHM_LOCK without ownership.</summary>
    IpcLock = 1,
    /// <summary><c>CAP_IPC_OWNER</c>: SysV permission bits bypassed (<c>ipcperms</c>).</summary>
    IpcOwner = 2,
    /// <summary><c>CAP_SYS_ADMIN</c>: IPC_SET and IPC_RMID without ownership.</summary>
    SysAdmin = 4,
    /// <summary><c>CAP_SYS_RESOURCE</c>: raising the hard <c>RLIMIT_MEMLOCK</c>.</summary>
    SysResource = 8,
    /// <summary>
    /// <c>CAP_SYS_RAWIO</c>: a <c>fixed</c> mapping below <c>mmap_min_addr</c> (page 0). Not in
    /// the default <c>rootcaps</c>; <c>uvmsim kernel</c> grants it where the host does.
    /// </summary>
    SysRawio = 16,
    /// <summary>The four of §17.5 (the default <c>machine rootcaps</c>).</summary>
    All = IpcLock | IpcOwner | SysAdmin | SysResource,
}

/// <summary>Spelling of <see cref="Capabilities"/> in scenario files and CLI output.</summary>
public static class CapabilityNames
{
    /// <summary>The names in bit order.</summary>
    public static readonly IReadOnlyList<(string Name, Capabilities Bit)> All =
    [
        ("ipc_lock", Capabilities.IpcLock), ("ipc_owner", Capabilities.IpcOwner),
        ("sys_admin", Capabilities.SysAdmin), ("sys_resource", Capabilities.SysResource),
        ("sys_rawio", Capabilities.SysRawio),
    ];

    /// <summary>Parses <c>a|b|c</c> or <c>none</c>; null for an unknown name.</summary>
    public static Capabilities? Parse(string text)
    {
        if (text == "none")
        {
            return Capabilities.None;
        }
        Capabilities caps = Capabilities.None;
        foreach (string part in text.Split('|'))
        {
            int i = All.Select(a => a.Name).ToList().IndexOf(part);
            if (i < 0)
            {
                return null;
            }
            caps |= All[i].Bit;
        }
        return caps;
    }

    /// <summary>The <c>a|b</c> spelling, or <c>none</c>.</summary>
    public static string Format(Capabilities caps) =>
        caps == Capabilities.None ? "none" : string.Join("|", All.Where(a => (caps & a.Bit) != 0).Select(a => a.Name));
}
