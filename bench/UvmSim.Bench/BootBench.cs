using BenchmarkDotNet.Attributes;
using UvmSim.Physical;

namespace UvmSim.Bench;

/// <summary>Booting physical memory: SPEC §14 wants a 16 GiB machine in well under a second.</summary>
[MemoryDiagnoser]
public class BootBench
{
    /// <summary>Frames: 64 MiB, 1 GiB, 16 GiB of 4 KiB pages.</summary>
    [Params(16_384, 262_144, 4_194_304)]
    public int Frames { get; set; }

    /// <summary>Boots the frame pool.</summary>
    [Benchmark]
    public FramePool Boot() => new(Frames, Frames / 3, diagnostics: true);
}
