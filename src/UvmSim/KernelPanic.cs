namespace UvmSim;

/// <summary>
/// A simulated kernel panic (<c>panic()</c> or a failed <c>KASSERT</c>). The tools catch
/// it and report the step; after it the simulated kernel is dead (SPEC §9, §12.6).
/// </summary>
public sealed class KernelPanic : Exception
{
    /// <summary>Creates a panic with the kernel's message.</summary>
    public KernelPanic(string message) : base(message) { }

    /// <summary>Required by the exception pattern; prefer the message constructor.</summary>
    public KernelPanic() : base("panic") { }

    /// <summary>Required by the exception pattern.</summary>
    public KernelPanic(string message, Exception inner) : base(message, inner) { }

    /// <summary>The message of a failed KASSERT, exactly as NetBSD prints it.</summary>
    public static string AssertionMessage(string expr, string file) =>
        $"kernel diagnostic assertion \"{expr}\" failed: file \"{file}\"";
}
