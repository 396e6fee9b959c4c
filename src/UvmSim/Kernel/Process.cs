using UvmSim.Undo;
using UvmSim.Fault;
using UvmSim.Kernel.Privilege;
using UvmSim.SysV;

namespace UvmSim.Kernel;

/// <summary>
/// A process (<c>struct proc</c> with its <c>vmspace</c>): credentials, the memlock limit,
/// an address space, SysV attachments and transient handles (SPEC §3.5).
/// </summary>
public sealed partial class Process : IShmProcess
{
    internal Process(int pid, uint uid, uint gid, ulong memlockSoft, ulong memlockHard, VmSpace space)
    {
        UndoLog.Fresh(this);
        Pid = pid;
        Uid = uid;
        Gid = gid;
        MemlockSoft = memlockSoft;
        MemlockHard = memlockHard;
        Space = space;
    }

    /// <summary>Process id.</summary>
    public int Pid { get; }

    /// <summary>User id; 0 is privileged.</summary>
    public uint Uid { get; }

    /// <summary>Group id.</summary>
    public uint Gid { get; }

    /// <summary>Capabilities under <c>privilege=caps</c> (SPEC §17.5); kept by fork and exec.</summary>
    public Capabilities Caps { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>Whether the image's lockable pages are locked (<c>mlockall(MCL_CURRENT)</c>, SPEC §17.4).</summary>
    public bool ImageLocked { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary><c>RLIMIT_MEMLOCK</c> soft value in bytes: the limit the mlock family enforces.</summary>
    public ulong MemlockSoft { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary><c>RLIMIT_MEMLOCK</c> hard value in bytes.</summary>
    public ulong MemlockHard { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>The address space.</summary>
    public VmSpace Space { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>SysV attachments, newest first (<c>shmmap_state</c>): a view to read; SysV changes the list through <see cref="ChangeAttachments"/>.</summary>
    public List<Attachment> Attachments => _attachments ?? s_noAttachments;

    /// <summary>The attachment list; made with the first attachment (most processes never attach: issue 17).</summary>
    private List<Attachment>? _attachments;

    /// <summary>What <see cref="Attachments"/> shows before the first attachment: empty, and never written.</summary>
    private static readonly List<Attachment> s_noAttachments = [];

    /// <inheritdoc/>
    public List<Attachment> ChangeAttachments() => UndoLog.Changing(this, ref _attachments);

    /// <summary>Start of the heap once <c>brk</c> fixed it.</summary>
    public ulong? HeapStart { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>Current end of the heap.</summary>
    public ulong HeapEnd { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>False once the process has exited.</summary>
    public bool Alive { get; internal set => UndoLog.Set(this, ref field, value); } = true;

    /// <summary>Pages this process holds a POSIX lock on (the auditor's reference model, §10 rule 6).</summary>
    public RangeSet PosixLocked { get; } = new();
}
