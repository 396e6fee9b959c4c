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

/// <summary>
/// A simulated call with typed arguments (SPEC §12.3); one subclass per call. What a call
/// means to each consumer (printing, running, C emission, the explorer's recording) is a
/// method of <see cref="ICallVisitor{T}"/>, so a new call that some consumer does not handle
/// fails to compile (<c>docs/extending.md</c>).
/// </summary>
public abstract record Call
{
    /// <summary>The call's keyword in scenario files.</summary>
    public abstract string Keyword { get; }

    /// <summary>
    /// Every expression argument in source order, null where an optional one is omitted: the
    /// names a line needs bound before it runs (the runner's <c>unbound</c> rule, SPEC §12.6)
    /// and the values an emitted C line reads.
    /// </summary>
    public abstract IReadOnlyList<Expr?> Arguments { get; }

    /// <summary>The names <see cref="Arguments"/> use, in order, repeats included.</summary>
    public IEnumerable<string> Names => Arguments.Where(e => e is not null).SelectMany(e => e!.Names);

    /// <summary>Dispatches to the <paramref name="visitor"/>'s method for this call.</summary>
    public abstract T Accept<T>(ICallVisitor<T> visitor);
}

/// <summary>
/// One method per call: the table every per-call consumer implements (the printer, the
/// runner, the C emitter, the explorer's recorder). Adding a call adds a method here, and
/// the compiler then lists every consumer still to write.
/// </summary>
public interface ICallVisitor<out T>
{
    /// <summary><c>mmap</c>.</summary>
    T VisitMmap(MmapCall call);
    /// <summary><c>munmap</c>.</summary>
    T VisitMunmap(MunmapCall call);
    /// <summary><c>mprotect</c>.</summary>
    T VisitMprotect(MprotectCall call);
    /// <summary><c>minherit</c>.</summary>
    T VisitMinherit(MinheritCall call);
    /// <summary><c>mlock</c>.</summary>
    T VisitMlock(MlockCall call);

    /// <summary><c>mlock2</c>.</summary>
    T VisitMlock2(Mlock2Call call);
    /// <summary><c>munlock</c>.</summary>
    T VisitMunlock(MunlockCall call);
    /// <summary><c>mlockall</c>.</summary>
    T VisitMlockall(MlockallCall call);
    /// <summary><c>munlockall</c>.</summary>
    T VisitMunlockall(MunlockallCall call);
    /// <summary><c>brk</c>.</summary>
    T VisitBrk(BrkCall call);
    /// <summary><c>touch</c>.</summary>
    T VisitTouch(TouchCall call);
    /// <summary><c>fork</c>.</summary>
    T VisitFork(ForkCall call);
    /// <summary><c>exec</c>.</summary>
    T VisitExec(ExecCall call);
    /// <summary><c>exit</c>.</summary>
    T VisitExit(ExitCall call);
    /// <summary><c>setrlimit</c>.</summary>
    T VisitSetrlimit(SetrlimitCall call);
    /// <summary><c>shmget</c>.</summary>
    T VisitShmget(ShmgetCall call);
    /// <summary><c>shmat</c>.</summary>
    T VisitShmat(ShmatCall call);
    /// <summary><c>shmdt</c>.</summary>
    T VisitShmdt(ShmdtCall call);
    /// <summary><c>shmctl</c>.</summary>
    T VisitShmctl(ShmctlCall call);
    /// <summary><c>vslock</c>.</summary>
    T VisitVslock(VslockCall call);
    /// <summary><c>vsunlock</c>.</summary>
    T VisitVsunlock(VsunlockCall call);
    /// <summary><c>pagedaemon</c>.</summary>
    T VisitPagedaemon(PagedaemonCall call);
    /// <summary><c>file</c>.</summary>
    T VisitFile(FileCall call);
}

/// <summary><c>mmap LEN PROT FLAGS [at ADDR] [file NAME [OFF]]</c>.</summary>
public sealed record MmapCall(Expr Length, Protection Protection, FlagSet Flags, Expr? Address = null, string? File = null, Expr? Offset = null) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "mmap";

    /// <inheritdoc/>
    public override IReadOnlyList<Expr?> Arguments => [Length, Address, Offset];

    /// <inheritdoc/>
    public override T Accept<T>(ICallVisitor<T> visitor) => visitor.VisitMmap(this);
}

/// <summary><c>munmap ADDR LEN</c>.</summary>
public sealed record MunmapCall(Expr Address, Expr Length) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "munmap";

    /// <inheritdoc/>
    public override IReadOnlyList<Expr?> Arguments => [Address, Length];

    /// <inheritdoc/>
    public override T Accept<T>(ICallVisitor<T> visitor) => visitor.VisitMunmap(this);
}

