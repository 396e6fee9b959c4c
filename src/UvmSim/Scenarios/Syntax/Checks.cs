using UvmSim.Policies;

namespace UvmSim.Scenarios.Syntax;

/// <summary>A check's comparison operator.</summary>
public enum Comparison
{
    /// <summary><c>==</c>.</summary>
    Equal,
    /// <summary><c>!=</c>.</summary>
    NotEqual,
    /// <summary><c>&lt;</c>.</summary>
    Less,
    /// <summary><c>&lt;=</c>.</summary>
    LessOrEqual,
    /// <summary><c>&gt;</c>.</summary>
    Greater,
    /// <summary><c>&gt;=</c>.</summary>
    GreaterOrEqual,
}

/// <summary>Helpers for <see cref="Comparison"/>.</summary>
public static class ComparisonExtensions
{
    /// <summary>Whether <c>actual OP expected</c> holds.</summary>
    public static bool Holds<T>(this Comparison op, T actual, T expected)
        where T : IComparable<T>
    {
        int c = actual.CompareTo(expected);
        return op switch
        {
            Comparison.Equal => c == 0,
            Comparison.NotEqual => c != 0,
            Comparison.Less => c < 0,
            Comparison.LessOrEqual => c <= 0,
            Comparison.Greater => c > 0,
            Comparison.GreaterOrEqual => c >= 0,
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, "unknown comparison"),
        };
    }

    /// <summary>The operator as written (<c>&lt;=</c>).</summary>
    public static string Symbol(this Comparison op) => op switch
    {
        Comparison.Equal => "==",
        Comparison.NotEqual => "!=",
        Comparison.Less => "<",
        Comparison.LessOrEqual => "<=",
        Comparison.Greater => ">",
        Comparison.GreaterOrEqual => ">=",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "unknown comparison"),
    };
}

/// <summary>The words a check may compare against.</summary>
public enum CheckWord
{
    /// <summary><c>yes</c>.</summary>
    Yes,
    /// <summary><c>no</c>.</summary>
    No,
    /// <summary><c>clean</c> (audit).</summary>
    Clean,
    /// <summary><c>dirty</c> (audit).</summary>
    Dirty,
}

/// <summary>One value on a check's right-hand side.</summary>
public abstract record CheckValue
{
    /// <summary><c>unbound</c>: the check uses a name an earlier failure left unbound.</summary>
    public static CheckValue Unbound { get; } = new UnboundValue();
}

/// <summary>A number or expression (may be negative: <c>wired</c> drifts with diagnostics off).</summary>
public sealed record NumberValue(Expr Value) : CheckValue;

/// <summary><c>yes no clean dirty</c>.</summary>
public sealed record WordValue(CheckWord Word) : CheckValue;

/// <summary><c>unbound</c>.</summary>
public sealed record UnboundValue : CheckValue;

/// <summary>What the right-hand side of a check form holds.</summary>
public enum CheckValueKind
{
    /// <summary>Numbers, all six operators.</summary>
    Number,
    /// <summary><c>yes</c>/<c>no</c>, <c>==</c>/<c>!=</c> only.</summary>
    YesNo,
    /// <summary><c>clean</c>/<c>dirty</c>, <c>==</c>/<c>!=</c> only.</summary>
    CleanDirty,
}

/// <summary>A <c>check</c> form (SPEC §12.5); one subclass per form.</summary>
public abstract record Check
{
    /// <summary>True for the forms that need a <c>PROC:</c> prefix.</summary>
    public abstract bool PerProcess { get; }
}

/// <summary>A check comparing a reading with a per-preset right-hand side.</summary>
public abstract record ComparisonCheck(Comparison Op, CheckExpectation Expected) : Check
{
    /// <summary>The kind of value the right-hand side holds.</summary>
    public virtual CheckValueKind ValueKind => CheckValueKind.Number;
}

/// <summary><c>check wired OP N</c>: the global wired counter, signed.</summary>
public sealed record WiredCheck(Comparison Op, CheckExpectation Expected) : ComparisonCheck(Op, Expected)
{
    /// <inheritdoc/>
    public override bool PerProcess => false;
}

/// <summary><c>check free OP N</c>: free frames.</summary>
public sealed record FreeCheck(Comparison Op, CheckExpectation Expected) : ComparisonCheck(Op, Expected)
{
    /// <inheritdoc/>
    public override bool PerProcess => false;
}

/// <summary><c>PROC: check pw ADDR[..LEN] OP N</c>: page wire counts; must hold for every page.</summary>
public sealed record PwCheck(Expr Address, Expr? Length, Comparison Op, CheckExpectation Expected) : ComparisonCheck(Op, Expected)
{
    /// <inheritdoc/>
    public override bool PerProcess => true;
}

/// <summary><c>PROC: check ec ADDR OP N</c>: the containing entry's wired count.</summary>
public sealed record EcCheck(Expr Address, Comparison Op, CheckExpectation Expected) : ComparisonCheck(Op, Expected)
{
    /// <inheritdoc/>
    public override bool PerProcess => true;
}

