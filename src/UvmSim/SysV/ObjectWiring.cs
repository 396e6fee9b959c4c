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
        long i = 0;
        while (i < obj.SizePages)
        {
            // The resident run at the front of the chunk is wired in bulk; the page that ends
            // it is created first if missing, and wired alone (its count may wrap).
            int done = vm.Frames.WireRun(ChunkRun(obj, i, out int n));
            i += done;
            if (done == n)
            {
                continue;
            }
            int frame = obj.FrameAt(i);
            if (frame < 0 && vm.ObjectPage(obj, i, out frame) != Errno.None)
            {
                for (long k = 0; k < i; k++)
                {
                    vm.Frames.Unwire(obj.FrameAt(k));
                }
                return Errno.ENOMEM;
            }
            vm.Frames.Wire(frame);
            i++;
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
        long i = 0;
        while (i < obj.SizePages)
        {
            // In bulk up to a missing page or a count already at 0, which is taken alone.
            int done = vm.Frames.UnwireRun(ChunkRun(obj, i, out int n));
            i += done;
            if (done == n)
            {
                continue;
            }
            int frame = obj.FrameAt(i);
            if (frame >= 0)
            {
                vm.Frames.Unwire(frame);
            }
            else if (vm.Frames.Diagnostics)
            {
                throw new KernelPanic(KernelPanic.AssertionMessage("pg != NULL", ObjectFile));
            }
            i++;
        }
    }

    /// <summary>
    /// The pages from <paramref name="index"/> to the end of its chunk or of the object
    /// (<paramref name="n"/> of them); empty when the chunk holds no page.
    /// </summary>
    private static ReadOnlySpan<int> ChunkRun(UvmObject obj, long index, out int n)
    {
        n = obj.RunLength(index);
        ReadOnlySpan<int> frames = obj.FramesFrom(index);
        return frames.IsEmpty ? frames : frames[..n];
    }
}
