namespace UvmSim.Checking;

/// <summary>The kinds of damage the auditor reports (SPEC §10.1), in report order.</summary>
public enum ViolationKind
{
    /// <summary>Map order, alignment, bounds or index wrong (rule 1).</summary>
    Map,
    /// <summary>A frame has more wirings than holders, or is wired with no lock or transient record.</summary>
    Leak,
    /// <summary>A frame has fewer wirings than holders.</summary>
    Underwired,
    /// <summary><c>wired</c> differs from the number of frames with a non-zero count.</summary>
    Counter,
    /// <summary>A free frame is wired.</summary>
    FreeWired,
    /// <summary>A page of a wired entry is not resident.</summary>
    Nonresident,
    /// <summary>A locked mark disagrees with the object wiring, or a §8.4 record is missing or extra.</summary>
    Segment,
    /// <summary>A POSIX- or SVID-locked page is not wired or not resident.</summary>
    LostLock,
}

/// <summary>One finding of the auditor, rendered as <c>KIND: detail</c>.</summary>
public sealed record Violation(ViolationKind Kind, string Detail)
{
    /// <summary>The kind as SPEC spells it: <c>free-wired</c>, <c>lost-lock</c>, ….</summary>
    public string KindName => Name(Kind);

    /// <summary>SPEC's spelling of a kind.</summary>
    public static string Name(ViolationKind kind) => kind switch
    {
        ViolationKind.FreeWired => "free-wired",
        ViolationKind.LostLock => "lost-lock",
        ViolationKind.Map => "map",
        ViolationKind.Leak => "leak",
        ViolationKind.Underwired => "underwired",
        ViolationKind.Counter => "counter",
        ViolationKind.Nonresident => "nonresident",
        ViolationKind.Segment => "segment",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown violation kind"),
    };

    /// <inheritdoc/>
    public override string ToString() => $"{KindName}: {Detail}";
}
