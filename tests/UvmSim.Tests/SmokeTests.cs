using UvmSim.Policies;

namespace UvmSim.Tests;

public class SmokeTests
{
    [Fact]
    public void There_are_four_presets() => Assert.Equal(4, PresetNames.All.Count);
}
