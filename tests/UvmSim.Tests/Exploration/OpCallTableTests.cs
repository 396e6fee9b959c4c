using UvmSim.Exploration;
using UvmSim.Policies;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Tests.Exploration;

/// <summary>
/// The explorer's ops and the scenario calls are one table: every call the explorer can make
/// has an op kind of the same name, and the line an op records is that call, printed by the
/// scenario printer, so it parses back to the call it names.
/// </summary>
public sealed class OpCallTableTests
{
    /// <summary>Calls the explorer does not issue: files are set up by scenarios, not drawn.</summary>
    private static readonly string[] NotExplored = [nameof(FileCall)];

    [Fact]
    public void Every_call_but_file_has_an_op_kind_of_its_name()
    {
        var calls = typeof(Call).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(Call)) && !t.IsAbstract && !NotExplored.Contains(t.Name))
            .Select(t => t.Name[..^"Call".Length])
            .Order(StringComparer.Ordinal);
        Assert.Equal(calls, Enum.GetNames<OpKind>().Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void An_op_records_the_call_of_its_kind_and_the_line_parses_back(string kind)
    {
        OpInterpreter driver = new Universe(Policy.Default, Pages: 64, Procs: 2).Boot(record: true);
        // Something to act on: a mapping, a segment attached, a transient wiring.
        foreach (Op setup in new Op[] { new(OpKind.Mmap, 0, 1, 2, 0), new(OpKind.Shmget, 0, 0, 0, 0), new(OpKind.Shmat, 0, 0, 0, 0), new(OpKind.Vslock, 0, 0, 0, 16 | 1, Exact: true) })
        {
            driver.Apply(setup);
        }
        int before = driver.Lines.Count;
        driver.Apply(new Op(Enum.Parse<OpKind>(kind), 0, 0, 0, 16, Exact: true));
        Assert.Equal(before + 1, driver.Lines.Count);

        string text = string.Join('\n', driver.Header) + "\n" + string.Join('\n', driver.Lines) + "\n";
        ParseResult parsed = ScenarioParser.Parse("recorded.scn", text);
        Assert.True(parsed.Success, parsed.Error?.ToString());
        Call last = parsed.Scenario!.Statements.OfType<CallStatement>().Last().Call;
        Assert.Equal(kind + "Call", last.GetType().Name);
        Assert.Equal(driver.Lines[^1], ScenarioPrinter.Format(parsed.Scenario.Statements.OfType<CallStatement>().Last()));
    }

    public static TheoryData<string> Kinds => [.. Enum.GetNames<OpKind>()];
}
