using UvmSim.Emit;
using System.Diagnostics;
using System.Text.RegularExpressions;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Tests.Emitting;

/// <summary>
/// <see cref="CEmitter"/>: the emitted C compiles with <c>gcc -std=c99 -Wall -Werror</c> and runs
/// to completion, printing one trace line per call and check line. Tests that compile return
/// early (and pass) when gcc is not on PATH; the text tests always run.
/// </summary>
public partial class CEmitterTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);

    private static string ExamplesDir => RepoPaths.Examples;

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(ExamplesDir, "*.scn").Order())
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    private static Scenario Parse(string file)
    {
        ParseResult parsed = ScenarioParser.Parse(file, File.ReadAllBytes(Path.Combine(ExamplesDir, file)));
        Assert.True(parsed.Success, parsed.Error?.Render());
        return parsed.Scenario!;
    }

    private static Scenario ParseText(string text)
    {
        ParseResult parsed = ScenarioParser.Parse("inline.scn", text);
        Assert.True(parsed.Success, parsed.Error?.Render());
        return parsed.Scenario!;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Linux_program_compiles_with_gcc_Werror_and_prints_one_result_per_call_and_check_if_gcc_is_present(string file)
    {
        Scenario scenario = Parse(file);
        if (CompileAndRun(CEmitter.Emit(scenario, CTarget.Linux), []) is not { } run)
        {
            return;  // no gcc on PATH
        }
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
        AssertOneResultPerLine(scenario, run.Stdout);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void NetBsd_program_is_an_ATF_test_case_and_builds_on_Linux_without_ATF_if_gcc_is_present(string file)
    {
        Scenario scenario = Parse(file);
        string c = CEmitter.Emit(scenario, CTarget.NetBsd);
        string tc = CEmitter.Identifier(file);
        Assert.Contains("#include <atf-c.h>", c, StringComparison.Ordinal);
        Assert.Contains($"ATF_TC({tc});", c, StringComparison.Ordinal);
        Assert.Contains($"ATF_TC_HEAD({tc}, tc)", c, StringComparison.Ordinal);
        Assert.Contains($"ATF_TC_BODY({tc}, tc)", c, StringComparison.Ordinal);
        Assert.Contains("ATF_TP_ADD_TCS(tp)", c, StringComparison.Ordinal);
        Assert.Contains($"ATF_TP_ADD_TC(tp, {tc});", c, StringComparison.Ordinal);
        Assert.Contains("#ifndef UVMSIM_NO_ATF", c, StringComparison.Ordinal);
        if (CompileAndRun(c, ["-DUVMSIM_NO_ATF"]) is not { } run)
        {
            return;
        }
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
        AssertOneResultPerLine(scenario, run.Stdout);
    }

    [Fact]
    public void Kernel_internal_calls_and_checks_become_comments_and_a_printed_note()
    {
        string c = CEmitter.Emit(Parse("s26-vslock-mlocked.scn"), CTarget.Linux);
        Assert.Contains("/* vslock: a kernel-internal operation; no user-level equivalent. */", c, StringComparison.Ordinal);
        Assert.Contains("uvmsim_not_reproducible(5, \"A: h = vslock a 1p\", ", c, StringComparison.Ordinal);
        Assert.Contains("/* A check of the model's internal state: no user-level equivalent. */", c, StringComparison.Ordinal);
        Assert.DoesNotContain("vslock(", c, StringComparison.Ordinal);
    }

    [Fact]
    public void Segment_exists_and_nattch_checks_read_IPC_STAT_if_gcc_is_present()
    {
        Scenario scenario = Parse("s18-shm-rmid-locked.scn");
        string c = CEmitter.Emit(scenario, CTarget.Linux);
        Assert.Contains("uvmsim_check_segment(9, \"check segment seg exists == yes\"", c, StringComparison.Ordinal);
        if (CompileAndRun(c, []) is not { } run)
        {
            return;
        }
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
        var results = ResultLines(run.Stdout);
        Assert.Equal("yes", results.Single(r => r.Line == 9).Actual);  // removed, still attached
        Assert.Equal("no", results.Single(r => r.Line == 11).Actual);   // freed at the last detach
    }

    [Fact]
    public void Line_text_is_escaped_as_a_C_literal_without_trigraphs()
    {
        Assert.Equal("\"a \\\"b\\\" \\\\ \\?\\?= \\303\\251\"", CEmitter.Literal("a \"b\" \\ ??= é"));
        Assert.Equal("s9_shm_lock", CEmitter.Identifier("dir/s9-shm.lock.scn"));
        Assert.Equal("scn_9x", CEmitter.Identifier("9x.scn"));
        Assert.Equal("a __ b __ c __= _ _x", CEmitter.CommentText("a */ b /* c ??= \\ \u00e9x"));
    }

    [Fact]
    public void Every_call_form_runs_on_Linux_with_its_real_result_if_gcc_is_present()
    {
        // Calls the examples do not use: files, touch faults, minherit, setrlimit, IPC_SET, a
        // non-root process, exit, a name left unbound by a failed call, panics' quoting.
        const string text = """
            file f 2p
            file g 1p ro
            proc A
            proc C uid=1000
            A: a = mmap 2p rw shared file f
            A: touch a 2p write
            A: r = mmap 1p r shared file g
            A: mmap 1p rw shared file g                => EACCES
            A: n = mmap 1p none private|anon
            A: touch n                                 => EACCES
            A: touch r 1 write                         => EACCES
            A: minherit a 2p none
            A: setrlimit memlock 1m 2m
            A: setrlimit memlock 3m 2m                 => EINVAL
            A: bad = mmap 0 rw private|anon             => EINVAL
            A: munmap bad 1p                           => unbound
            A: seg = shmget private 1p create|0600
            A: shmctl seg IPC_SET uid=0 mode=0640
            A: shmctl seg IPC_STAT
            A: p = shmat seg 0 rdonly
            A: shmdt p
            C: shmctl seg SHM_LOCK                     => EPERM
            A: fork B
            B: exit
            B: munlockall                              => dead
            A: pagedaemon 4                            => panic "no \"such\" ??= thing"
            check free > 0
            """;
        Scenario scenario = ParseText(text);
        if (CompileAndRun(CEmitter.Emit(scenario, CTarget.Linux), []) is not { } run)
        {
            return;
        }
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
        AssertOneResultPerLine(scenario, run.Stdout);
        string Actual(int line) => ResultLines(run.Stdout).Single(r => r.Line == line).Actual;
        Assert.Equal("ok = 0x0", Actual(1));
        Assert.Matches("^ok = 0x[0-9a-f]+$", Actual(5));
        Assert.Equal("ok = 0x0", Actual(6));
        Assert.Equal("EACCES", Actual(8));
        Assert.Equal("EACCES", Actual(10));  // protection faults, as the model reports them
        Assert.Equal("EACCES", Actual(11));
        Assert.Equal("ok = 0x0", Actual(12));
        Assert.Equal("EINVAL", Actual(14));
        Assert.Equal("EINVAL", Actual(15));
        Assert.Equal("unbound", Actual(16));
        Assert.Equal("ok = 0x0", Actual(18));
        Assert.Equal("ok = 0x0", Actual(19));
        Assert.Equal("ok = 0x0", Actual(21));
        if (Environment.UserName == "root")
        {
            Assert.Equal("EPERM", Actual(22));
        }
        Assert.Equal("ok = 0x0", Actual(24));
        Assert.Equal("(process not running)", Actual(25));
        Assert.Equal("(not reproducible at user level)", Actual(26));
        Assert.Contains("=> panic \"no \\\"such\\\" ??= thing\"  => (not reproducible", run.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("# ran to the end\n", run.Stdout, StringComparison.Ordinal);
    }

    // ---- helpers ----

    private sealed record RunOutput(int ExitCode, string Stdout, string Stderr);

    private sealed record ResultLine(int Line, string Actual);

    [GeneratedRegex(@"^  (\d+): .*  => (.*)$")]
    private static partial Regex ResultLinePattern();

    private static List<ResultLine> ResultLines(string stdout) =>
        stdout.Split('\n')
            .Select(l => ResultLinePattern().Match(l))
            .Where(m => m.Success)
            .Select(m => new ResultLine(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups[2].Value))
            .ToList();

    /// <summary>One result line per call and check line, in scenario order, each a known form.</summary>
    private static void AssertOneResultPerLine(Scenario scenario, string stdout)
    {
        var expected = scenario.Statements.Where(s => s is CallStatement or CheckStatement).Select(s => s.Line).ToList();
        var results = ResultLines(stdout);
        Assert.Equal(expected, results.Select(r => r.Line).ToList());
        foreach (ResultLine r in results)
        {
            Assert.Matches(@"^(ok = 0x[0-9a-f]+|E[A-Z]+|[0-9]+|yes|no|unbound|\(.*\))$", r.Actual);
        }
    }

    private static string? Gcc()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(dir, "gcc");
            if (dir.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>Compiles with gcc -std=c99 -Wall -Werror -D_GNU_SOURCE and runs; null without gcc.</summary>
    private static RunOutput? CompileAndRun(string source, string[] extraFlags)
    {
        if (Gcc() is not { } gcc)
        {
            return null;
        }
        string dir = Path.Combine(Path.GetTempPath(), $"uvmsim-emitc-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string c = Path.Combine(dir, "prog.c"), exe = Path.Combine(dir, "prog");
            File.WriteAllText(c, source);
            RunOutput build = Run(gcc, ["-std=c99", "-Wall", "-Werror", "-D_GNU_SOURCE", .. extraFlags, "-o", exe, c]);
            Assert.True(build.ExitCode == 0, $"gcc failed:\n{build.Stderr}");
            return Run(exe, []);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static RunOutput Run(string program, string[] args)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(RunTimeout) || !Task.WaitAll([stdout, stderr], RunTimeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} did not finish within {RunTimeout.TotalSeconds} s");
        }
        return new RunOutput(process.ExitCode, stdout.Result, stderr.Result);
    }
}
