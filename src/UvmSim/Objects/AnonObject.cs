using UvmSim.Undo;
namespace UvmSim.Objects;

/// <summary>
/// An anonymous object (<c>uvm_aobj</c>): backs SysV segments and shared anonymous
/// mappings. Pages are zero-filled on first touch and go to swap when reclaimed.
/// </summary>
public sealed partial class AnonObject : UvmObject
{
    /// <summary>Pages on swap; made when the first page goes there (most objects never swap: issue 17).</summary>
    private HashSet<long>? _swapped;

    /// <summary>Creates an object of <paramref name="sizePages"/> pages.</summary>
    public AnonObject(long sizePages) => SizePages = sizePages;

    /// <inheritdoc/>
    public override long SizePages { get; }

    /// <summary>True when page <paramref name="index"/> was reclaimed to swap.</summary>
    public bool IsOnSwap(long index) => _swapped is { } swapped && swapped.Contains(index);

    /// <summary>Pages now on swap.</summary>
    public int SwappedPages => _swapped?.Count ?? 0;

    internal void MarkSwapped(long index, bool swapped)
    {
        UndoLog.Touch(this);
        if (swapped)
        {
            (_swapped ??= []).Add(index); // a new set after the touch above: the field's change is logged
        }
        else
        {
            _swapped?.Remove(index);
        }
    }
}
