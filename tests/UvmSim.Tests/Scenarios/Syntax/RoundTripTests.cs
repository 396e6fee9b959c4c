using CsCheck;
using UvmSim.Scenarios.Syntax;
using Check = UvmSim.Scenarios.Syntax.Check;
using static UvmSim.Tests.Scenarios.Syntax.ParseHelpers;

namespace UvmSim.Tests.Scenarios.Syntax;

public class RoundTripTests
{
    private static void AssertRoundTrips(Scenario scenario)
    {
        string printed = ScenarioPrinter.Print(scenario);
        var reparsed = ScenarioParser.Parse(scenario.FileName, printed);
        Assert.True(reparsed.Success, reparsed.Error?.Render() + "\n--- printed:\n" + printed);
        Assert.Equal(scenario, reparsed.Scenario);
        Assert.Equal(printed, ScenarioPrinter.Print(reparsed.Scenario));
    }

    [Fact]
    public void Spec_example_round_trips()
    {
        var scenario = Ok(ScenarioParserTests.SpecExample);
        AssertRoundTrips(scenario);
        Assert.Equal("""
            machine pages=4096
            proc A
            A: seg = shmget private 4p create|0600
            A: p = shmat seg
            A: shmctl seg SHM_LOCK => 0
            A: munlock p 4p => netbsd-9: ENOMEM | 0
            A: shmctl seg SHM_UNLOCK => netbsd-8: EIO | 0
            A: shmctl seg SHM_UNLOCK => netbsd-8: panic "pg->wire_count != 0" | 0
            check wired == 0
            A: check pw p..4p == 0
            check audit == netbsd-8: dirty | clean

            """, ScenarioPrinter.Print(scenario));
    }

    [Theory]
    [MemberData(nameof(ScenarioParserTests.Calls), MemberType = typeof(ScenarioParserTests))]
    public void Every_call_form_round_trips(string line, Call call)
    {
        _ = call;
        AssertRoundTrips(Ok(Header + line + "\n"));
    }

    [Theory]
    [MemberData(nameof(ScenarioParserTests.Checks), MemberType = typeof(ScenarioParserTests))]
    public void Every_check_form_round_trips(string line, Check check)
    {
        _ = check;
        AssertRoundTrips(Ok(Header + line + "\n"));
    }

    [Fact]
    public void Equality_ignores_positions_but_not_content()
    {
        var one = Ok("proc A\nA: brk 1p\n");
        var two = Ok("# moved\nproc A\n\n   A: brk   1p   # same\n");
        Assert.Equal(one, two);
        Assert.NotEqual(one, Ok("proc A\nA: brk 2p\n"));
        Assert.NotEqual(one, Ok("proc A\nA: brk 4096\n"));
    }

    [Fact]
    public void Generated_scenarios_parse_and_round_trip() =>
        ScenarioGen.Scenario.Sample(text =>
        {
            var result = ScenarioParser.Parse("gen.scn", text);
            Assert.True(result.Success, result.Error?.Render() + "\n--- input:\n" + text);
            AssertRoundTrips(result.Scenario);
        }, iter: 2000);
}
