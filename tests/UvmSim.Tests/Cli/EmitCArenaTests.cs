using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using UvmSim.Map;
using static UvmSim.Tests.Cli.EmitCPrograms;

namespace UvmSim.Tests.Cli;

/// <summary>
/// <c>emit-c</c> and the arena: an emitted program keeps scenario address m at
/// <c>UVMSIM_BASE</c> + m, places mappings without <c>fixed</c> at the model's first fit and
/// prints arena addresses as the model's, so a kernel run reads like <c>uvmsim run --trace</c>;
/// page 0 and addresses near 2^64 keep their value, so range errors stay range errors. Each test
/// that runs a program builds it with gcc (<see cref="EmitCPrograms"/>) and returns early when gcc
/// is not on PATH or the machine is not x86-64 Linux (whose address space the arena is chosen for).
/// </summary>
public partial class EmitCArenaTests
{
    /// <summary>Scenarios whose every mmap and shmat succeeds on Linux as in the model.</summary>
    [Theory]
    [InlineData("c09-mmap-placement-merge.scn")]
    [InlineData("c94-placement-hint.scn")]
    [InlineData("c95-merge-three.scn")]
    [InlineData("c100-mlock-fault-rollback.scn")]
    [InlineData("d11-s14-partial-munmap.scn")]
    public void Mmap_and_shmat_lines_print_the_models_addresses(string file)
    {
        string scenario = File.ReadAllText(Path.Combine(RepoPaths.Conformance, file));
        int[] placed = AddressLines(scenario);
        Assert.NotEmpty(placed);
        RunAgreeing(scenario, placed);
    }

    /// <summary>c09's results on the kernel, line by line: what <c>uvmsim run --trace</c> prints.</summary>
    private static readonly (int Line, string Printed)[] C09 =
    [
        (3, "ok = 0x1000"),    // a: first fit from the map minimum
        (4, "ok = 0x2000"),    // b: right above a
        (6, "ok = 0x0"),       // munmap a 2p: a and b, both the scenario's own
        (7, "ok = 0x10000"),   // at 0x10000: a free hint is used
        (8, "ok = 0x1000"),    // first fit again
        (11, "ok = 0x11000"),
        (13, "ok = 0x2000"),
        (14, "ok = 0x3000"),
    ];

    [Fact]
    public void C09_maps_bottom_up_from_0x1000_as_the_model_does()
    {
        string scenario = File.ReadAllText(Path.Combine(RepoPaths.Conformance, "c09-mmap-placement-merge.scn"));
        if (!OnX64Linux() || Build(scenario, "linux", []) is not { } run)
        {
            return;
        }
        Assert.Equal(C09, C09.Select(l => (l.Line, run.Actual(l.Line))));
    }

    [Fact]
    public void Munmap_past_a_mapping_removes_its_upper_neighbour_too()
    {
        const string scenario = """
            proc A
            A: a = mmap 1p rw private|anon
            A: b = mmap 1p rw private|anon
            A: touch b 1p write
            A: munmap a 2p
            A: touch b                              => EFAULT
            A: mlock b 1p                           => ENOMEM
            A: c = mmap 1p rw private|anon
            A: touch c 1p write
            """;
        if (RunAgreeing(scenario, Enumerable.Range(2, 8)) is not { } run)
        {
            return;
        }
        Assert.Equal(Address(run.Actual(2)) + 0x1000, Address(run.Actual(3)));
        Assert.Equal(("EFAULT", "ENOMEM"), (run.Actual(6), run.Actual(7)));  // b is gone: both pages were unmapped
    }

