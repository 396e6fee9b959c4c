using UvmSim.Map;
using UvmSim.Physical;
using UvmSim.Policies;
using UvmSim.SysV;

namespace UvmSim.Tests.Kernel;

/// <summary>
/// SPEC §14: no allocation per page on hot paths. Allocated bytes, unlike time, are exact:
/// a pair of calls over 256 resident pages must allocate no more than over 16 pages.
/// </summary>
public class AllocationTests
{
    private const ulong P = 4096;

    private static long BytesPerPair(string preset, int pages, bool shm)
    {
        var k = new global::UvmSim.Kernel.Kernel(new MachineConfig { Pages = 2048 }, Policy.FromPreset(preset)!);
        var p = k.CreateProcess(0, 0)!;
        ulong id = 0, va;
        if (shm)
        {
            id = k.Shm.Shmget(p, null, (ulong)pages * P, ShmTable.IpcCreat | 0x180).Value;
            va = k.Shm.Shmat(p, id, 0, 0).Value;
        }
        else
        {
            va = k.Mmap(p, (ulong)pages * P, Protection.ReadWrite, global::UvmSim.Kernel.MapFlags.Private | global::UvmSim.Kernel.MapFlags.Anon).Value;
        }
        Assert.True(k.Touch(p, va, (ulong)pages * P, write: true).Ok);
        void Pair()
        {
            if (shm)
            {
                Assert.True(k.Shm.Shmctl(p, id, ShmCommand.ShmLock).Ok);
                Assert.True(k.Shm.Shmctl(p, id, ShmCommand.ShmUnlock).Ok);
            }
            else
            {
                Assert.True(k.Mlock(p, va, (ulong)pages * P).Ok);
                Assert.True(k.Munlock(p, va, (ulong)pages * P).Ok);
            }
        }
        for (int i = 0; i < 50; i++)
        {
            Pair();
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            Pair();
        }
        return (GC.GetAllocatedBytesForCurrentThread() - before) / 100;
    }

    [Theory]
    [InlineData(PresetNames.Dual, false)]
    [InlineData(PresetNames.Dual, true)]
    [InlineData(PresetNames.NetBsd8, false)]
    [InlineData(PresetNames.NetBsd9, true)]
    public void Wiring_resident_pages_allocates_nothing_per_page(string preset, bool shm)
    {
        long small = BytesPerPair(preset, 16, shm);
        long large = BytesPerPair(preset, 256, shm);
        Assert.True(large <= small + 64, $"16 pages: {small} B per pair, 256 pages: {large} B per pair");
    }
}
