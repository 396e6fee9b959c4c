using UvmSim.Checking;
using UvmSim.Policies;

namespace UvmSim.Scenarios.Running;

/// <summary>How one line of a scenario fared.</summary>
public enum LineStatus
{
    /// <summary>The outcome or check matched its expectation.</summary>
    Pass,
    /// <summary>It did not.</summary>
    Fail,
    /// <summary>Neither: the kernel was dead, or no expectation applies to this policy.</summary>
    Skipped,
}

/// <summary>One line's result: what happened, what was expected, and what the call changed.</summary>
public sealed record LineResult(int Line, string? Proc, string Text, string Actual, string Expected, LineStatus Status, string? Value, IReadOnlyList<string> Changes, string? Error)
{
    /// <summary>What the call changed, as data; set for a call that ran under <c>--trace</c>, else null.</summary>
    public TraceStep? Trace { get; init; }
}

/// <summary>The matrix's summary of a run (SPEC §13).</summary>
public enum RunOutcome
{
    /// <summary>No panic and a clean final audit.</summary>
    Ok,
    /// <summary>The kernel panicked.</summary>
    Panic,
    /// <summary>The final audit found violations.</summary>
    Leak,
}

/// <summary>A scenario run under one policy.</summary>
public sealed record RunResult(
    string File,
    Policy Policy,
    bool Diagnostics,
    IReadOnlyList<LineResult> Lines,
    (int Line, string Message)? Panic,
    IReadOnlyList<Violation> Audit)
{
    /// <summary>True when no line failed.</summary>
    public bool Passed => Lines.All(l => l.Status != LineStatus.Fail);

    /// <summary>panic, else leak if the final audit found anything, else ok.</summary>
    public RunOutcome Outcome => Panic is not null ? RunOutcome.Panic : Audit.Count > 0 ? RunOutcome.Leak : RunOutcome.Ok;

    /// <summary>The final audit's distinct kinds in §10.1 order.</summary>
    public IReadOnlyList<string> ViolationKinds => Audit.Select(v => v.Kind).Distinct().Order().Select(Violation.Name).ToList();
}