    /// <summary>
    /// Out-of-range addresses and wrapping lengths (c05, c104): page 0 and addresses near 2^64
    /// keep their value, and the model's top lands above the kernel's, so the kernel's range
    /// checks answer as the model's do.
    /// </summary>
    [Fact]
    public void Out_of_range_addresses_and_wrapping_lengths_get_the_models_errno()
    {
        const string scenario = """
            proc A
            A: a = mmap 1p rw private|anon
            A: mlock 0 1p                           => ENOMEM
            A: touch 0                              => EFAULT
            A: mlock 0x7f7fffffb000 2p              => ENOMEM
            A: munlock 0x7f7fffffb000 2p            => ENOMEM
            A: munmap 0x7f7fffffb000 2p             => EINVAL
            A: touch 0x7f7fffffc000                 => EFAULT
            A: munmap 0xfffffffffffff000 2p         => EINVAL
            A: munmap 0xffffffffffffe000 1p         => EINVAL
            A: munmap a 0xffffffffffffffff          => dual: EINVAL | 0
            A: munmap a-2p 0xffffffffffffffff       => EINVAL
            A: touch a 1p write
            """;
        RunAgreeing(scenario, Enumerable.Range(2, 12));
    }

    [Fact]
    public void NetBsd_program_translates_as_the_Linux_one_and_builds_without_ATF()
    {
        string scenario = File.ReadAllText(Path.Combine(RepoPaths.Conformance, "c09-mmap-placement-merge.scn"));
        string linux = EmitCPrograms.Emit(scenario, "linux"), netbsd = EmitCPrograms.Emit(scenario, "netbsd");
        Assert.Equal(DoLine(linux), DoLine(netbsd));
        AssertContainsAll(netbsd,
            "#define UVMSIM_BASE UINT64_C(0x10000000000)",
            "#define UVMSIM_MAP_MIN UINT64_C(0x1000)",
            "#define UVMSIM_MAP_MAX UINT64_C(0x7f7fffffc000)",
            "uint64_t at = uvmsim_real((UINT64_C(0) + val[0]), uvmsim_raw(0));",
            "void *hint = uvmsim_place((UINT64_C(0) + UINT64_C(65536)), 0, (UINT64_C(0) + UINT64_C(1) * pg));");
        if (!OnX64Linux() || Build(scenario, "netbsd", []) is not { } run)
        {
            return;
        }
        Assert.Equal(C09, C09.Select(l => (l.Line, run.Actual(l.Line))));
    }

    [Fact]
    public void Address_arguments_are_translated_and_lengths_and_ids_are_not()
    {
        string c = DoLine(EmitCPrograms.Emit("""
            proc A
            A: a = mmap 2p rw private|anon
            A: munmap a+1p 0x7f7fffffc000-a
            A: s = shmget private 1p create|0600
            A: shmat s a+1p rnd
            A: touch 0x5000 3
            """, "linux"));
        AssertContainsAll(c,
            "uint64_t at = uvmsim_real((UINT64_C(0) + val[0] + UINT64_C(1) * pg), uvmsim_raw(0));",
            "munmap((void *)(uintptr_t)at, (size_t)(UINT64_C(0) + UINT64_C(140187732525056) - val[0]))",
            "uvmsim_shmat((int)(UINT64_C(0) + val[1]), (UINT64_C(0) + val[0] + UINT64_C(1) * pg), uvmsim_raw(0), SHM_RND);",
            "uint64_t at = uvmsim_real((UINT64_C(0) + UINT64_C(20480)), 0);",
            "uvmsim_touch(at, (UINT64_C(0) + UINT64_C(3)), 0)");
    }

    [Fact]
    public void Another_base_gives_the_same_output()
    {
        // 3 TiB: also free in a fresh x86-64 Linux process; the printed addresses are the model's.
        string scenario = File.ReadAllText(Path.Combine(RepoPaths.Conformance, "c94-placement-hint.scn"));
        if (!OnX64Linux() || Build(scenario, "linux", ["-DUVMSIM_BASE=UINT64_C(0x30000000000)"]) is not { } moved
            || Build(scenario, "linux", []) is not { } run)
        {
            return;
        }
        Assert.Equal(run.Stdout, moved.Stdout);
        Assert.Equal("ok = 0x100000", moved.Actual(3));
    }

