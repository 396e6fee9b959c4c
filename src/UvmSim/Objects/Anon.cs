using UvmSim.Undo;
namespace UvmSim.Objects;

/// <summary>
/// One anonymous page of a private mapping (<c>struct vm_anon</c>): resident in a frame
/// or out on swap. Shared by amaps after <c>fork</c> until a write breaks the sharing.
/// </summary>
public sealed partial class Anon
{
    /// <summary>A new anon: what is set on it before the next mark need not be logged (<see cref="UndoLog.Fresh"/>).</summary>
    public Anon() => UndoLog.Fresh(this);

    /// <summary>The frame holding the page, or -1 when it is on swap.</summary>
    public int Frame { get; internal set => UndoLog.Set(this, ref field, value); } = -1;

    /// <summary>True when the page's contents live in a swap slot.</summary>
    public bool OnSwap { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>How many amap slots reference this anon; above 1 a write copies it.</summary>
    public int RefCount { get; internal set => UndoLog.Set(this, ref field, value); } = 1;

    /// <summary>Registry id the frame records as its owner.</summary>
    internal int OwnerId { get; set => UndoLog.Set(this, ref field, value); } = -1;

    /// <summary>True when the page is in a frame.</summary>
    public bool Resident => Frame >= 0;
}
