using UvmSim.Fault;
using UvmSim.Kernel;

namespace UvmSim.SysV;

/// <summary>
/// Wiring a segment's whole object (<c>uvm_obj_wirepages</c>/<c>uvm_obj_unwirepages</c>,
/// SPEC §3.2), recording for the auditor whether the object is wired now.
/// </summary>
public static class ObjectWiring
{
    private const string ObjectFile = "uvm_object.c";

    /// <summary>Creates missing pages and wires each; on failure unwires them again: <c>ENOMEM</c>.</summary>
    public static Errno Wire(Vm vm, Segment segment)
    {
        var obj = segment.Object;
        for (long i = 0; i < obj.SizePages; i++)
        {
            if (vm.ObjectPage(obj, i, out int frame) != Errno.None)
            {
                for (long j = 0; j < i; j++)
                {
                    vm.Frames.Unwire(obj.FrameAt(j));
                }
                return Errno.ENOMEM;
            }
            vm.Frames.Wire(frame);
        }
        segment.ObjectWired = true;
        return Errno.None;
    }

    /// <summary>
    /// Unwires every page unconditionally — the source of the S9 underflow when the object
    /// was already unwired. A missing page fails <c>pg != NULL</c> (diagnostics off: skipped).
    /// </summary>
    public static void Unwire(Vm vm, Segment segment)
    {
        var obj = segment.Object;
        segment.ObjectWired = false;
        for (long i = 0; i < obj.SizePages; i++)
        {
            int frame = obj.FrameAt(i);
            if (frame < 0)
            {
                if (vm.Frames.Diagnostics)
                {
                    throw new KernelPanic(KernelPanic.AssertionMessage("pg != NULL", ObjectFile));
                }
                continue;
            }
            vm.Frames.Unwire(frame);
        }
    }
}
