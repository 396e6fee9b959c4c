namespace UvmSim;

/// <summary>
/// What a simulated system call returns: a value or an errno, never an exception
/// (only <see cref="KernelPanic"/> escapes a call).
/// </summary>
public readonly record struct SysResult(ulong Value, Errno Error)
{
    /// <summary>True when the call succeeded.</summary>
    public bool Ok => Error == Errno.None;

    /// <summary>A successful result carrying <paramref name="value"/>.</summary>
    public static SysResult Success(ulong value = 0) => new(value, Errno.None);

    /// <summary>A failed result.</summary>
    public static SysResult Fail(Errno error) => new(0, error);

    /// <summary>Lets a call body return an errno directly.</summary>
    public static implicit operator SysResult(Errno error) => new(0, error);

    /// <inheritdoc/>
    public override string ToString() => Ok ? $"0x{Value:x}" : Error.ToString();
}
