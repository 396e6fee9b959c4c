using UvmSim.Cli;
using UvmSim.Policies;

namespace UvmSim.Tests.Cli;

public class OptionParsingTests
{
    private static System.CommandLine.ParseResult Parse(string line) =>
        CliApp.BuildRoot(new CliHarness().Terminal).Parse(line);

    [Theory]
    [InlineData("--help", "uvmsim [command] [options]")]
    [InlineData("run --help", "uvmsim run <FILE>...")]
    public void Help_names_the_command_uvmsim_not_the_binary(string line, string usage)
    {
        var cli = new CliHarness();
        Assert.Equal(0, cli.Run(line.Split(' ')));
        Assert.Contains(usage, cli.Out.Output);
        Assert.DoesNotContain("UvmSim.Cli", cli.Out.Output);
    }

    [Fact]
    public void Run_reads_every_shared_option()
    {
        var parse = Parse("run a.scn b.scn -p dual,netbsd-8 --policy netbsd-9 --set wiring=counter --set sysv=legacy --no-diagnostics --trace --format json");
        Assert.Empty(parse.Errors);
        Assert.Equal(["a.scn", "b.scn"], parse.GetValue(SharedOptions.Files)!);
        Assert.Equal(["dual,netbsd-8", "netbsd-9"], parse.GetValue(SharedOptions.Policy)!);
        Assert.Equal(["wiring=counter", "sysv=legacy"], parse.GetValue(SharedOptions.Set)!);
        Assert.True(parse.GetValue(SharedOptions.NoDiagnostics));
        Assert.True(parse.GetValue(SharedOptions.Trace));
        Assert.Equal("json", parse.GetValue(SharedOptions.FormatWithJunit));
    }

    [Fact]
    public void Format_defaults_to_text_and_flags_to_off()
    {
        var parse = Parse("matrix a.scn");
        Assert.Empty(parse.Errors);
        Assert.Equal("text", parse.GetValue(SharedOptions.Format));
        Assert.False(parse.GetValue(SharedOptions.NoDiagnostics));
        Assert.Empty(parse.GetValue(SharedOptions.Policy) ?? []);
    }

    [Theory]
    [InlineData("run a.scn --format xml")]
    [InlineData("run")]
    [InlineData("matrix")]
    [InlineData("policies --bogus")]
    [InlineData("policies extra")]
    [InlineData("")]
    public void Bad_command_lines_are_parse_errors(string line) => Assert.NotEmpty(Parse(line).Errors);

    [Fact]
    public void Bad_command_line_exits_2_with_one_message_line()
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.UsageError, cli.Run("run", "a.scn", "--format", "xml"));
        Assert.StartsWith("uvmsim: ", cli.Error.Output, StringComparison.Ordinal);
        Assert.Contains("'text' 'json'", cli.Error.Output, StringComparison.Ordinal);
        Assert.Empty(cli.Out.Output);
    }

    [Fact]
    public void No_policy_means_all_four_presets()
    {
        var policies = PolicySelection.Resolve(null, null, out string? error);
        Assert.Null(error);
        Assert.Equal(PresetNames.All, policies!.Select(p => p.Label));
    }

    [Fact]
    public void Policies_take_comma_lists_and_repeat_without_duplicates()
    {
        var policies = PolicySelection.Resolve(["dual,netbsd-8", "dual", "netbsd-9"], null, out _);
        Assert.Equal(["dual", "netbsd-8", "netbsd-9"], policies!.Select(p => p.Label));
    }

    [Fact]
    public void Set_applies_to_every_selected_preset()
    {
        var policies = PolicySelection.Resolve(["all"], ["wiring=counter"], out _);
        Assert.All(policies!, p => Assert.Equal("counter", p.Switches.First(s => s.Key == "wiring").Value));
        Assert.Equal(["netbsd-8", "thorpej-2019+wiring=counter", "netbsd-9", "dual+wiring=counter"], policies!.Select(p => p.Label));
    }

    [Theory]
    [InlineData("netbsd-10", null, "unknown policy 'netbsd-10'")]
    [InlineData("dual", "wiring", "--set takes SWITCH=VALUE")]
    [InlineData("dual", "colour=red", "unknown switch 'colour'")]
    [InlineData("dual", "wiring=both", "switch 'wiring' takes counter, split")]
    public void Unknown_presets_switches_and_values_are_explained(string policy, string? set, string message)
    {
        var policies = PolicySelection.Resolve([policy], set is null ? null : [set], out string? error);
        Assert.Null(policies);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}
