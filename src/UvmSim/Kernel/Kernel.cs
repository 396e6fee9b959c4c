using UvmSim.Undo;
using UvmSim.Fault;
using UvmSim.Kernel.Limits;
using UvmSim.Kernel.Privilege;
using UvmSim.Kernel.Transient;
using UvmSim.Map;
using UvmSim.Objects;
using UvmSim.Physical;
using UvmSim.Policies;
using UvmSim.SysV;
using UvmSim.Wiring;

namespace UvmSim.Kernel;

/// <summary>
/// The simulated kernel: processes and their system calls over one machine under one
/// policy. Every call returns a <see cref="SysResult"/>; only <see cref="KernelPanic"/>
/// escapes, after which the kernel is dead and refuses further calls (SPEC §12.6).
/// Calls validate their arguments first, in SPEC §5's order, and change nothing on a bad
/// argument.
/// </summary>
public sealed partial class Kernel : IShmHost
{
    private readonly Dictionary<int, Process> _processes = [];
    private static readonly Dictionary<string, FileObject> s_noFiles = [];

    /// <summary>Global file objects; made with the first one (the explorer's universes have none: issue 17).</summary>
    private Dictionary<string, FileObject>? _files;
    private int _nextPid = 1;

    /// <summary>
    /// The child a fork is building, until it joins the process table: NetBSD's new proc exists
    /// (in <c>allproc</c>, SIDL) while <c>uvmspace_fork</c> copies the map, so a panic there
    /// leaves it, with the amaps and anons already made for it, part of the dead kernel's
    /// state (a snapshot copies it). Null between calls.
    /// </summary>
    private Process? _forking;

    /// <summary>Boots a machine with every frame free.</summary>
    public Kernel(MachineConfig config, Policy policy)
        : this(new Vm(config, policy))
    {
    }

    /// <summary>A kernel over <paramref name="vm"/>: the switches' strategies, which hold no state, and an empty SysV table.</summary>
    private Kernel(Vm vm)
    {
        Vm = vm;
        Faults = new FaultHandler(Vm);
        Wiring = Pageable.For(Vm, Faults);
        Transient = TransientWiring.For(Policy.Transient, Vm, Faults);
        Accounting = MemlockAccounting.For(Policy.RelockCounts, Wiring, PageSize, Vm.Config.ImageLockable,
            Math.Max(Vm.Config.ImageTotal, Vm.Config.ImageLockable));
        Placement = Placements.For(Policy.Placement, Vm.Config.Top);
        Privilege = Privileges.For(Policy.Privilege);
        Shm = new ShmTable(this);
        SysvLock = SysvLocks.For(Policy.Sysv, this);
    }

    /// <summary>The machine.</summary>
    public Vm Vm { get; }

    /// <summary>The policy in force.</summary>
    public Policy Policy => Vm.Policy;

    /// <summary>Page size.</summary>
    public int PageSize => Vm.PageSize;

    /// <summary>Faults, fault-wiring and fault-unwiring.</summary>
    public FaultHandler Faults { get; }

    /// <summary>The wiring semantics (<c>wiring</c> switch).</summary>
    public IWiringSemantics Wiring { get; }

    /// <summary>The memlock accounting (<c>relock-counts</c> switch).</summary>
    public IMemlockAccounting Accounting { get; }

    /// <summary>Who may do what the permission checks guard (<c>privilege</c> switch).</summary>
    public IPrivilege Privilege { get; }

    /// <summary>Where unplaced mappings go (<c>placement</c> switch).</summary>
    public IPlacement Placement { get; }

    /// <summary>The transient wiring variant (<c>transient</c> switch).</summary>
    public ITransientWiring Transient { get; }

    /// <summary>SysV shared memory.</summary>
    public ShmTable Shm { get; }

    /// <summary>The SysV lock variant (<c>sysv</c> switch).</summary>
    public ISysvLock SysvLock { get; }

    /// <summary>The panic that killed the kernel, if any.</summary>
    public string? PanicMessage { get; private set => UndoLog.Set(this, ref field, value); }

    /// <summary>True after a panic.</summary>
    public bool Dead => PanicMessage is not null;

    /// <summary>Live processes by pid.</summary>
    public IReadOnlyDictionary<int, Process> Processes => _processes;

    /// <summary>The live processes, enumerable without allocating (the auditor and the state hash walk them per call).</summary>
    internal Dictionary<int, Process>.ValueCollection LiveProcesses => _processes.Values;

    /// <inheritdoc/>
    bool IShmHost.WalkLiveProcesses(IShmProcessWalk walk)
    {
        foreach (Process p in _processes.Values)
        {
            if (!walk.Visit(p))
            {
                return false;
            }
        }
        return true;
    }

    /// <inheritdoc/>
    void IShmHost.Unmap(IShmProcess p, ulong start, ulong end, UvmObject? only) => Unmap((Process)p, start, end, only);

