using System.Text.Json;
using UvmSim.Cli.Host;
using UvmSim.Tests.Cli;

namespace UvmSim.Tests.Bench;

/// <summary>
/// <c>uvmsim bench host</c> (SPEC §13): the JSON shape and the exit statuses. The host side
/// needs Linux and root (this machine and CI are root); no timing is asserted.
/// </summary>
public class BenchHostTests
{
    private static readonly string[] Names = ["mlock+munlock", "shm_lock+shm_unlock", "shm_lock+mlock+munlock+shm_unlock"];

    private static void SkipUnlessRootOnLinux() =>
        Assert.SkipUnless(OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess, "bench host needs root on Linux");

    [Fact]
    public void Json_is_an_array_of_rows_with_positive_figures_for_every_sequence_and_size()
    {
        SkipUnlessRootOnLinux();
        var cli = new CliHarness();

        int status = cli.Run("bench", "host", "--repeat", "1", "--format", "json");

        Assert.True(status == 0, cli.Error.Output);
        using JsonDocument doc = JsonDocument.Parse(cli.Out.Output);
        Assert.Equal(JsonValueKind.Array, doc.RootElement.ValueKind);
        var rows = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(Names.Length * 2, rows.Count);
        foreach (JsonElement row in rows)
        {
            Assert.Equal(["sequence", "pages", "hostMicros", "modelMicros", "speedup"], row.EnumerateObject().Select(p => p.Name));
            Assert.Contains(row.GetProperty("sequence").GetString(), Names);
            Assert.Contains(row.GetProperty("pages").GetInt32(), new[] { 16, 256 });
            Assert.True(row.GetProperty("hostMicros").GetDouble() > 0);
            Assert.True(row.GetProperty("modelMicros").GetDouble() > 0);
            Assert.True(row.GetProperty("speedup").GetDouble() > 0);
        }
        Assert.Equal(
            Names.SelectMany(n => new[] { (n, 16), (n, 256) }),
            rows.Select(r => (r.GetProperty("sequence").GetString()!, r.GetProperty("pages").GetInt32())));
        Assert.Equal("", cli.Error.Output);
    }

    [Fact]
    public void Text_is_a_table_with_a_row_per_sequence_and_size()
    {
        SkipUnlessRootOnLinux();
        var cli = new CliHarness();

        int status = cli.Run("bench", "host", "--repeat", "1");

        Assert.True(status == 0, cli.Error.Output);
        string[] lines = cli.Out.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("sequence", lines[0]);
        Assert.Equal(6, lines.Count(l => Names.Any(n => l.StartsWith(n + " ", StringComparison.Ordinal))));
    }

    [Theory]
    [InlineData("--repeat", "0")]
    [InlineData("--repeat", "many")]
    [InlineData("--format", "xml")]
    [InlineData("--bogus")]
    public void Argument_errors_exit_2_without_running(params string[] args)
    {
        var cli = new CliHarness();

        int status = cli.Run(["bench", "host", .. args]);

        Assert.Equal(2, status);
        Assert.Equal("", cli.Out.Output);
        Assert.StartsWith("uvmsim: ", cli.Error.Output);
    }

    [Fact]
    public void Bench_without_a_subcommand_is_a_usage_error()
    {
        var cli = new CliHarness();

        Assert.Equal(2, cli.Run("bench"));
    }

    [Fact]
    public void The_model_is_JIT_optimized_even_in_the_Debug_build_the_tests_and_dotnet_run_use() =>
        Assert.False(HostBench.ModelUnoptimized());

    [Fact]
    public void Median_of_odd_and_even_counts()
    {
        Assert.Equal(2.0, HostBench.Median([3.0, 1.0, 2.0]));
        Assert.Equal(2.5, HostBench.Median([4.0, 1.0, 3.0, 2.0]));
    }
}
