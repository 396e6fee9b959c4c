using System.Text.Json;
using UvmSim.Cli;
using UvmSim.Policies;

namespace UvmSim.Tests.Cli;

public class PoliciesCommandTests
{
    [Fact]
    public void Json_names_the_default_and_four_presets_with_every_switch()
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.Ok, cli.Run("policies", "--format", "json"));
        using var doc = JsonDocument.Parse(cli.Out.Output);
        Assert.Equal("dual", doc.RootElement.GetProperty("default").GetString());
        var presets = doc.RootElement.GetProperty("presets").EnumerateArray().ToList();
        Assert.Equal(PresetNames.Named, presets.Select(p => p.GetProperty("name").GetString()));
        foreach (JsonElement preset in presets)
        {
            Assert.Equal(Policy.AllSwitchNames, preset.GetProperty("switches").EnumerateObject().Select(p => p.Name));
        }
        Assert.Equal("counter", presets[0].GetProperty("switches").GetProperty("wiring").GetString());
    }

    [Fact]
    public void Text_is_a_switch_by_preset_table()
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.Ok, cli.Run("policies"));
        string[] lines = cli.Out.Output.Split('\n');
        Assert.Matches(@"^switch\s+netbsd-8\s+thorpej-2019\s+netbsd-9\s+dual \(default\)\s+linux\s+values$", lines[0]);
        Assert.Matches(@"^wiring\s+counter\s+split\s+counter\s+split\s+flag\s+counter\|split\|flag$", lines[1]);
        Assert.Matches(@"^syscalls\s+netbsd\s+netbsd\s+netbsd\s+netbsd\s+linux\s+netbsd\|linux$", lines[11]);
    }
}
