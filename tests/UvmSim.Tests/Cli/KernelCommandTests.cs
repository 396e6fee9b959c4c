using System.Runtime.Versioning;
using System.Text.Json;
using UvmSim.Cli;

namespace UvmSim.Tests.Cli;

/// <summary>
/// <c>uvmsim kernel</c>: scenarios built as C, run on this kernel and compared with the model.
/// Tests that run a program return early (and pass) when this is not Linux or no C compiler is
/// on PATH, as the other compiling tests do. One class, so its tests never run in parallel and
/// the check that temporary directories go away sees only its own.
/// </summary>
[Collection(HostKernelCollection.Name)]
public class KernelCommandTests
{
    /// <summary>S1: mmap, mlock twice, munlock; Linux agrees on every call.</summary>
    private static readonly string AllAgree = Path.Combine(RepoPaths.Examples, "s1-mlock-twice.scn");

    /// <summary>
    /// S3: mlock over a hole is EINVAL in the model (NetBSD) and ENOMEM on Linux, line 6, which
    /// locks b's second page on Linux: line 9's results agree, its digests do not.
    /// </summary>
    private static readonly string KnownDifference = Path.Combine(RepoPaths.Examples, "s3-mlock-over-hole.scn");

    [SupportedOSPlatformGuard("linux")]
    private static bool CanRun() =>
        OperatingSystem.IsLinux()
        && (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(d => d.Length > 0 && (File.Exists(Path.Combine(d, "cc")) || File.Exists(Path.Combine(d, "gcc"))));

    [Fact]
    public void Scenario_whose_calls_all_agree_exits_0_with_every_line_same()
    {
        if (Kernel(AllAgree) is not { } run)
        {
            return;
        }
        Assert.Equal(ExitCodes.Ok, run.Exit);
        Assert.Equal(
            $"""
            {AllAgree}: linux+placement=bottomup (model) vs linux (kernel), as declared
              same     3: A: a = mmap 4p rw private|anon  => ok = 0x1000
              same     4: A: mlock a 4p  => ok = 0x0
              same     8: A: mlock a 4p  => ok = 0x0
              same     11: A: munlock a 4p  => ok = 0x0
            {AllAgree}: 4 same, 0 differ, 0 n/a

            """,
            run.Out);
        if (Environment.IsPrivilegedProcess)
        {
            Assert.Empty(run.Error);
        }
    }

    [Fact]
    public void Known_difference_exits_1_and_shows_both_results_on_its_line()
    {
        if (Kernel(KnownDifference, "--policy", "dual") is not { } run)
        {
            return;
        }
        Assert.Equal(ExitCodes.ExpectationFailed, run.Exit);
        Assert.Contains("  differs  6: A: mlock b+1p 3p                        => linux: ENOMEM | EINVAL  => model EINVAL, kernel ENOMEM\n",
            run.Out, StringComparison.Ordinal);
        Assert.Contains("  differs  9: A: mlock b+2p 1p                        => ENOMEM  => model ENOMEM, kernel ENOMEM\n"
            + "           observed, model:\n"
            + "             A: locked 0 bytes, b [..], c [.]\n"
            + "           observed, kernel:\n"
            + "             A: locked 4096 bytes, b [.l], c [.]\n", run.Out, StringComparison.Ordinal);
        Assert.EndsWith($"{KnownDifference}: 2 same, 2 differ, 0 n/a\n", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_files_get_a_total_and_the_worst_status()
    {
        if (Kernel(AllAgree, KnownDifference, "--policy", "dual") is not { } run)
        {
            return;
        }
        Assert.Equal(ExitCodes.ExpectationFailed, run.Exit);
        Assert.EndsWith("total over 2 files: 6 same, 2 differ, 0 n/a\n", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Junit_has_a_case_per_file_failing_with_its_differing_lines()
    {
        if (Kernel(AllAgree, KnownDifference, "--format", "junit", "--policy", "dual") is not { } run)
        {
            return;
        }
        Assert.Equal(ExitCodes.ExpectationFailed, run.Exit);
        var doc = System.Xml.Linq.XDocument.Parse(run.Out);
        var suite = Assert.Single(doc.Root!.Elements("testsuite"));
        Assert.Equal("2", suite.Attribute("tests")!.Value);
        Assert.Equal("1", suite.Attribute("failures")!.Value);
        var cases = suite.Elements("testcase").ToList();
        Assert.Equal([AllAgree, KnownDifference], cases.Select(c => c.Attribute("classname")!.Value));
        Assert.Null(cases[0].Element("failure"));
        string failure = cases[1].Element("failure")!.Value;
        Assert.Contains("6: A: mlock b+1p 3p", failure, StringComparison.Ordinal);
        Assert.Contains("model EINVAL, kernel ENOMEM", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_has_the_documented_shape()
    {
        if (Kernel(KnownDifference, "--format", "json", "--policy", "dual") is not { } run)
        {
            return;
        }
        Assert.Equal(ExitCodes.ExpectationFailed, run.Exit);
        using JsonDocument doc = JsonDocument.Parse(run.Out);
        JsonElement root = doc.RootElement;
        Assert.Equal(["version", "files", "exitCode"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal(1, root.GetProperty("exitCode").GetInt32());
        JsonElement file = Assert.Single(root.GetProperty("files").EnumerateArray());
        Assert.Equal(["file", "policy", "target", "as", "lines", "same", "differs", "na"], file.EnumerateObject().Select(p => p.Name));
        Assert.Equal(KnownDifference, file.GetProperty("file").GetString());
        Assert.Equal("dual", file.GetProperty("policy").GetString());
        Assert.Equal("linux", file.GetProperty("target").GetString());
        var lines = file.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal([3, 4, 6, 9], lines.Select(l => l.GetProperty("line").GetInt32()));  // calls only: checks 5, 7, 8, 10, 11 read the model
        foreach (JsonElement line in lines)
        {
            Assert.Equal(["line", "proc", "text", "model", "kernel", "status", "modelObserved", "kernelObserved"], line.EnumerateObject().Select(p => p.Name));
        }
        JsonElement six = lines[2];
        Assert.Equal("A", six.GetProperty("proc").GetString());
        Assert.Equal("A: mlock b+1p 3p                        => linux: ENOMEM | EINVAL", six.GetProperty("text").GetString());
        Assert.Equal("EINVAL", six.GetProperty("model").GetString());
        Assert.Equal("ENOMEM", six.GetProperty("kernel").GetString());
        Assert.Equal("differs", six.GetProperty("status").GetString());
        Assert.Equal("ok = 0x1000", lines[0].GetProperty("model").GetString());
        Assert.Equal("same", lines[0].GetProperty("status").GetString());
        Assert.Equal("..", six.GetProperty("modelObserved").GetProperty("procs").GetProperty("A").GetProperty("ranges").GetProperty("b").GetString());
        Assert.Equal(".l", six.GetProperty("kernelObserved").GetProperty("procs").GetProperty("A").GetProperty("ranges").GetProperty("b").GetString());
        Assert.Equal(4096, six.GetProperty("kernelObserved").GetProperty("procs").GetProperty("A").GetProperty("locked").GetInt64());
        Assert.Equal("differs", lines[3].GetProperty("status").GetString());  // results agree, digests do not
        Assert.Equal(2, file.GetProperty("same").GetInt32());
        Assert.Equal(2, file.GetProperty("differs").GetInt32());
        Assert.Equal(0, file.GetProperty("na").GetInt32());
    }

    [Fact]
    public void Lines_the_kernel_cannot_answer_are_na_and_segment_checks_are_compared()
    {
        if (!CanRun())
        {
            return;
        }
        string scn = TempScenario("""
            proc A
            A: a = mmap 1p rw private|anon
            A: h = vslock a 1p
            A: seg = shmget private 1p create|0600
            A: p = shmat seg
            check segment seg nattch == 1
            check segment seg locked == no
            A: exit
            A: munlock a 1p                        => unbound
            """);
        try
        {
            Outcome run = Run(scn);
            Assert.Contains("  n/a      3: A: h = vslock a 1p  => model (skipped, as on the kernel), kernel (not reproducible at user level)\n",
                run.Out, StringComparison.Ordinal);
            Assert.Contains("  same     6: check segment seg nattch == 1  => 1\n", run.Out, StringComparison.Ordinal);
            Assert.DoesNotContain(" 7: check segment seg locked", run.Out, StringComparison.Ordinal);
            Assert.Contains("  n/a      9: A: munlock a 1p                        => unbound  => model exited, kernel (process not running)\n",
                run.Out, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(scn);
        }
    }

    [Fact]
    public void Keep_leaves_the_program_and_its_binary_and_without_it_nothing_is_left()
    {
        if (!CanRun())
        {
            return;
        }
        string keep = Path.Combine(Path.GetTempPath(), $"uvmsim-keep-{Guid.NewGuid():N}");
        try
        {
            Assert.Equal(ExitCodes.Ok, Run(AllAgree, "--keep", keep).Exit);
            Assert.Contains("int main(void)", File.ReadAllText(Path.Combine(keep, "s1-mlock-twice.c")), StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(keep, "s1-mlock-twice")));

            var before = TemporaryDirectories();
            Assert.Equal(ExitCodes.Ok, Run(AllAgree).Exit);
            Assert.Equal(before, TemporaryDirectories());
        }
        finally
        {
            if (Directory.Exists(keep))
            {
                Directory.Delete(keep, recursive: true);
            }
        }

        static List<string> TemporaryDirectories() =>
            Directory.EnumerateDirectories(Path.GetTempPath(), "uvmsim-kernel-*").Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public void Missing_compiler_exits_2_naming_it()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        Outcome run = Run(AllAgree, "--cc", "/nonexistent/cc");
        Assert.Equal(ExitCodes.UsageError, run.Exit);
        Assert.Equal("uvmsim: C compiler '/nonexistent/cc' (--cc) not found\n", run.Error);
        Assert.Empty(run.Out);
    }

    [Fact]
    public void Failed_build_exits_2_with_the_compilers_first_lines()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        string cc = FakeCompiler("for i in $(seq 1 20); do echo \"error $i\" >&2; done\nexit 1\n");
        try
        {
            Outcome run = Run(AllAgree, "--cc", cc);
            Assert.Equal(ExitCodes.UsageError, run.Exit);
            string[] lines = run.Error.TrimEnd('\n').Split('\n');
            Assert.Equal($"uvmsim: {Path.GetTempPath()}", lines[0][..(8 + Path.GetTempPath().Length)]);
            Assert.EndsWith($"/s1-mlock-twice.c: {cc} failed (exit status 1):", lines[0], StringComparison.Ordinal);
            Assert.Equal(Enumerable.Range(1, 10).Select(i => $"error {i}"), lines.Skip(1).Where(l => !l.StartsWith("uvmsim: warning", StringComparison.Ordinal)));
            Assert.Empty(run.Out);
        }
        finally
        {
            File.Delete(cc);
        }
    }

    [Fact]
    public void Program_that_fails_as_a_whole_exits_2_and_other_files_still_compare()
    {
        if (!CanRun())
        {
            return;
        }
        // A "compiler" whose binary prints one result line and exits 3, for the first file only.
        string cc = FakeCompiler("""
            while [ $# -gt 0 ]; do if [ "$1" = -o ]; then out=$2; fi; last=$1; shift; done
            case "$out" in
            *s3-mlock-over-hole) printf '#!/bin/sh\necho "  3: A: b = mmap 2p rw private|anon  => ok = 0x1000"\nexit 3\n' > "$out"; chmod +x "$out" ;;
            *) exec cc -std=c99 -o "$out" "$last" ;;
            esac
            """);
        try
        {
            Outcome run = Run(KnownDifference, AllAgree, "--cc", cc);
            Assert.Equal(ExitCodes.UsageError, run.Exit);
            Assert.Matches("^uvmsim: .*s3-mlock-over-hole.scn: .*s3-mlock-over-hole failed \\(exit status 3\\)\n", run.Error);
            Assert.DoesNotContain("s3-mlock-over-hole", run.Out, StringComparison.Ordinal);
            Assert.Contains($"{AllAgree}: 4 same, 0 differ, 0 n/a\n", run.Out, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(cc);
        }
    }

    [Fact]
    public void Parse_error_exits_2_with_file_line_and_column()
    {
        if (!CanRun())
        {
            return;
        }
        string bad = TempScenario("proc A\nA: frobnicate 1\n");
        try
        {
            Outcome run = Run(bad);
            Assert.Equal(ExitCodes.UsageError, run.Exit);
            Assert.StartsWith($"{bad}:2:4: error: unknown call 'frobnicate'\nA: frobnicate 1\n   ^\n",
                run.Error, StringComparison.Ordinal);
            Assert.Empty(run.Out);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Theory]
    [InlineData("--policy", "netbsd-8,dual")]
    [InlineData("--policy", "all")]
    [InlineData("--policy", "dual", "--policy", "netbsd-9")]
    public void More_than_one_policy_is_a_usage_error(params string[] policies)
    {
        Outcome run = Run([AllAgree, .. policies]);
        Assert.Equal(ExitCodes.UsageError, run.Exit);
        Assert.StartsWith("uvmsim: kernel compares with one policy, not ", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Out);
    }

    [Fact]
    public void Set_changes_the_policy_label()
    {
        if (Kernel(AllAgree, "--policy", "dual", "--set", "wiring=counter") is not { } run)
        {
            return;
        }
        Assert.StartsWith($"{AllAgree}: dual+wiring=counter (model) vs linux (kernel), as declared\n", run.Out, StringComparison.Ordinal);
    }

    /// <summary>What <c>uvmsim kernel ARGS</c> did, run in-process.</summary>
    private sealed record Outcome(int Exit, string Out, string Error);

    private static Outcome Run(params string[] args)
    {
        var cli = new CliHarness();
        int exit = cli.Run(["kernel", .. args]);
        return new Outcome(exit, cli.Out.Output.Replace("\r\n", "\n", StringComparison.Ordinal), cli.Error.Output);
    }

    /// <summary><see cref="Run"/>, or null when no program can be built and run here.</summary>
    private static Outcome? Kernel(params string[] args) => CanRun() ? Run(args) : null;

    private static string TempScenario(string text)
    {
        string path = Path.Combine(Path.GetTempPath(), $"uvmsim-k-{Guid.NewGuid():N}.scn");
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>An executable shell script standing in for the C compiler.</summary>
    [SupportedOSPlatform("linux")]
    private static string FakeCompiler(string body)
    {
        string path = Path.Combine(Path.GetTempPath(), $"uvmsim-fake-cc-{Guid.NewGuid():N}");
        File.WriteAllText(path, "#!/bin/sh\n" + body);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
