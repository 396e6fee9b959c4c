using UvmSim.Exploration;
using System.Text;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Exploration.Shrinking;

/// <summary>
/// Writes a finding as a scenario file (SPEC §12) that <c>uvmsim run</c> replays to the same
/// panic or violation: the universe's <c>machine</c> and <c>proc</c> lines, then every call
/// as the interpreter recorded it.
/// </summary>
public static class Reproducer
{
    /// <summary>The scenario text of <paramref name="ops"/> run in <paramref name="universe"/>.</summary>
    public static string Text(Universe universe, IEnumerable<Op> ops, string comment)
    {
        var (driver, _) = universe.Replay(ops, record: true);
        var sb = new StringBuilder();
        foreach (string line in comment.Split('\n'))
        {
            sb.Append("# ").Append(line).Append('\n');
        }
        sb.Append(universe.MachineLine).Append('\n');
        foreach (string line in driver.Header)
        {
            sb.Append(line).Append('\n');
        }
        foreach (string line in driver.Lines)
        {
            sb.Append(line).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Parses reproducer text; a failure is a bug in the interpreter's rendering.</summary>
    public static Scenario Parse(string name, string text)
    {
        ParseResult r = ScenarioParser.Parse(name, text);
        return r.Scenario ?? throw new InvalidOperationException("reproducer does not parse: " + r.Error!.Render());
    }
}
