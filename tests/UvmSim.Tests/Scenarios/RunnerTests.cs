using UvmSim.Policies;
using UvmSim.Scenarios.Running;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Tests.Scenarios;

/// <summary>The runner's rules of SPEC §12.6: dead, unbound, exited processes, panics.</summary>
public class RunnerTests
{
    private const string S9 = """
        proc A
        A: seg = shmget private 4p create|0600
        A: p = shmat seg
        A: shmctl seg SHM_LOCK
        A: munlock p 4p
        A: shmctl seg SHM_UNLOCK => EIO
        A: shmctl seg SHM_UNLOCK => panic "pg->wire_count != 0"

        """;

    private static RunResult Run(string text, string preset = PresetNames.NetBsd8)
    {
        ParseResult parsed = ScenarioParser.Parse("t.scn", text);
        Assert.True(parsed.Success, parsed.Error?.Render());
        return new ScenarioRunner(parsed.Scenario!, Policy.FromPreset(preset)!).Run();
    }

    private static LineResult Line(RunResult r, int line) => r.Lines.Single(l => l.Line == line);

    [Fact]
    public void After_a_panic_calls_are_dead_and_neither_pass_nor_fail()
    {
        RunResult r = Run(S9 + "A: mlock p 4p\nA: munlock p 4p => dead\n");
        Assert.Equal((7, "kernel diagnostic assertion \"pg->wire_count != 0\" failed: file \"uvm_page.c\""), r.Panic);
        Assert.Equal(("dead", LineStatus.Skipped), (Line(r, 8).Actual, Line(r, 8).Status));
        Assert.Equal(LineStatus.Pass, Line(r, 9).Status);
        Assert.True(r.Passed);
        Assert.Equal(RunOutcome.Panic, r.Outcome);
    }

    [Fact]
    public void After_a_panic_a_line_using_a_name_left_unbound_is_dead_not_unbound()
    {
        RunResult r = Run(S9.Replace("A: shmctl seg SHM_UNLOCK => panic", "A: x = shmctl seg SHM_UNLOCK => panic") + "A: munlock x 4p\n");
        Assert.Equal("dead", Line(r, 8).Actual);
    }

    [Fact]
    public void Checks_after_a_panic_read_the_state_the_kernel_died_in()
    {
        RunResult r = Run(S9 + "check wired == 0\ncheck segment seg locked == yes\n");
        Assert.All(r.Lines.Where(l => l.Line >= 8), l => Assert.Equal(LineStatus.Pass, l.Status));
    }

    [Fact]
    public void An_unexpected_panic_fails_its_line()
    {
        RunResult r = Run(S9.Replace(" => panic \"pg->wire_count != 0\"", ""));
        Assert.Equal(LineStatus.Fail, Line(r, 7).Status);
        Assert.False(r.Passed);
    }

    [Fact]
    public void A_failed_call_leaves_its_name_unbound_and_later_uses_report_unbound()
    {
        RunResult r = Run("proc A\nA: a = mmap 0 rw private|anon => EINVAL\nA: mlock a 1p => unbound\nA: munlock a 1p\n", PresetNames.Dual);
        Assert.Equal(("unbound", LineStatus.Pass), (Line(r, 3).Actual, Line(r, 3).Status));
        Assert.Equal(("unbound", LineStatus.Fail), (Line(r, 4).Actual, Line(r, 4).Status));
    }

    [Fact]
    public void A_line_naming_an_exited_process_fails()
    {
        RunResult r = Run("proc A\nA: fork B\nB: exit\nB: a = mmap 1p rw private|anon\n", PresetNames.Dual);
        Assert.Equal(LineStatus.Fail, Line(r, 4).Status);
        Assert.NotNull(Line(r, 4).Error);
    }

    [Fact]
    public void Alternatives_pick_the_base_preset_else_the_default()
    {
        const string text = "proc A\nA: a = mmap 1p rw private|anon\nA: munlock a 1p => dual: 0 | ENOMEM\n";
        Assert.True(Run(text, PresetNames.Dual).Passed);
        Assert.True(Run(text, PresetNames.NetBsd9).Passed);
        Assert.False(Run(text.Replace("dual: 0 | ENOMEM", "0"), PresetNames.NetBsd9).Passed);
    }

    [Fact]
    public void Audit_finds_takes_per_policy_alternatives_and_round_trips()
    {
        const string text = "proc A\nA: seg = shmget private 4p create|0600\nA: p = shmat seg\nA: shmctl seg SHM_LOCK\nA: munmap p 4p\n"
            + "A: shmctl seg SHM_UNLOCK => netbsd-8,thorpej-2019: EIO | 0\n"
            + "check audit finds netbsd-8: \"segment:\" | thorpej-2019: \"lost-lock:\"\n";
        foreach (string preset in PresetNames.All)
        {
            RunResult r = Run(text, preset);
            Assert.True(r.Passed, preset);
            Assert.Equal(preset is PresetNames.NetBsd8 or PresetNames.Thorpej2019 ? LineStatus.Pass : LineStatus.Skipped, Line(r, 7).Status);
        }
        Scenario parsed = ScenarioParser.Parse("t.scn", text).Scenario!;
        Assert.Equal(parsed, ScenarioParser.Parse("t.scn", ScenarioPrinter.Print(parsed)).Scenario);
    }
}
