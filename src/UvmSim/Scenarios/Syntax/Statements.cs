namespace UvmSim.Scenarios.Syntax;

/// <summary>A parsed scenario file: its statements in order.</summary>
public sealed record Scenario(string FileName, EquatableList<Statement> Statements);

/// <summary>
/// One line of a scenario. <see cref="Line"/>, <see cref="Column"/> and <see cref="Text"/> place
/// it for traces and errors; they are not part of equality, so a printed and re-parsed
/// scenario (laid out differently) equals the original.
/// </summary>
public abstract record Statement
{
    /// <summary>1-based line number.</summary>
    public int Line { get; init; }

    /// <summary>1-based column (Unicode scalar values) of the statement's first token.</summary>
    public int Column { get; init; }

    /// <summary>The source line without its comment, trimmed; what traces show.</summary>
    public string Text { get; init; } = "";

    /// <summary>Structural equality that ignores the source position.</summary>
    public virtual bool Equals(Statement? other) => other is not null && EqualityContract == other.EqualityContract;

    /// <inheritdoc/>
    public override int GetHashCode() => EqualityContract.GetHashCode();
}

/// <summary>
/// <c>machine KEY=VALUE…</c>: settings of the simulated machine; null means "not given here",
/// so the runner applies SPEC §12.2's defaults.
/// </summary>
public sealed record MachineStatement(
    ulong? Pages = null,
    ulong? PageSize = null,
    ulong? WiredMax = null,
    bool? Diagnostics = null,
    ulong? Swap = null,
    ulong? FreeTarget = null,
    ulong? MaxProc = null,
    string? RootCaps = null,
    ulong? ImageLockable = null,
    ulong? ImageTotal = null,
    ulong? Top = null) : Statement;

/// <summary>The SysV tunables a <c>sysctl</c> line may set (SPEC §8.1).</summary>
public enum SysctlKey
{
    /// <summary><c>shm_use_phys</c>: segments are created wired and locked.</summary>
    ShmUsePhys,
    /// <summary><c>shmmax</c>: largest segment in bytes.</summary>
    ShmMax,
    /// <summary><c>shmall</c>: pages in all segments.</summary>
    ShmAll,
    /// <summary><c>shmmin</c>: smallest segment.</summary>
    ShmMin,
    /// <summary><c>shmseg</c>: attachments per process.</summary>
    ShmSeg,
    /// <summary><c>shmmni</c>: segments in the system.</summary>
    ShmMni,
}

/// <summary><c>sysctl KEY VALUE</c>: sets a tunable for the lines after it.</summary>
public sealed record SysctlStatement(SysctlKey Key, Expr Value) : Statement;

/// <summary>
/// <c>proc NAME [uid=N] [gid=N] [caps=FLAGS|none]</c>: a process with an empty address space
/// (gid defaults to uid; <see cref="Caps"/>, SPEC §17.5, defaults by uid under <c>privilege=caps</c>).
/// </summary>
public sealed record ProcStatement(string Name, ulong? Uid = null, ulong? Gid = null, string? Caps = null) : Statement;

/// <summary>
/// <c>PROC: [NAME =] CALL ARGS… [=&gt; OUTCOME]</c>, or a top-level <c>file</c> line
/// (<see cref="Proc"/> null). <see cref="Expect"/> null means "expects success".
/// </summary>
public sealed record CallStatement(string? Proc, string? BindName, Call Call, Expectation? Expect = null) : Statement;

/// <summary><c>[PROC:] check …</c>; <see cref="Proc"/> is set exactly for per-process checks.</summary>
public sealed record CheckStatement(string? Proc, Check Check) : Statement;