    /// <inheritdoc/>
    ulong? IShmHost.FindSpace(VmMap map, ulong size, ulong hint) => Placement.Find(map, size, hint);

    /// <inheritdoc/>
    bool IShmHost.FutureOk(IShmProcess p, ulong size) => FutureOk((Process)p, size);

    /// <inheritdoc/>
    bool IShmHost.BypassesSysvPermissions(IShmProcess p) => Privilege.BypassesSysvPermissions((Process)p);

    /// <inheritdoc/>
    bool IShmHost.ControlsAnySegment(IShmProcess p) => Privilege.ControlsAnySegment((Process)p);

    /// <inheritdoc/>
    bool IShmHost.LocksAnySegment(IShmProcess p) => Privilege.LocksAnySegment((Process)p);

    /// <inheritdoc/>
    bool IShmHost.OwnersMayLock => Privilege.OwnersMayLock;

    /// <inheritdoc/>
    bool IShmHost.IgnoresMemlockLimit(IShmProcess p) => Privilege.IgnoresMemlockLimit((Process)p);

    /// <summary>Global file objects by name.</summary>
    public IReadOnlyDictionary<string, FileObject> Files => _files ?? s_noFiles;

    /// <summary>Transient wiring handles (<c>vslock</c>), by handle number: a view to read; the kernel writes the table it owns.</summary>
    public Dictionary<ulong, TransientHandle> Handles => _handles ?? s_noHandles;

    /// <summary>The handle table; made with the first handle (most universes never <c>vslock</c>: issue 17).</summary>
    private Dictionary<ulong, TransientHandle>? _handles;

    /// <summary>What <see cref="Handles"/> shows before the first handle: empty, and never written.</summary>
    private static readonly Dictionary<ulong, TransientHandle> s_noHandles = [];

    /// <summary>
    /// Runs <paramref name="call"/>, turning a <see cref="KernelPanic"/> into a dead kernel
    /// and rethrowing it so the caller can report the step.
    /// </summary>
    public SysResult Run(Func<SysResult> call)
    {
        if (Dead)
        {
            throw new InvalidOperationException("the kernel panicked; no further calls run");
        }
        try
        {
            return call();
        }
        catch (KernelPanic panic)
        {
            PanicMessage = panic.Message;
            throw;
        }
    }

    /// <summary>Marks the kernel dead after a panic caught elsewhere.</summary>
    public void Die(KernelPanic panic) => PanicMessage ??= panic.Message;

    /// <summary>Creates a process with an empty address space and default limits (a scenario's <c>proc</c>).</summary>
    public Process? CreateProcess(uint uid, uint gid, Capabilities? caps = null)
    {
        if (_processes.Count >= Vm.Config.MaxProc)
        {
            return null;
        }
        ulong physical = (ulong)Vm.Config.Pages * (ulong)PageSize;
        ulong hard = Vm.Config.MemlockHard ?? physical;
        Capabilities initial = caps ?? Privilege.Initial(uid, (Capabilities)Vm.Config.RootCaps);
        int pid = _nextPid;
        UndoLog.Set(this, ref _nextPid, pid + 1);
        UndoLog.Touch(_processes);
        var p = new Process(pid, uid, gid, Math.Min(Vm.Config.MemlockSoft ?? physical / 3, hard), hard, NewSpace(initial))
        {
            Caps = initial,
        };
        _processes[p.Pid] = p;
        return p;
    }

    /// <summary>A global file object (<c>file NAME SIZE [ro]</c>); EEXIST for a name in use.</summary>
    public SysResult CreateFile(string name, ulong size, bool readOnly)
    {
        if (_files is not null && _files.ContainsKey(name))
        {
            return Errno.EEXIST;
        }
        UndoLog.Changing(this, ref _files)[name] = Vm.NewObject(new FileObject(name, size, readOnly, PageSize));
        return SysResult.Success();
    }

    /// <summary>
    /// An empty address space for a process with <paramref name="caps"/>: its map starts at 0
    /// where the privilege lets it map page 0 with <c>fixed</c> (SPEC §17.5, <c>sys_rawio</c>),
    /// placement still starting at <see cref="VmMap.DefaultMin"/>.
    /// </summary>
    internal VmSpace NewSpace(Capabilities caps) =>
        new(new VmMap(PageSize, Privilege.MapsPageZero(caps) ? 0 : VmMap.DefaultMin, VmMap.DefaultMax, VmMap.DefaultMin), new Pmap(Vm.Pv, Vm.PageShift));

    internal ulong PageMask => (ulong)PageSize - 1;

    internal ulong RoundUp(ulong len, out bool wrapped)
    {
        ulong r = (len + PageMask) & ~PageMask;
        wrapped = r < len;
        return r;
    }
}
