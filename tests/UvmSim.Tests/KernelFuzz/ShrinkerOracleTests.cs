using UvmSim.Exploration.Shrinking;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Tests.KernelFuzz;

/// <summary><see cref="Shrinker"/> with an oracle of the caller's (the host, for <c>kernel --fuzz</c>): the same algorithm, another judge.</summary>
public class ShrinkerOracleTests
{
    private static Scenario Parse(string text) => ScenarioParser.Parse("t.scn", text).Scenario!;

    private const string Long = """
        proc A
        proc B uid=65534 gid=65534
        A: m0 = mmap 8p rw private|anon
        B: m1 = mmap 4p rw private|anon
        A: touch m0 3p write
        B: mlock m1 2p
        A: mlock m0+2p 3p
        A: s2 = shmget private 2p create|0600
        B: munlock m1 1p
        A: mprotect m0 1p r
        A: munlock m0+2p 6p
        A: shmctl s2 SHM_LOCK
        B: munlockall
        """;

    /// <summary>"Fails" when A munlocks a range of more than one page that A locked before: a stand-in for a kernel difference.</summary>
    private static string? Oracle(Scenario s)
    {
        var calls = s.Statements.OfType<CallStatement>().ToList();
        bool locked = calls.Any(c => c.Proc == "A" && c.Call is MlockCall);
        return calls.Any(c => locked && c.Proc == "A" && c.Call is MunlockCall m && m.Length.Evaluate(_ => 0, 4096) > 4096)
            ? "munlock: model ENOMEM, kernel ok" : null;
    }

    [Fact]
    public void Shrinks_to_the_lines_the_oracle_needs_with_simpler_arguments()
    {
        var shrinker = new Shrinker(Oracle);
        Scenario shrunk = shrinker.Shrink(Parse(Long))!;
        Assert.Equal(
            """
            proc A
            A: m0 = mmap 1p rw private|anon
            A: mlock m0 1p
            A: munlock m0 6p

            """.ReplaceLineEndings("\n"),
            ScenarioPrinter.Print(shrunk));
        Assert.True(shrinker.Runs > 1);
        Assert.Equal("munlock: model ENOMEM, kernel ok", Oracle(shrunk));
    }

    [Fact]
    public void A_scenario_the_oracle_passes_is_not_shrunk()
    {
        var shrinker = new Shrinker(_ => null);
        Assert.Null(shrinker.Shrink(Parse(Long)));
        Assert.Equal(1, shrinker.Runs);
    }

    [Fact]
    public void Another_failure_signature_does_not_count_as_the_same_failure()
    {
        // Fails one way with B's lines, another way without them: B's lines must stay.
        static string? TwoWays(Scenario s) =>
            s.Statements.OfType<CallStatement>().Any(c => c.Proc == "B") ? "one" : "two";
        Scenario shrunk = new Shrinker(TwoWays).Shrink(Parse(Long))!;
        Assert.Contains(shrunk.Statements, st => st is CallStatement { Proc: "B" });
        Assert.Equal("one", TwoWays(shrunk));
    }

    [Fact]
    public void The_oracle_result_keeps_no_model_outcomes()
    {
        Scenario shrunk = new Shrinker(Oracle).Shrink(Parse(Long))!;
        Assert.All(shrunk.Statements.OfType<CallStatement>(), c => Assert.Null(c.Expect));
        Assert.DoesNotContain(shrunk.Statements, st => st is CheckStatement);
    }
}
