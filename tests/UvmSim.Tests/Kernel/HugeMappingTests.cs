using UvmSim.Policies;
using UvmSim.Scenarios.Running;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Tests.Kernel;

/// <summary>
/// A 64 TiB mapping is valid input: every call on it must cost what the mapping holds, not
/// what it spans (sparse amaps, objects and page tables; walks that skip empty stretches).
/// The timeout only guards against a walk over 2^34 pages; nothing here measures speed.
/// </summary>
public class HugeMappingTests
{
    private const string Scenario = """
        proc A
        A: a = mmap 65536g rw private|anon
        A: touch a+60000g 1 write
        A: fork B
        A: mlock a+1p 0
        A: check entries == netbsd-8: 2 | 1
        A: munlock a+1p 65536g-1p      => netbsd-8: panic "pg->wire_count != 0" | dual: 0 | ENOMEM
        A: mprotect a 65536g r         => netbsd-8: dead | 0
        A: minherit a 65536g share     => netbsd-8: dead | 0
        A: touch a+1p 1 write          => netbsd-8: dead | EACCES
        B: touch a+60000g 1 write      => netbsd-8: dead | 0
        B: munmap a 65536g             => netbsd-8: dead | 0
        A: exit                        => netbsd-8: dead | 0
        check wired == 0
        check audit == clean

        """;

    [Theory(Timeout = 60_000)]
    [InlineData(PresetNames.NetBsd8)]
    [InlineData(PresetNames.Thorpej2019)]
    [InlineData(PresetNames.NetBsd9)]
    [InlineData(PresetNames.Dual)]
    public async Task Calls_on_a_64_TiB_mapping_cost_what_it_holds(string preset)
    {
        ParseResult parsed = ScenarioParser.Parse("huge.scn", Scenario);
        Assert.True(parsed.Success, parsed.Error?.Render());
        RunResult r = await Task.Run(() => new ScenarioRunner(parsed.Scenario!, Policy.FromPreset(preset)!).Run(), TestContext.Current.CancellationToken);
        var failures = r.Lines.Where(l => l.Status == LineStatus.Fail).Select(l => $"{l.Line}: expected {l.Expected}, got {l.Actual} {l.Error}");
        Assert.True(r.Passed, string.Join("\n", failures));
    }
}