/// <summary><c>PROC: check mlocked ADDR[..LEN] OP yes|no</c>: the POSIX-lock bit of the entry at each page.</summary>
public sealed record MlockedCheck(Expr Address, Comparison Op, CheckExpectation Expected, Expr? Length = null) : ComparisonCheck(Op, Expected)
{
    /// <inheritdoc/>
    public override bool PerProcess => true;

    /// <inheritdoc/>
    public override CheckValueKind ValueKind => CheckValueKind.YesNo;
}

/// <summary><c>PROC: check onfault ADDR[..LEN] OP yes|no</c>: Linux's <c>VM_LOCKONFAULT</c> at each page (SPEC §17).</summary>
public sealed record OnFaultCheck(Expr Address, Expr? Length, Comparison Op, CheckExpectation Expected) : ComparisonCheck(Op, Expected)
{
    /// <inheritdoc/>
    public override bool PerProcess => true;

    /// <inheritdoc/>
    public override CheckValueKind ValueKind => CheckValueKind.YesNo;
}

/// <summary><c>PROC: check resident ADDR[..LEN] OP yes|no</c>.</summary>
public sealed record ResidentCheck(Expr Address, Expr? Length, Comparison Op, CheckExpectation Expected) : ComparisonCheck(Op, Expected)
{
    /// <inheritdoc/>
    public override bool PerProcess => true;

    /// <inheritdoc/>
    public override CheckValueKind ValueKind => CheckValueKind.YesNo;
}

/// <summary><c>PROC: check entries OP N</c>.</summary>
public sealed record EntriesCheck(Comparison Op, CheckExpectation Expected) : ComparisonCheck(Op, Expected)
{
    /// <inheritdoc/>
    public override bool PerProcess => true;
}

/// <summary><c>PROC: check locked OP BYTES</c> (SPEC §5.3's <c>locked</c>).</summary>
public sealed record LockedCheck(Comparison Op, CheckExpectation Expected) : ComparisonCheck(Op, Expected)
{
    /// <inheritdoc/>
    public override bool PerProcess => true;
}

/// <summary><c>PROC: check wirefuture OP yes|no</c>.</summary>
public sealed record WireFutureCheck(Comparison Op, CheckExpectation Expected) : ComparisonCheck(Op, Expected)
{
    /// <inheritdoc/>
    public override bool PerProcess => true;

    /// <inheritdoc/>
    public override CheckValueKind ValueKind => CheckValueKind.YesNo;
}

/// <summary>What a <c>check segment</c> reads.</summary>
public enum SegmentProperty
{
    /// <summary><c>locked</c>: the locked mark (yes/no).</summary>
    Locked,
    /// <summary><c>exists</c>: not yet freed (yes/no).</summary>
    Exists,
    /// <summary><c>nattch</c>: the attach count.</summary>
    Nattch,
    /// <summary>Marked for removal while attached (Linux's <c>SHM_DEST</c>, SPEC §17).</summary>
    Dest,
}

/// <summary><c>check segment ID locked|exists|nattch OP …</c>.</summary>
public sealed record SegmentCheck(Expr Id, SegmentProperty Property, Comparison Op, CheckExpectation Expected) : ComparisonCheck(Op, Expected)
{
    /// <inheritdoc/>
    public override bool PerProcess => false;

    /// <inheritdoc/>
    public override CheckValueKind ValueKind => Property switch
    {
        SegmentProperty.Nattch => CheckValueKind.Number,
        SegmentProperty.Locked or SegmentProperty.Exists or SegmentProperty.Dest => CheckValueKind.YesNo,
        _ => throw new NotSupportedException($"segment property {Property}"),
    };
}

/// <summary><c>check audit OP clean|dirty</c>.</summary>
public sealed record AuditCheck(Comparison Op, CheckExpectation Expected) : ComparisonCheck(Op, Expected)
{
    /// <inheritdoc/>
    public override bool PerProcess => false;

    /// <inheritdoc/>
    public override CheckValueKind ValueKind => CheckValueKind.CleanDirty;
}

/// <summary>
/// <c>check audit finds "TEXT"</c>: some violation's message contains TEXT. Like every check's
/// right-hand side it takes §12.4's alternatives (<c>finds netbsd-8: "leak" | "underwired"</c>);
/// <see cref="Text"/> is the default, null when only alternatives are given.
/// </summary>
public sealed record AuditFindsCheck(string? Text) : Check
{
    /// <summary>Per-policy texts (<c>CONDITION: "TEXT"</c>), before the default.</summary>
    public EquatableList<Alternative<string>> Alternatives { get; init; } = EquatableList<Alternative<string>>.Empty;

    /// <summary>The text a run under <paramref name="policy"/> looks for, or null when the check does not apply.</summary>
    public string? For(Policy policy) => ByPreset<string>.Pick(Alternatives, Text, policy);

    /// <inheritdoc/>
    public override bool PerProcess => false;
}
