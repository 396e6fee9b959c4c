namespace UvmSim.Objects;

// Snapshots: the swapped set is only looked up, never walked, so a plain copy is exact.
public sealed partial class AnonObject
{
    private AnonObject(AnonObject source)
        : base(source)
    {
        SizePages = source.SizePages;
        _swapped = source._swapped is null ? null : new HashSet<long>(source._swapped);
    }

    /// <inheritdoc/>
    private protected override UvmObject Copy() => new AnonObject(this);
}
