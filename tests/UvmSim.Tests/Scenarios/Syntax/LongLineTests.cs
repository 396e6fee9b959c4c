using System.Text;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Tests.Scenarios.Syntax;

/// <summary>
/// Long lines parse to the right result and the right columns (issue 12). How long they take is
/// measured in bench/UvmSim.Bench/ParserBench.cs, not here.
/// </summary>
public class LongLineTests
{
    private const string Prelude = "proc A\nA: p = mmap 1p rw private|anon\n";

    [Fact]
    public void A_1_MB_expression_parses_with_every_term()
    {
        int terms = 500_000;
        string line = "A: mlock p " + "1" + string.Concat(Enumerable.Repeat("+1", terms - 1));
        ParseResult result = ScenarioParser.Parse("long.scn", Encoding.ASCII.GetBytes(Prelude + line + "\n"));
        Assert.True(result.Success, result.Error?.Message);
        var mlock = Assert.IsType<MlockCall>(((CallStatement)result.Scenario.Statements[2]).Call);
        Assert.Equal(terms, mlock.Length.Terms.Count);
    }

    [Fact]
    public void An_error_at_the_end_of_a_long_expression_has_its_column()
    {
        string expression = "1" + string.Concat(Enumerable.Repeat("+1", 200_000)) + "+zz";
        ParseResult result = ScenarioParser.Parse("long.scn", Prelude + $"A: mlock p {expression} => 0\n");
        Assert.False(result.Success);
        Assert.Equal(3, result.Error.Line);
        Assert.Equal("A: mlock p ".Length + expression.Length - 1, result.Error.Column);
        Assert.Contains("unknown name 'zz'", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Columns_after_surrogate_pairs_in_a_long_flag_set_count_scalars()
    {
        string flags = "create" + string.Concat(Enumerable.Repeat("|0600", 100_000)) + "|😀";
        ParseResult result = ScenarioParser.Parse("long.scn", $"proc A\nA: seg = shmget private 1p {flags}\n");
        Assert.False(result.Success);
        Assert.Equal("A: seg = shmget private 1p ".Length + flags.Length - 1, result.Error.Column);
    }
}
