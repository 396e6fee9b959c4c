using UvmSim.Fault;
using UvmSim.Map;
using UvmSim.Objects;
using UvmSim.Policies;
using UvmSim.Wiring;

namespace UvmSim.SysV;

/// <summary>
/// What SysV shared memory needs of a process (<c>struct proc</c> as <c>sysv_shm.c</c> reads
/// it): its address space, credentials and attachment list (<c>shmmap_state</c>). The kernel's
/// <c>Process</c> implements it, so SysV sits below the kernel with no reference up
/// (<c>src/UvmSim/layers.txt</c>).
/// </summary>
public interface IShmProcess
{
    /// <summary>The address space (<c>p_vmspace</c>).</summary>
    VmSpace Space { get; }

    /// <summary>Effective user id (<c>kauth_cred_geteuid</c>).</summary>
    uint Uid { get; }

    /// <summary>Effective group id.</summary>
    uint Gid { get; }

    /// <summary>
    /// <c>RLIMIT_MEMLOCK</c> soft value in bytes: Linux's <c>user_shm_lock</c> charges
    /// <c>SHM_LOCK</c> against it (SPEC §17.3). Who is privileged is the host's question
    /// (<see cref="IShmHost.BypassesSysvPermissions"/>), since it depends on the <c>privilege</c> switch.
    /// </summary>
    ulong MemlockSoft { get; }

    /// <summary>SysV attachments, newest first (<c>shmmap_state</c>), to read.</summary>
    List<Attachment> Attachments { get; }

    /// <summary>The attachment list to change: made if there is none yet, and logged for undo (both before the change).</summary>
    List<Attachment> ChangeAttachments();
}

/// <summary>
/// What SysV shared memory needs of the kernel: the VM system, the wiring semantics, the
/// unmapping of <c>uvm_deallocate</c>, and a walk over the live processes (<c>allproc</c>).
/// The kernel implements it and calls SysV directly (<c>shmfork</c>, <c>shmexit</c>); SysV sees
/// the kernel only through this interface (docs/wiring.md, "Call flow").
/// </summary>
public interface IShmHost
{
    /// <summary>The machine.</summary>
    Vm Vm { get; }

    /// <summary>The policy: SysV reads its <c>syscalls</c> switch (Linux's call order, SPEC §17).</summary>
    Policy Policy { get; }

    /// <summary>The wiring semantics (<c>wiring</c> switch).</summary>
    IWiringSemantics Wiring { get; }

    /// <summary>The segment table.</summary>
    ShmTable Shm { get; }

    /// <summary>The lock variant (<c>sysv</c> switch).</summary>
    ISysvLock SysvLock { get; }

    /// <summary>
    /// Unmaps <c>[start, end)</c> of <paramref name="p"/> (<c>uvm_deallocate</c>); <paramref name="only"/>
    /// restricts it to the entries of one object (a segment's, for <c>sysv=segment</c>'s <c>shmdt</c>).
    /// </summary>
    void Unmap(IShmProcess p, ulong start, ulong end, UvmObject? only);

    /// <summary>
    /// Calls <paramref name="walk"/> for each live process in the kernel's order until it
    /// returns false. =&gt; false when the walk stopped early. Allocates nothing.
    /// </summary>
    bool WalkLiveProcesses(IShmProcessWalk walk);

    /// <summary>Where <c>shmat</c> without an address puts <paramref name="size"/> bytes (the <c>placement</c> switch), or null.</summary>
    ulong? FindSpace(VmMap map, ulong size, ulong hint);

    /// <summary>Linux's <c>mlock_future_ok</c>: whether <paramref name="size"/> more locked bytes fit <paramref name="p"/>'s limit.</summary>
    bool FutureOk(IShmProcess p, ulong size);

    // ---- the privilege questions sysv_shm.c and ipc/shm.c ask (switch privilege, SPEC §17.5) ----

    /// <summary>Bypasses the SysV permission bits (<c>ipcperm</c>, <c>ipcperms</c>).</summary>
    bool BypassesSysvPermissions(IShmProcess p);

    /// <summary>May IPC_SET and IPC_RMID a segment it neither owns nor created.</summary>
    bool ControlsAnySegment(IShmProcess p);

    /// <summary>May SHM_LOCK and SHM_UNLOCK a segment it neither owns nor created.</summary>
    bool LocksAnySegment(IShmProcess p);

    /// <summary>Whether an owner without that privilege may SHM_LOCK at all (Linux: yes, within its budget).</summary>
    bool OwnersMayLock { get; }

    /// <summary>Skips every memlock limit test (<c>CAP_IPC_LOCK</c>).</summary>
    bool IgnoresMemlockLimit(IShmProcess p);
}

/// <summary>A step of <see cref="IShmHost.WalkLiveProcesses"/>: an object, so the walk allocates nothing per call.</summary>
public interface IShmProcessWalk
{
    /// <summary>Visits one live process; false stops the walk.</summary>
    bool Visit(IShmProcess p);
}
