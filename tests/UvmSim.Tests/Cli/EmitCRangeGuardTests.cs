using UvmSim.Scenarios.Syntax;
using static UvmSim.Tests.Cli.EmitCPrograms;

namespace UvmSim.Tests.Cli;

/// <summary>
/// <c>emit-c</c> and calls that change a range (<c>munmap</c>, <c>mprotect</c>, <c>minherit</c>):
/// the emitted program does not make one whose range reaches memory its scenario did not map (the
/// worker's code, libraries, stack), so the worker lives to run the later lines; over the
/// scenario's own pages and free holes the kernel still answers. Each test that runs a program
/// builds it with gcc (<see cref="EmitCPrograms"/>) and returns early when gcc is not on PATH.
/// </summary>
public class EmitCRangeGuardTests
{
    /// <summary>
    /// From the scenario's own <c>a</c> in the arena (1 TiB up) to 0x7ffffffff000 in the kernel
    /// (model address 0x7efffffff000), the top of x86-64 Linux's 47-bit user address space: what
    /// lies above the arena is the worker's libraries and stack.
    /// </summary>
    private const string FromAToTheTop = "a 0x7efffffff000-a";

    [Theory]
    [InlineData("munmap " + FromAToTheTop, "linux")]
    [InlineData("munmap " + FromAToTheTop, "netbsd")]
    [InlineData("mprotect " + FromAToTheTop + " none", "linux")]
    [InlineData("mprotect " + FromAToTheTop + " none", "netbsd")]
    [InlineData("mprotect " + FromAToTheTop + " r", "linux")]
    [InlineData("minherit " + FromAToTheTop + " none", "linux")]
    [InlineData("minherit " + FromAToTheTop + " none", "netbsd")]
    [InlineData("minherit " + FromAToTheTop + " zero", "linux")]
    public void Call_over_the_workers_own_memory_is_not_made_and_later_lines_still_run(string call, string target)
    {
        string scenario = $"""
            proc A
            A: a = mmap 1p rw private|anon
            A: {call}
            A: b = mmap 1p rw private|anon
            A: touch b 1p write
            A: fork B
            B: touch a 1p write
            """;
        if (!OnX64Linux() || Build(scenario, target, []) is not { } run)
        {
            return;
        }
        Assert.Equal(Overlaps, run.Actual(3));
        Assert.Matches("^ok = 0x[0-9a-f]+$", run.Actual(4));
        Assert.Equal("ok = 0x0", run.Actual(5));
        Assert.Matches("^ok = 0x[0-9a-f]+$", run.Actual(6));
        Assert.Equal("ok = 0x0", run.Actual(7));  // the fork child got a: nothing was taken from it
        AssertNoWorkerDied(run);
    }

    [Fact]
    public void Munmap_mprotect_and_minherit_of_a_free_hole_reach_the_kernel()
    {
        // a's upper half is unmapped by the scenario: a hole, not the scenario's own and not the
        // worker's, so Linux's real answers are printed.
        const string scenario = """
            proc A
            A: a = mmap 4p rw private|anon
            A: munmap a+2p 2p
            A: munmap a+3p 1p
            A: mprotect a+2p 2p r
            A: mprotect a+1p 2p r
            A: touch a+1p 1p write
            A: minherit a+2p 2p none
            A: munmap a 4p
            A: touch a
            """;
        if (!OperatingSystem.IsLinux() || Build(scenario, "linux", []) is not { } run)
        {
            return;
        }
        Assert.Equal("ok = 0x0", run.Actual(3));
        Assert.Equal("ok = 0x0", run.Actual(4));   // munmap of a hole
        Assert.Equal("ENOMEM", run.Actual(5));     // mprotect of a hole
        Assert.Equal("ENOMEM", run.Actual(6));     // own page, then the hole...
        Assert.Equal("EACCES", run.Actual(7));     // ...and Linux had made the own page read-only: a protection fault
        Assert.Equal("ENOMEM", run.Actual(8));     // madvise(MADV_DONTFORK) of a hole
        Assert.Equal("ok = 0x0", run.Actual(9));
        Assert.Equal("EFAULT", run.Actual(10));
        AssertNoWorkerDied(run);
    }

