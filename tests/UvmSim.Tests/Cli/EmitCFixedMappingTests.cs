using System.Text.RegularExpressions;
using static UvmSim.Tests.Cli.EmitCPrograms;

namespace UvmSim.Tests.Cli;

/// <summary>
/// <c>emit-c</c> and <c>fixed</c> mappings: the emitted program never lets a <c>fixed</c> mmap
/// replace memory its scenario did not map (the worker's code, libraries, stack), and still makes
/// the ones that replace the scenario's own mappings or free space. Each test emits through the
/// CLI, builds with <c>gcc -std=c99 -Wall -Werror</c> and runs the program (<see cref="EmitCPrograms"/>);
/// it returns early (and passes) when gcc is not on PATH, as the other compiling tests do.
/// </summary>
public class EmitCFixedMappingTests
{
    /// <summary>
    /// Model address 0x10000 up to 0x7ffffffff000 in the kernel, the top of x86-64 Linux's 47-bit
    /// user address space: the arena (1 TiB up) and everything above it, so certainly the
    /// worker's libraries and stack. PROT_NONE, so that without the check the kernel really makes
    /// it (no commit charge) and the worker dies.
    /// </summary>
    private const string OverWorker = """
        proc A
        A: a = mmap 1p rw private|anon
        A: x = mmap 0x7efffffef000 none private|anon|fixed at 0x10000
        A: munmap x 1p                          => unbound
        A: b = mmap 1p rw private|anon
        A: touch b 1p write
        A: fork B
        B: touch a 1p write
        """;

    [Theory]
    [InlineData("linux")]
    [InlineData("netbsd")]
    public void Fixed_mapping_over_the_workers_own_memory_is_not_made_and_later_lines_still_run(string target)
    {
        if (!OnX64Linux() || Build(OverWorker, target, []) is not { } run)
        {
            return;
        }
        AssertOverWorkerRefused(run);
    }

    [Theory]
    [InlineData("linux")]
    [InlineData("netbsd")]
    public void Without_an_exact_probe_flag_the_workers_memory_is_still_found_by_halving_and_page_probes(string target)
    {
        // UVMSIM_MAP_PROBE=0: a plain hint, as a kernel with neither MAP_FIXED_NOREPLACE nor
        // MAP_TRYFIXED; a probe then never says "occupied", only "free" or "cannot tell".
        if (!OnX64Linux() || Build(OverWorker, target, ["-DUVMSIM_MAP_PROBE=0"]) is not { } run)
        {
            return;
        }
        AssertOverWorkerRefused(run);
    }

    [Fact]
    public void Fixed_mapping_over_the_scenarios_own_mapping_is_made_with_the_real_result()
    {
        // c10: n = mmap 1p rw private|anon|fixed at a (line 7) over a's first page (line 3).
        string scenario = File.ReadAllText(Path.Combine(RepoPaths.Conformance, "c10-mmap-fixed-replaces-wired.scn"));
        if (Build(scenario, "linux", []) is not { } run)
        {
            return;
        }
        Assert.Matches("^ok = 0x[0-9a-f]+$", run.Actual(3));
        Assert.Equal(run.Actual(3), run.Actual(7));
        Assert.Equal("ok = 0x0", run.Actual(17));  // munlock a+1p 1p: the rest of a is still there
    }

    [Fact]
    public void Own_ranges_follow_munmap_shmat_shmdt_brk_and_fork()
    {
        const string scenario = """
            proc A
            A: a = mmap 4p rw private|anon
            A: munmap a 4p
            A: f = mmap 2p rw private|anon|fixed at a+1p
            A: touch f 2p write
            A: seg = shmget private 2p create|0600
            A: p = shmat seg
            A: q = mmap 1p rw private|anon|fixed at p+1p
            A: shmdt p
            A: mmap 1p rw private|anon|fixed at p+1p
            A: h = brk 2p
            A: mmap 1p rw private|anon|fixed at h
            A: fork B
            B: mmap 1p rw private|anon|fixed at f+1p
            B: touch f+1p 1p write
            """;
        if (Build(scenario, "linux", []) is not { } run)
        {
            return;
        }
        Assert.Equal(Address(run.Actual(2)) + 0x1000, Address(run.Actual(4)));  // a free range: probed, then made
        Assert.Equal("ok = 0x0", run.Actual(5));
        Assert.Equal(Address(run.Actual(7)) + 0x1000, Address(run.Actual(8)));  // over the segment's second page
        Assert.Equal("ok = 0x0", run.Actual(9));
        Assert.Equal(run.Actual(8), run.Actual(10));  // q's page outlives Linux's shmdt, so it is still the scenario's
        Assert.Matches("^(ok = 0x[0-9a-f]+|EINVAL)$", run.Actual(12));  // EINVAL: an unaligned break
        Assert.Equal(Address(run.Actual(4)) + 0x1000, Address(run.Actual(14)));  // inherited by the fork child
        Assert.Equal("ok = 0x0", run.Actual(15));
    }

    [Fact]
    public void A_hole_left_undecided_is_not_mapped_over_and_binds_nothing()
    {
        // UVMSIM_PROBE_BUDGET=0: no hole can be decided, so only the scenario's own pages may be replaced.
        const string scenario = """
            proc A
            A: a = mmap 4p rw private|anon
            A: b = mmap 2p rw private|anon|fixed at a+1p
            A: c = mmap 2p rw private|anon|fixed at a+3p
            A: touch c                              => unbound
            A: touch b 2p write
            """;
        if (Build(scenario, "linux", ["-DUVMSIM_PROBE_BUDGET=0"]) is not { } run)
        {
            return;
        }
        Assert.Equal(Address(run.Actual(2)) + 0x1000, Address(run.Actual(3)));
        Assert.Equal(Unchecked, run.Actual(4));
        Assert.Equal("unbound", run.Actual(5));
        Assert.Equal("ok = 0x0", run.Actual(6));
    }

    [Fact]
    public void Emitted_fixed_mmap_is_guarded_and_a_plain_one_is_not()
    {
        string c = EmitCPrograms.Emit("proc A\nA: a = mmap 1p rw private|anon\nA: mmap 1p rw shared|fixed at a file f 1p\n", "linux", "file f 2p\n");
        Assert.Contains("uint64_t at = uvmsim_real((UINT64_C(0) + val[0]), uvmsim_raw(0));", c, StringComparison.Ordinal);
        Assert.Contains("if (uvmsim_fixed_refused(a, at, (UINT64_C(0) + UINT64_C(1) * pg), (UINT64_C(0) + UINT64_C(1) * pg))) break;", c, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(c, @"uvmsim_fixed_refused\(a,"));
    }

    // ---- helpers ----

    private static void AssertOverWorkerRefused(ProgramRun run)
    {
        Assert.Equal(Overlaps, run.Actual(3));
        Assert.Equal("unbound", run.Actual(4));
        Assert.Matches("^ok = 0x[0-9a-f]+$", run.Actual(5));
        Assert.Equal("ok = 0x0", run.Actual(6));
        Assert.Matches("^ok = 0x[0-9a-f]+$", run.Actual(7));
        Assert.Equal("ok = 0x0", run.Actual(8));
        Assert.DoesNotContain("no answer", run.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("# ran to the end\n", run.Stdout, StringComparison.Ordinal);
    }
}
