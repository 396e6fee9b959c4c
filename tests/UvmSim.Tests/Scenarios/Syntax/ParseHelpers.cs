using UvmSim.Scenarios.Syntax;

namespace UvmSim.Tests.Scenarios.Syntax;

/// <summary>Shared helpers: parse expecting success or failure, with the other side in the message.</summary>
internal static class ParseHelpers
{
    public const string Header = "proc A\nproc B uid=1000\nfile f 8p\nfile g 2p ro\nA: a = mmap 4p rw private|anon\nA: seg = shmget private 4p create|0600\n";

    public static Scenario Ok(string text)
    {
        var result = ScenarioParser.Parse("t.scn", text);
        Assert.True(result.Success, result.Error?.Render());
        return result.Scenario;
    }

    public static ParseError Error(string text)
    {
        var result = ScenarioParser.Parse("t.scn", text);
        Assert.False(result.Success, "expected a parse error");
        return result.Error;
    }

    // The last statement of Header + line.
    public static Statement Last(string line)
    {
        var scenario = Ok(Header + line + "\n");
        return scenario.Statements[^1];
    }

    public static Call LastCall(string line) => Assert.IsType<CallStatement>(Last(line)).Call;

    public static Check LastCheck(string line) => Assert.IsType<CheckStatement>(Last(line)).Check;

    // The error on the line after Header; asserts its line and column.
    public static ParseError ErrorAt(string line, int column, string? messagePart = null)
    {
        var error = Error(Header + line + "\n");
        Assert.True(7 == error.Line && column == error.Column, $"expected 7:{column}, got {error}");
        if (messagePart is not null)
        {
            Assert.Contains(messagePart, error.Message, StringComparison.Ordinal);
        }
        return error;
    }

    public static Expr N(ulong value) => Expr.Of(value);

    public static Expr Pg(ulong pages) => Expr.OfPages(pages);

    public static Expr Name(string name) => Expr.OfName(name);

    public static CheckExpectation Is(long value) =>
        CheckExpectation.Always(new NumberValue(value < 0 ? new Expr([Term.Number((ulong)-value, negative: true)]) : Expr.Of((ulong)value)));
}
