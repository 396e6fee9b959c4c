namespace UvmSim.Objects;

/// <summary>
/// A file's pages (<c>vnode</c> object). Contents are not modelled: a page is created on
/// first fault, a fault at or beyond the size is <c>EFAULT</c> (SIGBUS), and a reclaimed
/// page is simply dropped.
/// </summary>
public sealed partial class FileObject : UvmObject
{
    /// <summary>Creates a file of <paramref name="sizeBytes"/> bytes.</summary>
    public FileObject(string name, ulong sizeBytes, bool readOnly, int pageSize)
    {
        Name = name;
        SizeBytes = sizeBytes;
        ReadOnlyFile = readOnly;
        SizePages = (long)((sizeBytes + (ulong)pageSize - 1) / (ulong)pageSize);
    }

    /// <summary>The scenario's name for the file.</summary>
    public string Name { get; }

    /// <summary>The file's length in bytes.</summary>
    public ulong SizeBytes { get; }

    private bool ReadOnlyFile { get; }

    /// <inheritdoc/>
    public override bool ReadOnly => ReadOnlyFile;

    /// <inheritdoc/>
    public override long SizePages { get; }
}
