using UvmSim.Kernel;
using UvmSim.Map;
using UvmSim.Physical;
using UvmSim.Policies;

namespace UvmSim.Tests.Kernel;

internal static class KernelTestHelpers
{
    public const ulong P = 4096;

    public static UvmSim.Kernel.Kernel NewKernel(int pages = 256, string preset = "dual") =>
        new(new MachineConfig { Pages = pages }, Policy.FromPreset(preset)!);

    public static ulong MapAnon(UvmSim.Kernel.Kernel k, Process p, ulong pages, Protection prot = Protection.ReadWrite)
    {
        var r = k.Mmap(p, pages * P, prot, MapFlags.Private | MapFlags.Anon);
        Assert.True(r.Ok, r.ToString());
        return r.Value;
    }

    public static int FrameAt(UvmSim.Kernel.Kernel k, Process p, ulong va)
    {
        var e = p.Space.Map.Lookup(va);
        Assert.NotNull(e);
        return k.Faults.PageAt(e, va);
    }
}
