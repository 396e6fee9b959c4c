using UvmSim.Undo;
namespace UvmSim.Kernel;

/// <summary>
/// One <c>vslock</c> (SPEC §7): the range it wired and, for the auditor and for
/// <c>transient=held</c>, the frames it wired.
/// </summary>
public sealed partial class TransientHandle
{
    internal TransientHandle(ulong id, Process process, ulong start, ulong end, List<int> frames)
    {
        Id = id;
        Process = process;
        Start = start;
        End = end;
        Frames = frames;
    }

    /// <summary>The handle number <c>vslock</c> returned.</summary>
    public ulong Id { get; }

    /// <summary>The process whose map was wired.</summary>
    public Process Process { get; }

    /// <summary>Start of the range.</summary>
    public ulong Start { get; }

    /// <summary>End of the range.</summary>
    public ulong End { get; }

    /// <summary>The frames wired, one entry per page.</summary>
    public List<int> Frames { get; }

    /// <summary>Released by <c>vsunlock</c> (held) or by exit.</summary>
    public bool Released { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>
    /// The auditor still counts this handle's frames as transient holders: until the first
    /// <c>vsunlock</c> returns, or, by address, until its process execs or exits (§10).
    /// </summary>
    public bool AuditHolds { get; internal set => UndoLog.Set(this, ref field, value); } = true;
}
