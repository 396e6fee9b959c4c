using UvmSim.Objects;
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
        for (long i = 0; i < obj.SizePages;)
        {
            // Resident pages are wired a chunk at a time; a missing one is created first.
            ReadOnlySpan<int> frames = obj.FramesFrom(i);
            int n = (int)Math.Min(UvmObject.ChunkRemainder(i), obj.SizePages - i);
            for (int j = 0; j < n; j++, i++)
            {
                int frame = j < frames.Length ? frames[j] : -1;
                if (frame < 0 && vm.ObjectPage(obj, i, out frame) != Errno.None)
                {
                    for (long k = 0; k < i; k++)
                    {
                        vm.Frames.Unwire(obj.FrameAt(k));
                    }
                    return Errno.ENOMEM;
                }
                vm.Frames.Wire(frame);
                if (frames.IsEmpty)
                {
                    i++;
                    break; // the chunk was just created: look it up again
                }
            }
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
        ReadOnlySpan<int> frames = [];
        for (long i = 0; i < obj.SizePages; i++)
        {
            if (frames.IsEmpty)
            {
                frames = obj.FramesFrom(i);
            }
            int frame = frames.IsEmpty ? -1 : frames[0];
            frames = frames.IsEmpty ? frames : frames[1..];
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
