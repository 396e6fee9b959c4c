using System.Text;

namespace UvmSim.Scenarios.Syntax;

/// <summary>Entry point: parses a <c>.scn</c> file into a <see cref="Scenario"/> or its first <see cref="ParseError"/>.</summary>
public static class ScenarioParser
{
    /// <summary>
    /// Parses the raw bytes of a scenario file (SPEC §12).
    /// =&gt; never throws; returns the scenario or the first error in line and column order.
    /// </summary>
    public static ParseResult Parse(string fileName, byte[] bytes) =>
        new Parser(new SourceText(fileName, bytes)).Run();

    /// <summary>Parses text (encoded as UTF-8 first); for tests and generated scenarios.</summary>
    public static ParseResult Parse(string fileName, string text) =>
        Parse(fileName, Encoding.UTF8.GetBytes(text));
}