/// <summary><c>mprotect ADDR LEN PROT</c>.</summary>
public sealed record MprotectCall(Expr Address, Expr Length, Protection Protection) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "mprotect";

    /// <inheritdoc/>
    public override IReadOnlyList<Expr?> Arguments => [Address, Length];

    /// <inheritdoc/>
    public override T Accept<T>(ICallVisitor<T> visitor) => visitor.VisitMprotect(this);
}

/// <summary><c>minherit ADDR LEN share|copy|none|zero</c>.</summary>
public sealed record MinheritCall(Expr Address, Expr Length, Inheritance Inheritance) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "minherit";

    /// <inheritdoc/>
    public override IReadOnlyList<Expr?> Arguments => [Address, Length];

    /// <inheritdoc/>
    public override T Accept<T>(ICallVisitor<T> visitor) => visitor.VisitMinherit(this);
}

/// <summary><c>mlock ADDR LEN</c>.</summary>
public sealed record MlockCall(Expr Address, Expr Length) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "mlock";

    /// <inheritdoc/>
    public override IReadOnlyList<Expr?> Arguments => [Address, Length];

    /// <inheritdoc/>
    public override T Accept<T>(ICallVisitor<T> visitor) => visitor.VisitMlock(this);
}

/// <summary><c>mlock2 ADDR LEN [onfault]</c> (Linux, SPEC §17): <see cref="OnFault"/> is <c>MLOCK_ONFAULT</c>.</summary>
public sealed record Mlock2Call(Expr Address, Expr Length, bool OnFault) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "mlock2";

    /// <inheritdoc/>
    public override IReadOnlyList<Expr?> Arguments => [Address, Length];

    /// <inheritdoc/>
    public override T Accept<T>(ICallVisitor<T> visitor) => visitor.VisitMlock2(this);
}

/// <summary><c>munlock ADDR LEN</c>.</summary>
public sealed record MunlockCall(Expr Address, Expr Length) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "munlock";

    /// <inheritdoc/>
    public override IReadOnlyList<Expr?> Arguments => [Address, Length];

    /// <inheritdoc/>
    public override T Accept<T>(ICallVisitor<T> visitor) => visitor.VisitMunlock(this);
}

/// <summary><c>mlockall FLAGS</c>.</summary>
public sealed record MlockallCall(FlagSet Flags) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "mlockall";

    /// <inheritdoc/>
    public override IReadOnlyList<Expr?> Arguments => [];

    /// <inheritdoc/>
    public override T Accept<T>(ICallVisitor<T> visitor) => visitor.VisitMlockall(this);
}

/// <summary><c>munlockall</c>.</summary>
public sealed record MunlockallCall : Call
{
    /// <inheritdoc/>
    public override string Keyword => "munlockall";

    /// <inheritdoc/>
    public override IReadOnlyList<Expr?> Arguments => [];

    /// <inheritdoc/>
    public override T Accept<T>(ICallVisitor<T> visitor) => visitor.VisitMunlockall(this);
}

/// <summary><c>brk LEN</c>.</summary>
public sealed record BrkCall(Expr Length) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "brk";

    /// <inheritdoc/>
    public override IReadOnlyList<Expr?> Arguments => [Length];

    /// <inheritdoc/>
    public override T Accept<T>(ICallVisitor<T> visitor) => visitor.VisitBrk(this);
}

/// <summary><c>touch ADDR [LEN] [read|write]</c>; the defaults (1 byte, read) are filled in.</summary>
public sealed record TouchCall(Expr Address, Expr Length, Access Access) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "touch";

    /// <inheritdoc/>
    public override IReadOnlyList<Expr?> Arguments => [Address, Length];

    /// <inheritdoc/>
    public override T Accept<T>(ICallVisitor<T> visitor) => visitor.VisitTouch(this);
}

/// <summary><c>fork CHILD</c>; declares process <see cref="Child"/>.</summary>
public sealed record ForkCall(string Child) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "fork";

    /// <inheritdoc/>
    public override IReadOnlyList<Expr?> Arguments => [];

    /// <inheritdoc/>
    public override T Accept<T>(ICallVisitor<T> visitor) => visitor.VisitFork(this);
}

/// <summary><c>exec</c>.</summary>
public sealed record ExecCall : Call
{
    /// <inheritdoc/>
    public override string Keyword => "exec";

    /// <inheritdoc/>
    public override IReadOnlyList<Expr?> Arguments => [];

