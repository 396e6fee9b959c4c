using UvmSim.Fault;
using UvmSim.Map;
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

    /// <summary>Root, who passes the permission checks of <c>ipcperm</c>.</summary>
    bool Privileged { get; }

    /// <summary>SysV attachments, newest first (<c>shmmap_state</c>).</summary>
    List<Attachment> Attachments { get; }
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

    /// <summary>The wiring semantics (<c>wiring</c> switch).</summary>
    IWiringSemantics Wiring { get; }

    /// <summary>The segment table.</summary>
    ShmTable Shm { get; }

    /// <summary>The lock variant (<c>sysv</c> switch).</summary>
    ISysvLock SysvLock { get; }

    /// <summary>
    /// Unmaps <c>[start, end)</c> of <paramref name="p"/> (<c>uvm_deallocate</c>); <paramref name="only"/>
    /// restricts it to some entries (a segment's, for <c>sysv=segment</c>'s <c>shmdt</c>).
    /// </summary>
    void Unmap(IShmProcess p, ulong start, ulong end, Func<MapEntry, bool>? only);

    /// <summary>
    /// Calls <paramref name="walk"/> for each live process in the kernel's order until it
    /// returns false. =&gt; false when the walk stopped early. Allocates nothing.
    /// </summary>
    bool WalkLiveProcesses(IShmProcessWalk walk);
}

/// <summary>A step of <see cref="IShmHost.WalkLiveProcesses"/>: an object, so the walk allocates nothing per call.</summary>
public interface IShmProcessWalk
{
    /// <summary>Visits one live process; false stops the walk.</summary>
    bool Visit(IShmProcess p);
}
