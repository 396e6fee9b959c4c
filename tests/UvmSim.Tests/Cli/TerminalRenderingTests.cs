using Spectre.Console.Testing;
using UvmSim.Cli;

namespace UvmSim.Tests.Cli;

public class TerminalRenderingTests
{
    [Fact]
    public void On_a_terminal_matrix_and_policies_render_as_tables()
    {
        var output = new TestConsole().Width(160);
        var terminal = new Terminal(output, new TestConsole(), Rich: true);
        Assert.Equal(ExitCodes.ExpectationFailed, CliApp.Run(["matrix", CliHarness.Data("passing.scn"), CliHarness.Data("failing.scn")], terminal));
        Assert.Contains("thorpej-2019", output.Output, StringComparison.Ordinal);
        Assert.Contains("ok ✗", output.Output, StringComparison.Ordinal);
        Assert.Contains("╭", output.Output, StringComparison.Ordinal);

        var policies = new TestConsole().Width(160);
        Assert.Equal(ExitCodes.Ok, CliApp.Run(["policies"], new Terminal(policies, new TestConsole(), Rich: true)));
        Assert.Contains("dual (default)", policies.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_goes_to_standard_output_and_exits_0()
    {
        var cli = new CliHarness();
        Assert.Equal(0, cli.Run("run", "--help"));
        Assert.Contains("--policy", cli.Out.Output, StringComparison.Ordinal);
        Assert.Contains("--no-diagnostics", cli.Out.Output, StringComparison.Ordinal);
    }
}
