using UvmSim.Kernel;
using UvmSim.Policies;
using UvmSim.Scenarios.Syntax;
using static UvmSim.Tests.Scenarios.Syntax.ParseHelpers;

namespace UvmSim.Tests.Scenarios.Syntax;

public class OutcomeTests
{
    private static Expectation? Expect(string outcome) =>
        Assert.IsType<CallStatement>(Last("A: mlock a 1p" + outcome)).Expect;

    [Fact]
    public void Without_an_arrow_there_is_no_expectation() => Assert.Null(Expect(""));

    [Theory]
    [InlineData("0")]
    [InlineData("ok")]
    public void Zero_and_ok_are_synonyms(string word) =>
        Assert.Equal(Expectation.Always(Outcome.Ok), Expect(" => " + word));

    [Fact]
    public void Every_errno_name_is_an_outcome()
    {
        foreach (var errno in Enum.GetValues<Errno>().Where(e => e != Errno.None))
        {
            Assert.Equal(Expectation.Always(Outcome.Error(errno)), Expect($" => {errno}"));
        }
    }

    [Fact]
    public void Panic_dead_and_unbound()
    {
        Assert.Equal(Expectation.Always(Outcome.Panic("pg->wire_count != 0")), Expect(" => panic \"pg->wire_count != 0\""));
        Assert.Equal(Expectation.Always(Outcome.Dead), Expect(" => dead"));
        Assert.Equal(Expectation.Always(Outcome.Unbound), Expect(" => unbound"));
    }

    private static Policy P(string preset) => Policy.FromPreset(preset)!;

    [Fact]
    public void Alternatives_with_a_default()
    {
        var expect = Expect(" => netbsd-8: EIO | 0")!;
        Assert.Equal(new Expectation([new(["netbsd-8"], Outcome.Error(Errno.EIO))], Outcome.Ok), expect);
        Assert.Equal(Outcome.Error(Errno.EIO), expect.For(P("netbsd-8")));
        Assert.Equal(Outcome.Ok, expect.For(P("dual")));
    }

    [Fact]
    public void Alternatives_naming_several_presets()
    {
        var expect = Expect(" => netbsd-8,thorpej-2019: panic \"x\" | ok")!;
        Assert.Equal(new Expectation([new(["netbsd-8", "thorpej-2019"], Outcome.Panic("x"))], Outcome.Ok), expect);
        Assert.Equal(Outcome.Panic("x"), expect.For(P("thorpej-2019")));
        Assert.Equal(Outcome.Ok, expect.For(P("netbsd-9")));
    }

    [Fact]
    public void Without_a_default_unnamed_presets_get_null()
    {
        var expect = Expect(" => netbsd-9: ENOMEM | dual: dead")!;
        Assert.Null(expect.Default);
        Assert.Equal(Outcome.Dead, expect.For(P("dual")));
        Assert.Null(expect.For(P("netbsd-8")));
    }

    [Fact]
    public void Switch_conditions_read_the_run_s_switch_values()
    {
        var expect = Expect(" => sysv=segment,object: 0 | wiring=split: EIO | ENOMEM")!;
        Assert.Equal(new Expectation(
            [new(new SwitchCondition("sysv", ["segment", "object"]), Outcome.Ok), new(new SwitchCondition("wiring", ["split"]), Outcome.Error(Errno.EIO))],
            Outcome.Error(Errno.ENOMEM)), expect);
        Assert.Equal(Outcome.Ok, expect.For(P("dual")));
        Assert.Equal(Outcome.Ok, expect.For(P("netbsd-9")));
        Assert.Equal(Outcome.Error(Errno.EIO), expect.For(P("thorpej-2019")));
        Assert.Equal(Outcome.Error(Errno.ENOMEM), expect.For(P("netbsd-8")));
        // An override counts, whatever the preset: the first condition that holds wins.
        Assert.Equal(Outcome.Error(Errno.EIO), expect.For(P("dual").With("sysv", "legacy", out _)!));
        Assert.Equal(Outcome.Ok, expect.For(P("netbsd-8").With("sysv", "object", out _)!));
    }

    [Fact]
    public void Preset_conditions_match_the_base_preset_and_mix_with_switch_conditions()
    {
        var expect = Expect(" => netbsd-8: EIO | transient=held: EAGAIN | 0")!;
        Assert.Equal(Outcome.Error(Errno.EIO), expect.For(P("netbsd-8").With("transient", "held", out _)!));
        Assert.Equal(Outcome.Error(Errno.EAGAIN), expect.For(P("netbsd-9").With("transient", "held", out _)!));
        Assert.Equal(Outcome.Ok, expect.For(P("dual").With("transient", "address", out _)!));
        Assert.Equal(Outcome.Error(Errno.EAGAIN), expect.For(P("dual") with { Preset = "dual-copy" }));
    }

    [Fact]
    public void Switch_conditions_take_blanks_and_round_trip()
    {
        Assert.Equal(Expect(" => sysv=segment,object: 0 | EIO"), Expect(" => sysv=segment , object : 0|EIO"));
        var check = Assert.IsType<WiredCheck>(LastCheck("check wired == wiring=split: 3 | netbsd-9: 2 | 1"));
        Assert.Equal(3L, (long)Assert.IsType<NumberValue>(check.Expected.For(P("dual"))).Value.Evaluate(_ => 0, 4096));
        Assert.Equal(2L, (long)Assert.IsType<NumberValue>(check.Expected.For(P("netbsd-9"))).Value.Evaluate(_ => 0, 4096));
    }

    [Fact]
    public void Blanks_around_alternative_punctuation_are_optional()
    {
        Assert.Equal(Expect(" => netbsd-8: EIO | 0"), Expect(" => netbsd-8:EIO|0"));
        Assert.Equal(Expect(" => netbsd-8,dual: EIO | 0"), Expect(" => netbsd-8 , dual : EIO | 0"));
    }

    [Fact]
    public void Check_right_hand_sides_take_alternatives()
    {
        var check = Assert.IsType<AuditCheck>(LastCheck("check audit == netbsd-8: dirty | clean"));
        Assert.Equal(new WordValue(CheckWord.Dirty), check.Expected.For(P("netbsd-8")));
        Assert.Equal(new WordValue(CheckWord.Clean), check.Expected.For(P("dual")));
        var wired = Assert.IsType<WiredCheck>(LastCheck("check wired == netbsd-8: -1 | dual: a+1p"));
        Assert.Null(wired.Expected.For(P("netbsd-9")));
        var minusOne = Assert.IsType<NumberValue>(wired.Expected.For(P("netbsd-8")));
        Assert.Equal(-1L, (long)minusOne.Value.Evaluate(_ => 0, 4096));
    }

    [Fact]
    public void Comparisons_hold_as_written()
    {
        Assert.True(Comparison.LessOrEqual.Holds(3L, 3L));
        Assert.False(Comparison.Less.Holds(3L, 3L));
        Assert.True(Comparison.NotEqual.Holds(-1L, 0L));
        Assert.True(Comparison.GreaterOrEqual.Holds(5L, -5L));
    }
}
