using UvmSim.Map;

namespace UvmSim.Scenarios.Syntax;

/// <summary>Read or write access, for <c>touch</c> and <c>vslock</c>.</summary>
public enum Access
{
    /// <summary>A read fault.</summary>
    Read,
    /// <summary>A write fault (breaks copy-on-write).</summary>
    Write,
}

/// <summary>The <c>shmctl</c> commands.</summary>
public enum ShmctlCommand
{
    /// <summary><c>IPC_STAT</c>.</summary>
    IPC_STAT,
    /// <summary><c>IPC_SET</c> with optional uid, gid and mode.</summary>
    IPC_SET,
    /// <summary><c>IPC_RMID</c>.</summary>
    IPC_RMID,
    /// <summary><c>SHM_LOCK</c>.</summary>
    SHM_LOCK,
    /// <summary><c>SHM_UNLOCK</c>.</summary>
    SHM_UNLOCK,
}

/// <summary>A simulated call with typed arguments (SPEC §12.3); one subclass per call.</summary>
public abstract record Call
{
    /// <summary>The call's keyword in scenario files.</summary>
    public abstract string Keyword { get; }
}

/// <summary><c>mmap LEN PROT FLAGS [at ADDR] [file NAME [OFF]]</c>.</summary>
public sealed record MmapCall(Expr Length, Protection Protection, FlagSet Flags, Expr? Address = null, string? File = null, Expr? Offset = null) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "mmap";
}

/// <summary><c>munmap ADDR LEN</c>.</summary>
public sealed record MunmapCall(Expr Address, Expr Length) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "munmap";
}

/// <summary><c>mprotect ADDR LEN PROT</c>.</summary>
public sealed record MprotectCall(Expr Address, Expr Length, Protection Protection) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "mprotect";
}

/// <summary><c>minherit ADDR LEN share|copy|none|zero</c>.</summary>
public sealed record MinheritCall(Expr Address, Expr Length, Inheritance Inheritance) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "minherit";
}

/// <summary><c>mlock ADDR LEN</c>.</summary>
public sealed record MlockCall(Expr Address, Expr Length) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "mlock";
}

/// <summary><c>munlock ADDR LEN</c>.</summary>
public sealed record MunlockCall(Expr Address, Expr Length) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "munlock";
}

/// <summary><c>mlockall FLAGS</c>.</summary>
public sealed record MlockallCall(FlagSet Flags) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "mlockall";
}

/// <summary><c>munlockall</c>.</summary>
public sealed record MunlockallCall : Call
{
    /// <inheritdoc/>
    public override string Keyword => "munlockall";
}

/// <summary><c>brk LEN</c>.</summary>
public sealed record BrkCall(Expr Length) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "brk";
}

/// <summary><c>touch ADDR [LEN] [read|write]</c>; the defaults (1 byte, read) are filled in.</summary>
public sealed record TouchCall(Expr Address, Expr Length, Access Access) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "touch";
}

/// <summary><c>fork CHILD</c>; declares process <see cref="Child"/>.</summary>
public sealed record ForkCall(string Child) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "fork";
}

/// <summary><c>exec</c>.</summary>
public sealed record ExecCall : Call
{
    /// <inheritdoc/>
    public override string Keyword => "exec";
}

/// <summary><c>exit</c>.</summary>
public sealed record ExitCall : Call
{
    /// <inheritdoc/>
    public override string Keyword => "exit";
}

/// <summary><c>setrlimit memlock SOFT HARD</c> (the only resource modelled).</summary>
public sealed record SetrlimitCall(Expr Soft, Expr Hard) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "setrlimit";
}

/// <summary><c>shmget KEY|private SIZE FLAGS</c>; <see cref="Key"/> null is <c>IPC_PRIVATE</c>.</summary>
public sealed record ShmgetCall(Expr? Key, Expr Size, FlagSet Flags) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "shmget";
}

/// <summary><c>shmat ID [ADDR] [FLAGS]</c>; <see cref="Address"/> null when omitted (0 also means none).</summary>
public sealed record ShmatCall(Expr Id, Expr? Address, FlagSet Flags) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "shmat";
}

/// <summary><c>shmdt ADDR</c>.</summary>
public sealed record ShmdtCall(Expr Address) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "shmdt";
}

/// <summary><c>shmctl ID CMD</c>; uid, gid and mode only with <c>IPC_SET</c>.</summary>
public sealed record ShmctlCall(Expr Id, ShmctlCommand Command, Expr? Uid = null, Expr? Gid = null, Expr? Mode = null) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "shmctl";
}

/// <summary><c>vslock ADDR LEN [read|write]</c> (default write); returns a handle.</summary>
public sealed record VslockCall(Expr Address, Expr Length, Access Access) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "vslock";
}

/// <summary><c>vsunlock H</c>.</summary>
public sealed record VsunlockCall(Expr Handle) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "vsunlock";
}

/// <summary><c>pagedaemon [PAGES]</c>; null runs until the free target is met.</summary>
public sealed record PagedaemonCall(Expr? Pages) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "pagedaemon";
}

/// <summary><c>file NAME SIZE [ro]</c>: creates a global file object.</summary>
public sealed record FileCall(string Name, Expr Size, bool ReadOnly) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "file";
}