    [Fact]
    public void Brk_by_more_than_sbrk_can_take_is_not_made_so_the_worker_keeps_its_heap()
    {
        // sbrk((intptr_t)n) with n = 2^64 - 1p would shrink the worker's heap by a page.
        const string scenario = """
            proc A
            A: h = brk 0xfffffffffffff000
            A: touch h
            A: a = mmap 1p rw private|anon
            A: touch a 1p write
            """;
        if (!OperatingSystem.IsLinux() || Build(scenario, "linux", []) is not { } run)
        {
            return;
        }
        Assert.Equal("(not reproducible on this system)", run.Actual(2));
        Assert.Equal("unbound", run.Actual(3));
        Assert.Matches("^ok = 0x[0-9a-f]+$", run.Actual(4));
        Assert.Equal("ok = 0x0", run.Actual(5));
        AssertNoWorkerDied(run);
    }

    /// <summary>
    /// Scenarios whose ranges run past their own mappings on Linux, which places mappings
    /// top-down: c09 and d39 <c>munmap a 2p</c>/<c>3p</c> over the page above <c>a</c>, c20's
    /// <c>minherit a+3p 4p zero</c> would wipe the worker's data in its fork child.
    /// </summary>
    [Theory]
    [InlineData("c09-mmap-placement-merge.scn")]
    [InlineData("d39-merge-wired-neighbours.scn")]
    [InlineData("c20-minherit.scn")]
    public void Conformance_scenario_runs_to_the_end_on_Linux_with_every_process_answering(string file)
    {
        string scenario = File.ReadAllText(Path.Combine(RepoPaths.Conformance, file));
        if (!OperatingSystem.IsLinux() || Build(scenario, "linux", []) is not { } run)
        {
            return;
        }
        ParseResult parsed = ScenarioParser.Parse(file, scenario);
        Assert.True(parsed.Success, parsed.Error?.Render());
        var printed = parsed.Scenario!.Statements.Where(s => s is CallStatement or CheckStatement).Select(s => s.Line);
        Assert.Equal(printed, run.Lines());
        AssertNoWorkerDied(run);
    }

    [Theory]
    [InlineData("munmap a+1p 1p", true)]
    [InlineData("mprotect a 1p r", true)]
    [InlineData("minherit a 1p zero", true)]
    [InlineData("minherit a 1p share", true)]
    [InlineData("mlock a 1p", false)]
    [InlineData("munlock a 1p", false)]
    [InlineData("mlockall current", false)]
    public void Emitted_call_is_guarded_when_it_can_change_the_workers_memory_and_not_for_locking(string call, bool guarded)
    {
        string line = Case(EmitCPrograms.Emit($"proc A\nA: a = mmap 2p rw private|anon\nA: {call}\n", "netbsd"), 3);
        if (guarded)
        {
            // right after the arena address is computed, before the call (minherit: before the
            // #if choosing its form)
            string[] lines = line.Split('\n');
            Assert.StartsWith("\t\tuint64_t at = uvmsim_real((UINT64_C(0) + val[0]", lines[1], StringComparison.Ordinal);
            Assert.StartsWith("\t\tif (uvmsim_range_refused(a, at, ", lines[2], StringComparison.Ordinal);
        }
        else
        {
            // locking changes only whether the worker's pages are wired; the answer is the kernel's
            Assert.DoesNotContain("uvmsim_range_refused", line, StringComparison.Ordinal);
        }
    }

    // ---- helpers ----

    private static void AssertNoWorkerDied(ProgramRun run)
    {
        Assert.DoesNotContain("no answer", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("(process not running)", run.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("# ran to the end\n", run.Stdout, StringComparison.Ordinal);
    }

    /// <summary>The <c>case</c> of <c>uvmsim_do_line</c> that runs scenario line <paramref name="line"/>.</summary>
    private static string Case(string c, int line)
    {
        int start = c.IndexOf($"\tcase {line}: {{", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no case {line}");
        return c[start..c.IndexOf("\n\t}\n", start, StringComparison.Ordinal)];
    }
}
