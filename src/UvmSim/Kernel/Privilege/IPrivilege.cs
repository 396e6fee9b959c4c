using UvmSim.Policies;

namespace UvmSim.Kernel.Privilege;

/// <summary>
/// Switch <c>privilege</c> (SPEC §3.5, §17.5): which process may do what the permission
/// checks guard. Under <c>uid0</c> uid 0 may do everything but is limited like everyone else
/// (NetBSD's <c>kauth</c> defaults); under <c>caps</c> each grant is one Linux capability.
/// </summary>
public interface IPrivilege
{
    /// <summary>The capabilities a new process of <paramref name="uid"/> starts with when the scenario names none.</summary>
    Capabilities Initial(uint uid, Capabilities rootCaps);

    /// <summary>Bypasses the SysV permission bits (<c>ipcperms</c>).</summary>
    bool BypassesSysvPermissions(Process p);

    /// <summary>May IPC_SET and IPC_RMID a segment it neither owns nor created.</summary>
    bool ControlsAnySegment(Process p);

    /// <summary>May SHM_LOCK and SHM_UNLOCK a segment it neither owns nor created.</summary>
    bool LocksAnySegment(Process p);

    /// <summary>Whether an owner without that privilege may SHM_LOCK at all (Linux: yes, within its budget).</summary>
    bool OwnersMayLock { get; }

    /// <summary>May raise the hard <c>RLIMIT_MEMLOCK</c>.</summary>
    bool RaisesHardLimit(Process p);

    /// <summary>Skips every memlock limit test (<c>CAP_IPC_LOCK</c>).</summary>
    bool IgnoresMemlockLimit(Process p);

    /// <summary>
    /// May map below the lowest placed address with <c>fixed</c>, page 0 included
    /// (<c>CAP_SYS_RAWIO</c> past <c>mmap_min_addr</c>, Linux's <c>cap_mmap_addr</c>).
    /// </summary>
    bool MapsPageZero(Capabilities caps);
}

/// <summary><c>privilege=uid0</c>: uid 0 is privileged, and limited like everyone else (SPEC §3.5).</summary>
public sealed class Uid0Privilege : IPrivilege
{
    /// <inheritdoc/>
    public Capabilities Initial(uint uid, Capabilities rootCaps) => Capabilities.None;

    /// <inheritdoc/>
    public bool BypassesSysvPermissions(Process p) => p.Uid == 0;

    /// <inheritdoc/>
    public bool ControlsAnySegment(Process p) => p.Uid == 0;

    /// <inheritdoc/>
    public bool LocksAnySegment(Process p) => p.Uid == 0;

    /// <inheritdoc/>
    public bool OwnersMayLock => false;

    /// <inheritdoc/>
    public bool RaisesHardLimit(Process p) => p.Uid == 0;

    /// <inheritdoc/>
    public bool IgnoresMemlockLimit(Process p) => false;

    /// <inheritdoc/>
    public bool MapsPageZero(Capabilities caps) => false;
}

/// <summary><c>privilege=caps</c>: each grant is one capability the process holds (SPEC §17.5).</summary>
public sealed class CapsPrivilege : IPrivilege
{
    /// <inheritdoc/>
    public Capabilities Initial(uint uid, Capabilities rootCaps) => uid == 0 ? rootCaps : Capabilities.None;

    /// <inheritdoc/>
    public bool BypassesSysvPermissions(Process p) => (p.Caps & Capabilities.IpcOwner) != 0;

    /// <inheritdoc/>
    public bool ControlsAnySegment(Process p) => (p.Caps & Capabilities.SysAdmin) != 0;

    /// <inheritdoc/>
    public bool LocksAnySegment(Process p) => (p.Caps & Capabilities.IpcLock) != 0;

    /// <inheritdoc/>
    public bool OwnersMayLock => true;

    /// <inheritdoc/>
    public bool RaisesHardLimit(Process p) => (p.Caps & Capabilities.SysResource) != 0;

    /// <inheritdoc/>
    public bool IgnoresMemlockLimit(Process p) => (p.Caps & Capabilities.IpcLock) != 0;

    /// <inheritdoc/>
    public bool MapsPageZero(Capabilities caps) => (caps & Capabilities.SysRawio) != 0;
}

/// <summary>Chooses the privilege model for a switch value.</summary>
public static class Privileges
{
    // Both models hold no state: every kernel shares one of each (issue 17: a boot allocates less).
    private static readonly Uid0Privilege s_uid0 = new();
    private static readonly CapsPrivilege s_caps = new();

    /// <summary>The model for <paramref name="value"/>.</summary>
    public static IPrivilege For(PrivilegeSwitch value) => value switch
    {
        PrivilegeSwitch.Uid0 => s_uid0,
        PrivilegeSwitch.Caps => s_caps,
        _ => throw new NotSupportedException($"privilege={value}"),
    };
}
