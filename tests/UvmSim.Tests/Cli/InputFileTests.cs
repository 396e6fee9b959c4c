using System.Diagnostics;
using UvmSim.Cli;

namespace UvmSim.Tests.Cli;

/// <summary>
/// Only regular files are read, and at most 16 MiB of one (issue 12); a directory given to
/// <c>run</c> stands for its <c>*.scn</c> files; text output shows controls escaped.
/// </summary>
public sealed class InputFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("uvmsim-input-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void A_character_device_is_a_usage_error_not_a_read()
    {
        Assert.SkipUnless(File.Exists("/dev/zero"), "no /dev/zero here");
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.UsageError, cli.Run("run", "/dev/zero"));
        Assert.Equal("/dev/zero: error: is a character device, not a regular file\n", cli.Error.Output);
    }

    [Fact]
    public void A_FIFO_is_a_usage_error_and_nothing_waits_for_a_writer()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "file types are asked with statx(2) on Linux");
        string fifo = Path.Combine(_dir, "pipe.scn");
        using (Process mkfifo = Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.UsageError, cli.Run("emit-c", fifo, "--target", "linux"));
        Assert.Equal($"{fifo}: error: is a FIFO, not a regular file\n", cli.Error.Output);
    }

    [Fact]
    public void A_file_over_the_cap_is_refused_and_the_error_states_the_cap()
    {
        string big = Path.Combine(_dir, "big.scn");
        using (var f = File.Create(big))
        {
            f.SetLength(InputFile.MaxBytes + 1L);
        }
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.UsageError, cli.Run("run", big));
        Assert.Equal($"{big}: error: larger than 16 MiB, the limit for an input file\n", cli.Error.Output);
    }

    [Fact]
    public void Run_on_a_directory_runs_its_scn_files_in_natural_order()
    {
        string passing = File.ReadAllText(CliHarness.Data("passing.scn"));
        Write("s10.scn", passing);
        Write("s2.scn", passing);
        Write("notes.txt", "not a scenario");
        Directory.CreateDirectory(Path.Combine(_dir, "sub"));
        File.WriteAllText(Path.Combine(_dir, "sub", "s1.scn"), "frobnicate\n");
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.Ok, cli.Run("run", _dir, "--policy", "dual"));
        string[] runs = cli.Out.Output.Split('\n').Where(l => l.StartsWith("PASS", StringComparison.Ordinal)).ToArray();
        Assert.Equal([$"PASS {Path.Combine(_dir, "s2.scn")} dual", $"PASS {Path.Combine(_dir, "s10.scn")} dual"], runs);
    }

    [Fact]
    public void An_empty_directory_and_a_directory_given_to_emit_c_are_usage_errors()
    {
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.UsageError, cli.Run("run", _dir));
        Assert.Equal($"{_dir}: error: is a directory with no .scn files\n", cli.Error.Output);
        cli = new CliHarness();
        Assert.Equal(ExitCodes.UsageError, cli.Run("emit-c", _dir, "--target", "linux"));
        Assert.Equal($"{_dir}: error: is a directory, not a regular file\n", cli.Error.Output);
    }

    [Fact]
    public void Terminal_escapes_and_bidi_overrides_in_a_scenario_are_shown_escaped()
    {
        string file = Write("esc\n\u001b[31mred.scn",
            "proc A\nA: munlockall => panic \"\u001b]0;title\u0007\u202eevil\u0085\"\n");
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.ExpectationFailed, cli.Run("run", file, "--policy", "dual", "--trace"));
        string output = cli.Out.Output;
        Assert.DoesNotContain(output, c => c is '\u001b' or '\u0007' or '\u202e' or '\u0085');
        Assert.Contains("esc\\n\\x1b[31mred.scn", output, StringComparison.Ordinal);
        Assert.Contains("panic \"\\x1b]0;title\\x07\\u202Eevil\\x85\"", output, StringComparison.Ordinal);
        // Every line of output is one line of the report: the newline in the name did not split one.
        Assert.All(output.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            l => Assert.Matches(@"^(PASS|FAIL|  \d+: |      |\S+:\d+: |1 run)", l));
    }

    [Fact]
    public void Json_output_carries_the_same_text_escaped_as_JSON()
    {
        string text = "A: munlockall => panic \"\u001b]0;t\u0007\u202eevil\u0085\"";
        string file = Write("json.scn", "proc A\n" + text + "\n");
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.ExpectationFailed, cli.Run("run", file, "--policy", "dual", "--format", "json"));
        Assert.DoesNotContain(cli.Out.Output, c => c is '\u001b' or '\u0007' or '\u202e' or '\u0085');
        using var doc = System.Text.Json.JsonDocument.Parse(cli.Out.Output);
        Assert.Equal(text, doc.RootElement.GetProperty("runs")[0].GetProperty("lines").EnumerateArray()
            .Single(l => l.GetProperty("line").GetInt32() == 2).GetProperty("text").GetString());
    }

    [Fact]
    public void A_parse_error_on_a_line_with_an_escape_keeps_its_caret_under_the_column()
    {
        string file = Write("bad.scn", "proc A\nA: munlockall => panic \"\u001b\" frob\n");
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.UsageError, cli.Run("run", file));
        string[] lines = cli.Error.Output.Split('\n');
        Assert.Equal("A: munlockall => panic \"\\x1b\" frob", lines[1]);
        Assert.Equal(lines[1].IndexOf("frob", StringComparison.Ordinal), lines[2].IndexOf('^', StringComparison.Ordinal));
    }
}
