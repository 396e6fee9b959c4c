using UvmSim.Checking;

namespace UvmSim.Exploration;

/// <summary>What the fuzzer or the explorer found: a panic or the first violations, and the calls that led there.</summary>
public sealed record Finding(bool Panic, string Message, IReadOnlyList<Op> Ops, int Procs, int Pages)
{
    /// <summary><c>panic</c> or <c>violation</c>, as the JSON summary spells it.</summary>
    public string Kind => Panic ? "panic" : "violation";

    /// <summary>A finding from the auditor's report.</summary>
    public static Finding FromViolations(List<Violation> violations, IReadOnlyList<Op> ops, int procs, int pages) =>
        new(false, string.Join("; ", violations.Take(3)) + (violations.Count > 3 ? $"; … ({violations.Count} in all)" : ""), ops, procs, pages);
}
