using UvmSim.Checking;

namespace UvmSim.Exploration;

/// <summary>What one <see cref="Engine.Step"/> gave.</summary>
public enum StepKind
{
    /// <summary>The call ran and the audit found nothing: <see cref="StepResult.Hash"/> is the new state.</summary>
    State,
    /// <summary>The simulated kernel panicked (<see cref="StepResult.Panic"/>); the kernel is dead.</summary>
    Panic,
    /// <summary>The audit found violations (<see cref="StepResult.Violations"/>).</summary>
    Violation,
}

/// <summary>
/// The outcome of one step. =&gt; <c>Violations</c> is the auditor's own list, valid until the
/// engine's next step: copy it to keep it.
/// </summary>
public readonly record struct StepResult(StepKind Kind, ulong Hash, string? Panic, IReadOnlyList<Violation>? Violations)
{
    /// <summary>
    /// Set by <see cref="Engine.StepUnlessKnown"/> when the state is certainly among the known
    /// ones (the one before, found in the set, or among the job's recent clean states, kept
    /// already or about to be): a search need not look it up again.
    /// </summary>
    public bool Known { get; init; }
}

/// <summary>
/// The one place an exploration runs calls (as coyote's <c>TestingEngine</c> runs what its
/// strategies choose): <see cref="Begin"/> brings the machine to a state, <see cref="Step"/>
/// applies an op, turns a panic into a result, audits and hashes. The strategies — the fuzzer's
/// random episodes, the explorer's breadth-first search, a reproducer's replay — only choose
/// the ops. One engine per thread: its auditor and hasher are not shared.
/// </summary>
/// <remarks>
/// The state seam: <see cref="Begin"/> is where a step's starting state comes from. It boots
/// the universe and replays the prefix; <c>explore --snapshots</c> starts from a copy of the
/// state's kernel through <see cref="BeginFrom"/> instead (<see cref="OpInterpreter.Copy"/>),
/// and <see cref="Step"/> is unchanged.
/// Given <c>interchangeable</c> processes, the engine's hash forgets which of those is which
/// (<see cref="StateHash"/>, <c>explore --symmetry</c>), so a search keeps one state of each
/// set of mirror images.
/// </remarks>
public sealed class Engine(Universe universe, bool audit = true, bool record = false, int interchangeable = 0)
{
    private readonly Auditor _auditor = new();
    private readonly StateHash _hasher = new(interchangeable);

    /// <summary>The universe every run starts from.</summary>
    public Universe Universe => universe;

    /// <summary>The interpreter driving the current kernel (null before <see cref="Begin"/>).</summary>
    public OpInterpreter Driver { get; private set; } = null!;

    /// <summary>Live processes now: an op naming a process past them is not applicable (the explorer skips it).</summary>
    public int ProcessCount => Driver.ProcessCount;

    /// <summary>Boots a fresh kernel and replays <paramref name="prefix"/> without auditing or hashing it.</summary>
    /// <remarks>=&gt; a panic in the prefix propagates: a prefix that reached a state did not panic.</remarks>
    public void Begin(ReadOnlySpan<Op> prefix)
    {
        Driver = universe.Boot(record);
        foreach (Op op in prefix)
        {
            Driver.Apply(op);
        }
    }

    /// <summary>
    /// Starts from a state brought about elsewhere — a restored kernel snapshot and its
    /// interpreter — instead of replaying a prefix (the seam for snapshotting strategies).
    /// </summary>
    public void BeginFrom(OpInterpreter restored) => Driver = restored;

    /// <summary>
    /// <see cref="Step"/> for a search that remembers states: applies <paramref name="op"/>,
    /// and when <paramref name="unchanged"/> says the call changed nothing (an undo log that
    /// recorded no change), the state is the one before it, whose <paramref name="current"/>
    /// hash is known and whose audit was clean: nothing is audited or hashed. Otherwise the state
    /// is hashed first, and a state in <paramref name="recent"/> or <paramref name="known"/>
    /// (all of them audited clean: the hash covers everything the auditor reads) is not
    /// audited again. <paramref name="recent"/>, asked first, gets every clean state met.
    /// </summary>
    /// <remarks>
    /// The answer is <see cref="Step"/>'s for every state the search keeps: a known state's
    /// outcome is dropped by the search either way, and a new one is audited as before.
    /// </remarks>
    public StepResult StepUnlessKnown(Op op, Func<bool> unchanged, ulong current, StateSet known, RecentStates? recent = null)
    {
        if (Panics(op) is { } panicked)
        {
            return panicked;
        }
        if (unchanged())
        {
            return new StepResult(StepKind.State, current, null, null) { Known = true };
        }
        ulong h = Hash();
        if (recent?.Contains(h) == true)
        {
            return new StepResult(StepKind.State, h, null, null) { Known = true };
        }
        if (known.Contains(h))
        {
            recent?.Add(h);
            return new StepResult(StepKind.State, h, null, null) { Known = true };
        }
        if (audit && _auditor.Check(Driver.Kernel, full: false) is { Count: > 0 } violations)
        {
            return new StepResult(StepKind.Violation, 0, null, violations);
        }
        recent?.Add(h);
        return new StepResult(StepKind.State, h, null, null);
    }

    /// <summary>The hash of the current state (<see cref="StateHash"/>).</summary>
    public ulong Hash() => _hasher.Of(Driver.Kernel);

    /// <summary>
    /// Applies <paramref name="op"/> (apply → panic → audit → hash). With <paramref name="hash"/>
    /// false a clean step's hash is 0.
    /// =&gt; after a panic the kernel is dead: <see cref="Begin"/> again before the next step.
    /// </summary>
    public StepResult Step(Op op, bool hash = true)
    {
        if (Panics(op) is { } panicked)
        {
            return panicked;
        }
        if (audit && _auditor.Check(Driver.Kernel, full: false) is { Count: > 0 } violations)
        {
            return new StepResult(StepKind.Violation, 0, null, violations);
        }
        return new StepResult(StepKind.State, hash ? Hash() : 0, null, null);
    }

    /// <summary>Applies <paramref name="op"/>; =&gt; the panic's result (the kernel now dead), or null when it ran.</summary>
    private StepResult? Panics(Op op)
    {
        try
        {
            Driver.Apply(op);
            return null;
        }
        catch (KernelPanic panic)
        {
            Driver.Kernel.Die(panic);
            return new StepResult(StepKind.Panic, 0, panic.Message, null);
        }
    }
}
