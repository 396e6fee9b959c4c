using System.Text.Json;
using UvmSim.Cli;
using UvmSim.Cli.KernelComparison;
using UvmSim.Emit;
using UvmSim.Scenarios.Syntax;
using UvmSim.Tests.Cli;

namespace UvmSim.Tests.KernelFuzz;

/// <summary>
/// <c>uvmsim kernel --fuzz</c>. The tests that run programs return early (and pass) where the
/// host cannot run them: not Linux, no C compiler, not root (the fuzzer runs processes as root
/// and as nobody), as the other kernel tests do. Each uses its own <c>--keep</c> build
/// directory, so <see cref="KernelCommandTests"/>' check of the temporary directories never
/// sees theirs.
/// </summary>
[Collection(HostKernelCollection.Name)]
public class KernelFuzzCommandTests
{
    private static bool CanRun() =>
        OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess && File.Exists("/proc/sysvipc/shm")
        && (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(d => d.Length > 0 && (File.Exists(Path.Combine(d, "cc")) || File.Exists(Path.Combine(d, "gcc"))));

    private sealed record Outcome(int Exit, string Out, string Error);

    private static Outcome Run(params string[] args)
    {
        var cli = new CliHarness();
        int exit = cli.Run(["kernel", .. args]);
        return new Outcome(exit, cli.Out.Output.Replace("\r\n", "\n", StringComparison.Ordinal), cli.Error.Output);
    }

    /// <summary>Runs <paramref name="test"/> with a fresh directory, removed after; not at all where the host cannot run programs.</summary>
    private static void OnTheHost(Action<string> test)
    {
        if (!CanRun())
        {
            return;
        }
        string dir = Directory.CreateTempSubdirectory("uvmsim-kfuzz-test-").FullName;
        try
        {
            test(dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("--steps", "10")]
    [InlineData("--seed", "3")]
    [InlineData("--seconds", "1")]
    [InlineData("--procs", "2")]
    public void Fuzz_options_without_fuzz_are_a_usage_error(string option, string value)
    {
        Outcome run = Run("examples", option, value);
        Assert.Equal(ExitCodes.UsageError, run.Exit);
        Assert.Contains("go with --fuzz", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--steps", "0", "--steps must be > 0, not 0")]
    [InlineData("--seconds", "-1", "--seconds must be > 0, not -1")]
    [InlineData("--procs", "4", "--procs")]
    public void Bad_fuzz_budgets_are_usage_errors(string option, string value, string message)
    {
        Outcome run = Run("--fuzz", option, value);
        Assert.Equal(ExitCodes.UsageError, run.Exit);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Out);
    }

    [Fact]
    public void Fuzz_takes_no_files()
    {
        Outcome run = Run("--fuzz", "examples");
        Assert.Equal(ExitCodes.UsageError, run.Exit);
        Assert.Contains("give no FILE", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Signature_names_the_call_and_both_results_with_chosen_values_as_ok()
    {
        Scenario s = ScenarioParser.Parse("t.scn", "proc A\nA: m = mmap 1p rw private|anon\nA: munlock m 1p\n").Scenario!;
        FileComparison Of(params ComparedLine[] lines) => new("t.scn", "linux", CTarget.Linux, lines);
        Assert.Null(KernelFuzzer.Signature(s, Of(new ComparedLine(2, "A", "", "ok = 0x1000", "ok = 0x7000", Agreement.Same))));
        Assert.Equal("munlock: model ENOMEM, kernel ok = 0x0", KernelFuzzer.Signature(s, Of(
            new ComparedLine(2, "A", "", "ok = 0x1000", "ok = 0x1000", Agreement.Same),
            new ComparedLine(3, "A", "", "ENOMEM", "ok = 0x0", Agreement.Differs))));
        Assert.Equal("mmap: model ok, kernel ENOMEM", KernelFuzzer.Signature(s, Of(
            new ComparedLine(2, "A", "", "ok = 0x1000", "ENOMEM", Agreement.Differs))));
    }

    /// <summary>
    /// The planted change: the model told <c>munlock-unlocked=enomem</c> (NetBSD's ENOMEM for a
    /// range not all locked), which Linux does not do. The fuzzer finds it, shrinks it with the
    /// host as the oracle to at most 6 call lines, and the file replays to the difference under
    /// the same override, and to none without it.
    /// </summary>
    [Fact]
    public void A_planted_model_change_is_found_shrunk_and_replays()
    {
        OnTheHost(dir =>
        {
        Outcome run = Run("--fuzz", "--seconds", "300", "--seed", "5", "--set", "munlock-unlocked=enomem",
            "--out", Path.Combine(dir, "found"), "--keep", Path.Combine(dir, "build"), "--format", "json");
        Assert.Equal(ExitCodes.ExpectationFailed, run.Exit);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        JsonElement root = doc.RootElement;
        Assert.True(root.GetProperty("found").GetBoolean());
        Assert.Equal("difference", root.GetProperty("kind").GetString());
        Assert.Equal(5, root.GetProperty("seed").GetInt32());
        Assert.Contains("munlock", root.GetProperty("message").GetString(), StringComparison.Ordinal);
        string path = root.GetProperty("reproducer").GetString()!;
        Scenario shrunk = ScenarioParser.Parse(path, File.ReadAllText(path)).Scenario!;
        int calls = shrunk.Statements.OfType<CallStatement>().Count();
        Assert.InRange(calls, 1, 6);
        Assert.Equal(calls, root.GetProperty("reproducerCalls").GetInt32());

        Outcome replay = Run(path, "--set", "munlock-unlocked=enomem", "--keep", Path.Combine(dir, "replay"));
        Assert.Equal(ExitCodes.ExpectationFailed, replay.Exit);
        Assert.Matches(@"  differs  \d+: A: munlock .* => model ENOMEM, kernel ok", replay.Out);

        Outcome unplanted = Run(path, "--keep", Path.Combine(dir, "replay2"));
        Assert.Equal(ExitCodes.Ok, unplanted.Exit);
        });
    }

    [Fact]
    public void The_linux_preset_agrees_with_this_kernel_on_a_short_run_as_both_users()
    {
        OnTheHost(dir =>
        {
        Outcome run = Run("--fuzz", "--steps", "60", "--seed", "11", "--as", "both",
            "--out", Path.Combine(dir, "found"), "--keep", Path.Combine(dir, "build"), "--format", "json");
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        JsonElement root = doc.RootElement;
        Assert.False(root.GetProperty("found").GetBoolean(), root.GetProperty("message").GetString());
        Assert.Equal(ExitCodes.Ok, run.Exit);
        Assert.Equal("both", root.GetProperty("as").GetString());
        Assert.True(root.GetProperty("calls").GetInt64() >= 60);
        Assert.Equal(2 * root.GetProperty("scenarios").GetInt64(), root.GetProperty("runs").GetInt64());
        Assert.True(root.GetProperty("lines").GetInt64() >= 2 * 60);
        Assert.True(root.GetProperty("scenariosPerSecond").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("reproducer").ValueKind);
        });
    }

    private static readonly string Found = Path.Combine(RepoPaths.Root, "tests", "UvmSim.Tests", "KernelFuzz", "Found");

    /// <summary>The differences <c>kernel --fuzz</c> found, fixed in the model: each holds its expectations under every preset.</summary>
    [Fact]
    public void Found_differences_hold_their_expectations_in_the_model()
    {
        string[] files = Directory.GetFiles(Found, "*.scn");
        Assert.NotEmpty(files);
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.Ok, cli.Run(["run", .. files, "--policy", "all,linux"]));
    }

    /// <summary>... and agree with this kernel on every line, as declared and as nobody.</summary>
    [Fact]
    public void Found_differences_agree_with_this_kernel()
    {
        OnTheHost(dir =>
        {
        Outcome run = Run(Found, "--as", "both", "--keep", dir);
        Assert.Equal(ExitCodes.Ok, run.Exit);
        Assert.DoesNotContain("differs", run.Out, StringComparison.Ordinal);
        });
    }
}
