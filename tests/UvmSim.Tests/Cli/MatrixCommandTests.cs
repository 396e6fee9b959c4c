using System.Text.Json;
using UvmSim.Cli;

namespace UvmSim.Tests.Cli;

public class MatrixCommandTests
{
    private static readonly string Passing = CliHarness.Data("passing.scn");
    private static readonly string Failing = CliHarness.Data("failing.scn");

    [Fact]
    public void Json_cells_have_every_field()
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.ExpectationFailed, cli.Run("matrix", Passing, Failing, "--format", "json"));
        using var doc = JsonDocument.Parse(cli.Out.Output);
        var cells = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(8, cells.Count);
        foreach (JsonElement cell in cells)
        {
            Assert.Contains(cell.GetProperty("scenario").GetString(), new[] { "passing", "failing" });
            Assert.Contains(cell.GetProperty("policy").GetString(), UvmSim.Policies.PresetNames.All);
            Assert.Equal("ok", cell.GetProperty("outcome").GetString());
            Assert.Equal(JsonValueKind.Array, cell.GetProperty("violations").ValueKind);
        }
        Assert.All(cells.Where(c => c.GetProperty("scenario").GetString() == "failing"),
            c => Assert.Equal("fail", c.GetProperty("expectations").GetString()));
        Assert.All(cells.Where(c => c.GetProperty("scenario").GetString() == "passing"),
            c => Assert.Equal("pass", c.GetProperty("expectations").GetString()));
    }

    [Fact]
    public void Text_marks_cells_whose_expectations_fail()
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.ExpectationFailed, cli.Run("matrix", Passing, Failing, "-p", "netbsd-8,dual"));
        string[] lines = cli.Out.Output.Split('\n');
        Assert.Matches(@"^scenario\s+netbsd-8\s+dual$", lines[0]);
        Assert.Matches(@"^passing\s+ok\s+ok$", lines[1]);
        Assert.Matches(@"^failing\s+ok ✗\s+ok ✗$", lines[2]);
    }

    [Fact]
    public void Passing_files_exit_0()
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.Ok, cli.Run("matrix", Passing));
        Assert.Contains("every expectation holds", cli.Out.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Natural_order_puts_s2_before_s10()
    {
        string[] names = ["examples/s10-b.scn", "examples/s2-a.scn", "examples/s1-z.scn", "examples/s28-x.scn"];
        Assert.Equal(["examples/s1-z.scn", "examples/s2-a.scn", "examples/s10-b.scn", "examples/s28-x.scn"],
            names.Order(ScenarioFiles.NaturalComparer.Instance));
    }

    [Fact]
    public void Demo_runs_the_bundled_examples_and_explains_them()
    {
        var cli = new CliHarness();
        int status = cli.Run("demo");
        Assert.Contains("dual", cli.Out.Output, StringComparison.Ordinal);
        Assert.Contains("only column", cli.Out.Output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, status);
    }

    [Fact]
    public void Demo_json_is_a_cell_array()
    {
        var cli = new CliHarness();
        cli.Run("demo", "--format", "json");
        using var doc = JsonDocument.Parse(cli.Out.Output);
        Assert.Equal(JsonValueKind.Array, doc.RootElement.ValueKind);
    }
}
