namespace UvmSim.Objects;

// Snapshots: a file object's identity fields with the pages every object copies.
public sealed partial class FileObject
{
    private FileObject(FileObject source)
        : base(source)
    {
        Name = source.Name;
        SizeBytes = source.SizeBytes;
        ReadOnlyFile = source.ReadOnlyFile;
        SizePages = source.SizePages;
    }

    /// <inheritdoc/>
    private protected override UvmObject Copy() => new FileObject(this);
}
