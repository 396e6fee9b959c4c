using UvmSim.Cli;

namespace UvmSim.Tests.Cli;

public class EmitCCommandTests
{
    private static readonly string Passing = CliHarness.Data("passing.scn");

    [Fact]
    public void Emit_c_writes_the_program_to_stdout_and_exits_0()
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.Ok, cli.Run("emit-c", Passing, "--target", "linux"));
        Assert.Contains("int main(void)", cli.Out.Output, StringComparison.Ordinal);
        Assert.Contains("static void uvmsim_do_line(int line, struct uvmsim_ack *a)", cli.Out.Output, StringComparison.Ordinal);
        Assert.Empty(cli.Error.Output);
    }

    [Fact]
    public void Emit_c_with_o_writes_the_file_and_nothing_to_stdout()
    {
        string output = Path.Combine(Path.GetTempPath(), $"uvmsim-emit-{Guid.NewGuid():N}.c");
        try
        {
            var cli = new CliHarness();
            Assert.Equal(ExitCodes.Ok, cli.Run("emit-c", Passing, "--target", "netbsd", "-o", output));
            Assert.Contains("ATF_TP_ADD_TCS(tp)", File.ReadAllText(output), StringComparison.Ordinal);
            Assert.Empty(cli.Out.Output);
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Theory]
    [InlineData("--target", "windows")]
    [InlineData("--target")]
    [InlineData]
    public void Bad_or_missing_target_is_a_usage_error(params string[] target)
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.UsageError, cli.Run(["emit-c", Passing, .. target]));
        Assert.StartsWith("uvmsim: ", cli.Error.Output, StringComparison.Ordinal);
        Assert.Empty(cli.Out.Output);
    }

    [Fact]
    public void Parse_error_exits_2_with_the_position_and_caret()
    {
        string bad = Path.Combine(Path.GetTempPath(), $"uvmsim-bad-{Guid.NewGuid():N}.scn");
        File.WriteAllText(bad, "proc A\nA: frobnicate 1\n");
        try
        {
            var cli = new CliHarness();
            Assert.Equal(ExitCodes.UsageError, cli.Run("emit-c", bad, "--target", "linux"));
            Assert.Equal($"{bad}:2:4: error: unknown call 'frobnicate'\nA: frobnicate 1\n   ^\n", cli.Error.Output.Replace("\r\n", "\n", StringComparison.Ordinal));
            Assert.Empty(cli.Out.Output);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Fact]
    public void Unreadable_file_exits_2()
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.UsageError, cli.Run("emit-c", "/nonexistent/x.scn", "--target", "linux"));
        Assert.Contains("cannot read file", cli.Error.Output, StringComparison.Ordinal);
    }
}