    [Fact]
    public void Brk_addresses_print_and_are_used_as_the_kernels()
    {
        // brk's heap is the kernel's, not in the arena: a hint relative to it is passed as it is
        // and the mapping made there prints as it is.
        const string scenario = """
            proc A
            A: h = brk 2p
            A: touch h 2p write
            A: m = mmap 1p rw private|anon at h+16p
            A: touch m 1p write
            """;
        if (!OnX64Linux() || Build(scenario, "linux", []) is not { } run)
        {
            return;
        }
        ulong h = Address(run.Actual(2)), m = Address(run.Actual(4));
        Assert.Equal("ok = 0x0", run.Actual(3));
        Assert.InRange(m, h + 0x10000, h + 0x11000);  // Linux rounds an unaligned hint up
        Assert.Equal("ok = 0x0", run.Actual(5));
    }

    /// <summary>
    /// The runtime's rules, called directly (the program's main replaced): <c>uvmsim_real</c> at
    /// the edges of what it translates, <c>uvmsim_ok_address</c>'s printing and kinds, and
    /// <c>uvmsim_place</c> against the model's own <see cref="VmMap.FindSpace"/> over the same
    /// ranges, for seeded random layouts, hints and lengths.
    /// </summary>
    [Fact]
    public void Runtime_translates_prints_and_places_as_the_model()
    {
        const ulong Base = 0x10000000000, Min = VmMap.DefaultMin, Max = VmMap.DefaultMax;
        var c = new StringBuilder("int main(void)\n{\n\tstruct uvmsim_ack a;\n\tvoid *p;\n\n");
        var expected = new List<string>();

        void Real(ulong m, int raw, ulong real)
        {
            c.Append(CultureInfo.InvariantCulture, $"\tprintf(\"real %\" PRIx64 \"\\n\", uvmsim_real(UINT64_C({m}), {raw}));\n");
            expected.Add($"real {real:x}");
        }
        Real(0, 0, 0);                                  // page 0: out of range in the model and the kernel
        Real(Min - 1, 0, Min - 1);
        Real(Min, 0, Base + Min);
        Real(Max, 0, Base + Max);                       // the model's top: above the kernel's
        Real(ulong.MaxValue - Base, 0, ulong.MaxValue);
        Real(ulong.MaxValue - Base + 1, 0, ulong.MaxValue - Base + 1);  // would wrap: kept
        Real(0xfffffffffffff000, 0, 0xfffffffffffff000);
        Real(Min, 1, Min);                              // from brk's heap: already real

        void Result(ulong real, int raw, string printed)
        {
            c.Append(CultureInfo.InvariantCulture, $"\tuvmsim_ok_address(&a, UINT64_C({real}), {raw});\n");
            c.Append("\tprintf(\"result %s %\" PRIx64 \"\\n\", a.vkind == B_ADDR ? \"model\" : a.vkind == B_RAW ? \"raw\" : \"?\", a.value);\n");
            expected.Add($"result {printed}");
        }
        Result(Base + Min, 0, "model 1000");
        Result(Base + Max - 0x1000, 0, $"model {Max - 0x1000:x}");
        Result(Base + Min, 1, $"raw {Base + Min:x}");  // asked for at a raw address: stays raw
        Result(Base + Min - 1, 0, $"raw {Base + Min - 1:x}");
        Result(Base + Max, 0, $"raw {Base + Max:x}");
        Result(0x5000, 0, "raw 5000");

        var random = new Random(20240917);
        for (int i = 0; i < 300; i++)
        {
            var map = new VmMap(0x1000);
            c.Append("\n\tnown = 0;\n");
            for (ulong at = Min + (ulong)random.Next(0, 3) * 0x1000; random.Next(0, 4) != 0;)
            {
                ulong start = at + (ulong)random.Next(0, 3) * 0x1000, end = start + (ulong)random.Next(1, 4) * 0x1000;
                map.Insert(new MapEntry(start, end));
                c.Append(CultureInfo.InvariantCulture, $"\tuvmsim_own_add(UVMSIM_BASE + UINT64_C({start}), UVMSIM_BASE + UINT64_C({end}));\n");
                at = end;
            }
            ulong hint = random.Next(0, 6) switch
            {
                0 => 0,
                1 => Max - 0x1000,
                2 => ulong.MaxValue - 0xfff,
                _ => (ulong)random.Next(0, 0x14000),
            };
            ulong length = (ulong)random.Next(1, 0x5000);
            ulong model = map.FindSpace((length + 0xfff) & ~0xfffUL, hint) ?? 0;
            c.Append(CultureInfo.InvariantCulture, $"\tp = uvmsim_place(UINT64_C({hint}), 0, UINT64_C({length}));\n");
            c.Append("\tprintf(\"place %\" PRIx64 \"\\n\", p == NULL ? 0 : (uint64_t)(uintptr_t)p - UVMSIM_BASE);\n");
            expected.Add($"place {model:x}");
        }
        c.Append("\treturn 0;\n}\n");
        if (Build("proc A\nA: a = mmap 1p rw private|anon\n", "linux", [], c.ToString()) is not { } run)
        {
            return;
        }
        Assert.Equal(expected, run.Stdout.TrimEnd('\n').Split('\n'));
    }

