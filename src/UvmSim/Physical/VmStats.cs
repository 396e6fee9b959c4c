using UvmSim.Undo;
namespace UvmSim.Physical;

/// <summary>
/// The global counters (<c>uvmexp</c>). <see cref="Wired"/> is signed because with
/// diagnostics off it drifts away from the truth, which is what the auditor must notice.
/// </summary>
public sealed partial class VmStats
{
    /// <summary>Frames in the machine (<c>npages</c>).</summary>
    public int Pages { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>Free frames.</summary>
    public int Free { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>Frames believed wired (<c>uvmexp.wired</c>).</summary>
    public long Wired { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>Most frames the mlock family may wire (<c>uvmexp.wiredmax</c>).</summary>
    public long WiredMax { get; internal set => UndoLog.Set(this, ref field, value); }
}
