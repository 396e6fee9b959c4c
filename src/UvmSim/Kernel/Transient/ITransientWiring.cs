using UvmSim.Fault;
using UvmSim.Policies;

namespace UvmSim.Kernel.Transient;

/// <summary>
/// Switch <c>transient</c> (SPEC §7): how <c>uvm_vslock</c> remembers what it wired, and so
/// what <c>uvm_vsunlock</c>, <c>exec</c> and <c>exit</c> do with it.
/// </summary>
public interface ITransientWiring
{
    /// <summary>
    /// Fault-wires <c>[start, end)</c> for <paramref name="access"/>, recording the frames in
    /// <paramref name="frames"/>; on error nothing stays wired.
    /// </summary>
    Errno Wire(VmSpace space, ulong start, ulong end, Map.Protection access, List<int> frames);

    /// <summary><c>vsunlock</c> of a live process's handle.</summary>
    Errno Unwire(TransientHandle handle);

    /// <summary>What happens to the process's handles when it exits.</summary>
    void Exited(Process p, ProcessHandles handles);

    /// <summary>What happens to the process's handles when it execs.</summary>
    void Execed(Process p, ProcessHandles handles);
}

/// <summary>Chooses the variant for a switch value.</summary>
public static class TransientWiring
{
    /// <summary>The variant for <paramref name="value"/>.</summary>
    public static ITransientWiring For(TransientSwitch value, Vm vm, FaultHandler faults) => value switch
    {
        TransientSwitch.Address => new AddressTransientWiring(faults),
        TransientSwitch.Held => new HeldTransientWiring(vm, faults),
        _ => throw new NotSupportedException($"transient={value} has no variant"),
    };
}