    // ---- helpers ----

    /// <summary>
    /// Builds and runs <paramref name="scenario"/> for Linux and asserts that each of
    /// <paramref name="lines"/> prints what the model prints; null (nothing asserted) where the
    /// program cannot be built or the arena is not known to be free.
    /// </summary>
    private static ProgramRun? RunAgreeing(string scenario, IEnumerable<int> lines)
    {
        if (!OnX64Linux() || Build(scenario, "linux", []) is not { } run)
        {
            return null;
        }
        ProgramRun model = Model(scenario);
        foreach (int line in lines)
        {
            Assert.Equal((line, model.Actual(line)), (line, run.Actual(line)));
        }
        return run;
    }

    private static void AssertContainsAll(string text, params string[] parts)
    {
        foreach (string part in parts)
        {
            Assert.Contains(part, text, StringComparison.Ordinal);
        }
    }

    /// <summary>What the model prints for each line of <paramref name="scenario"/> (<c>uvmsim run --policy dual --trace</c>).</summary>
    private static ProgramRun Model(string scenario)
    {
        string dir = Directory.CreateTempSubdirectory("uvmsim-model-").FullName;
        try
        {
            string scn = Path.Combine(dir, "s.scn");
            File.WriteAllText(scn, scenario);
            var cli = new CliHarness();
            cli.Run("run", scn, "--policy", "dual", "--trace");
            // "  LINE: TEXT  => RESULT  [pass, expected E]": the result, as an emitted program prints it
            return new ProgramRun(Verdict().Replace(cli.Out.Output.Replace("\r\n", "\n", StringComparison.Ordinal), ""));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The lines of <paramref name="scenario"/> that bind an mmap or shmat result.</summary>
    private static int[] AddressLines(string scenario) =>
        scenario.Split('\n')
            .Select((text, i) => (text, line: i + 1))
            .Where(l => BindsAddress().IsMatch(l.text))
            .Select(l => l.line)
            .ToArray();

    /// <summary>The text of <c>uvmsim_do_line</c>, the per-line code, from an emitted program.</summary>
    private static string DoLine(string c)
    {
        int start = c.IndexOf("static void uvmsim_do_line(int line, struct uvmsim_ack *a)\n{", StringComparison.Ordinal);
        Assert.True(start >= 0, "no uvmsim_do_line");
        return c[start..c.IndexOf("\n}\n", start, StringComparison.Ordinal)];
    }

    [GeneratedRegex(@"  \[[^\]\n]*\]$", RegexOptions.Multiline)]
    private static partial Regex Verdict();

    [GeneratedRegex(@"^\w+: \w+ = (mmap|shmat) ")]
    private static partial Regex BindsAddress();
}
