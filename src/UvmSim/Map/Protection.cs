namespace UvmSim.Map;

/// <summary>Page protection bits (<c>VM_PROT_*</c>).</summary>
[Flags]
public enum Protection : byte
{
    /// <summary><c>PROT_NONE</c>: no access; wiring such an entry is refused by POSIX callers.</summary>
    None = 0,
    /// <summary>Read access.</summary>
    Read = 1,
    /// <summary>Write access; a write to a private mapping breaks copy-on-write.</summary>
    Write = 2,
    /// <summary>Execute access.</summary>
    Execute = 4,
    /// <summary>Read and write.</summary>
    ReadWrite = Read | Write,
    /// <summary>Everything: the default max protection.</summary>
    All = Read | Write | Execute,
}

/// <summary>What <c>fork</c> does with an entry (<c>MAP_INHERIT_*</c>).</summary>
public enum Inheritance : byte
{
    /// <summary>Child and parent share the pages.</summary>
    Share,
    /// <summary>The child gets a copy-on-write copy.</summary>
    Copy,
    /// <summary>The entry is not cloned.</summary>
    None,
    /// <summary>The child gets fresh zero-filled memory.</summary>
    Zero,
}

/// <summary>Paging advice (<c>MADV_*</c>); only compared when merging.</summary>
public enum Advice : byte
{
    /// <summary>No advice.</summary>
    Normal,
    /// <summary>Random access.</summary>
    Random,
    /// <summary>Sequential access.</summary>
    Sequential,
}