    /// <inheritdoc/>
    public override T Accept<T>(ICallVisitor<T> visitor) => visitor.VisitExec(this);
}

/// <summary><c>exit</c>.</summary>
public sealed record ExitCall : Call
{
    /// <inheritdoc/>
    public override string Keyword => "exit";

    /// <inheritdoc/>
    public override IReadOnlyList<Expr?> Arguments => [];

    /// <inheritdoc/>
    public override T Accept<T>(ICallVisitor<T> visitor) => visitor.VisitExit(this);
}

/// <summary><c>setrlimit memlock SOFT HARD</c> (the only resource modelled).</summary>
public sealed record SetrlimitCall(Expr Soft, Expr Hard) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "setrlimit";

    /// <inheritdoc/>
    public override IReadOnlyList<Expr?> Arguments => [Soft, Hard];

    /// <inheritdoc/>
    public override T Accept<T>(ICallVisitor<T> visitor) => visitor.VisitSetrlimit(this);
}

/// <summary><c>shmget KEY|private SIZE FLAGS</c>; <see cref="Key"/> null is <c>IPC_PRIVATE</c>.</summary>
public sealed record ShmgetCall(Expr? Key, Expr Size, FlagSet Flags) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "shmget";

    /// <inheritdoc/>
    public override IReadOnlyList<Expr?> Arguments => [Key, Size];

    /// <inheritdoc/>
    public override T Accept<T>(ICallVisitor<T> visitor) => visitor.VisitShmget(this);
}

/// <summary><c>shmat ID [ADDR] [FLAGS]</c>; <see cref="Address"/> null when omitted (0 also means none).</summary>
public sealed record ShmatCall(Expr Id, Expr? Address, FlagSet Flags) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "shmat";

    /// <inheritdoc/>
    public override IReadOnlyList<Expr?> Arguments => [Id, Address];

    /// <inheritdoc/>
    public override T Accept<T>(ICallVisitor<T> visitor) => visitor.VisitShmat(this);
}

/// <summary><c>shmdt ADDR</c>.</summary>
public sealed record ShmdtCall(Expr Address) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "shmdt";

    /// <inheritdoc/>
    public override IReadOnlyList<Expr?> Arguments => [Address];

    /// <inheritdoc/>
    public override T Accept<T>(ICallVisitor<T> visitor) => visitor.VisitShmdt(this);
}

/// <summary><c>shmctl ID CMD</c>; uid, gid and mode only with <c>IPC_SET</c>.</summary>
public sealed record ShmctlCall(Expr Id, ShmctlCommand Command, Expr? Uid = null, Expr? Gid = null, Expr? Mode = null) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "shmctl";

    /// <inheritdoc/>
    public override IReadOnlyList<Expr?> Arguments => [Id, Uid, Gid, Mode];

    /// <inheritdoc/>
    public override T Accept<T>(ICallVisitor<T> visitor) => visitor.VisitShmctl(this);
}

/// <summary><c>vslock ADDR LEN [read|write]</c> (default write); returns a handle.</summary>
public sealed record VslockCall(Expr Address, Expr Length, Access Access) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "vslock";

    /// <inheritdoc/>
    public override IReadOnlyList<Expr?> Arguments => [Address, Length];

    /// <inheritdoc/>
    public override T Accept<T>(ICallVisitor<T> visitor) => visitor.VisitVslock(this);
}

/// <summary><c>vsunlock H</c>.</summary>
public sealed record VsunlockCall(Expr Handle) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "vsunlock";

    /// <inheritdoc/>
    public override IReadOnlyList<Expr?> Arguments => [Handle];

    /// <inheritdoc/>
    public override T Accept<T>(ICallVisitor<T> visitor) => visitor.VisitVsunlock(this);
}

/// <summary><c>pagedaemon [PAGES]</c>; null runs until the free target is met.</summary>
public sealed record PagedaemonCall(Expr? Pages) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "pagedaemon";

    /// <inheritdoc/>
    public override IReadOnlyList<Expr?> Arguments => [Pages];

    /// <inheritdoc/>
    public override T Accept<T>(ICallVisitor<T> visitor) => visitor.VisitPagedaemon(this);
}

/// <summary><c>file NAME SIZE [ro]</c>: creates a global file object.</summary>
public sealed record FileCall(string Name, Expr Size, bool ReadOnly) : Call
{
    /// <inheritdoc/>
    public override string Keyword => "file";

    /// <inheritdoc/>
    public override IReadOnlyList<Expr?> Arguments => [Size];

    /// <inheritdoc/>
    public override T Accept<T>(ICallVisitor<T> visitor) => visitor.VisitFile(this);
}
