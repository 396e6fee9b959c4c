using UvmSim.Policies;

namespace UvmSim.Tests;

public class SmokeTests
{
    [Fact]
    public void Every_preset_name_is_a_policy_once_and_the_default_is_one()
    {
        var policies = PresetNames.All.Select(n => Policy.FromPreset(n)).ToList();
        Assert.All(policies, Assert.NotNull);
        Assert.Equal(PresetNames.All.Count, PresetNames.All.Distinct().Count());
        Assert.Contains(Policy.Default.Preset, PresetNames.All);
    }
}
