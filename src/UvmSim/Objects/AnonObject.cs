using UvmSim.Undo;
namespace UvmSim.Objects;

/// <summary>
/// An anonymous object (<c>uvm_aobj</c>): backs SysV segments and shared anonymous
/// mappings. Pages are zero-filled on first touch and go to swap when reclaimed.
/// </summary>
public sealed partial class AnonObject : UvmObject
{
    private readonly HashSet<long> _swapped = [];

    /// <summary>Creates an object of <paramref name="sizePages"/> pages.</summary>
    public AnonObject(long sizePages) => SizePages = sizePages;

    /// <inheritdoc/>
    public override long SizePages { get; }

    /// <summary>True when page <paramref name="index"/> was reclaimed to swap.</summary>
    public bool IsOnSwap(long index) => _swapped.Contains(index);

    /// <summary>Pages now on swap.</summary>
    public int SwappedPages => _swapped.Count;

    internal void MarkSwapped(long index, bool swapped)
    {
        UndoLog.Touch(this);
        if (swapped)
        {
            _swapped.Add(index);
        }
        else
        {
            _swapped.Remove(index);
        }
    }
}
