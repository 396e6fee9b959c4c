using System.Text;
using CsCheck;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Tests.Scenarios.Syntax;

/// <summary>The parser is total: any bytes end in a scenario or a positioned error, never an exception.</summary>
public class RobustnessTests
{
    private const int Iterations = 4000;

    // Parses; on success the scenario round-trips, on failure the error is well-formed.
    private static void AssertTotal(byte[] bytes)
    {
        var result = ScenarioParser.Parse("fuzz.scn", bytes);
        Assert.True(result.Success ^ (result.Error is not null));
        if (result.Success)
        {
            string printed = ScenarioPrinter.Print(result.Scenario);
            var reparsed = ScenarioParser.Parse("fuzz.scn", printed);
            Assert.True(reparsed.Success, reparsed.Error?.Render() + "\n--- printed:\n" + printed);
            Assert.Equal(result.Scenario, reparsed.Scenario);
            return;
        }
        var error = result.Error;
        Assert.True(error.Line >= 1 && error.Column >= 1, error.ToString());
        Assert.False(string.IsNullOrEmpty(error.Message));
        string rendered = error.Render();
        Assert.StartsWith($"fuzz.scn:{error.Line}:{error.Column}: error: ", rendered, StringComparison.Ordinal);
        Assert.Equal(3, rendered.Split('\n').Length);
        Assert.DoesNotContain('\0', rendered);
    }

    [Fact]
    public void Random_bytes() =>
        Gen.Byte.Array[0, 300].Sample(AssertTotal, iter: Iterations);

    [Fact]
    public void Random_bytes_biased_to_ascii_and_utf8_edges() =>
        Gen.Frequency((6, Gen.Byte[0x20, 0x7E]), (1, Gen.OneOfConst<byte>(0x00, 0x09, 0x0A, 0x0D, 0x22, 0x23, 0x5C, 0x7C)),
                (1, Gen.Byte[0x80, 0xFF]))
            .Array[0, 300].Sample(AssertTotal, iter: Iterations);

    [Fact]
    public void Token_soup() =>
        Gen.Select(ScenarioGen.Fragment, Gen.OneOfConst(" ", " ", "", "\n", "\t")).Array[0, 60]
            .Select(parts => ScenarioGen.Prelude + string.Concat(parts.Select(p => p.Item1 + p.Item2)))
            .Sample(text => AssertTotal(Encoding.UTF8.GetBytes(text)), iter: Iterations);

    private enum Edit
    {
        Delete,
        Insert,
        Truncate,
        Replace,
    }

    [Fact]
    public void Mutations_of_valid_files() =>
        Gen.Select(ScenarioGen.Scenario, Gen.Select(Gen.Enum<Edit>(), Gen.Double[0, 1], Gen.Int[1, 8], Gen.Byte.Array[1, 6]).Array[1, 5])
            .Sample(input =>
            {
                var (text, edits) = input;
                var bytes = new List<byte>(Encoding.UTF8.GetBytes(text));
                foreach (var (edit, where, count, insert) in edits)
                {
                    int at = (int)(where * bytes.Count);
                    switch (edit)
                    {
                        case Edit.Delete:
                            bytes.RemoveRange(at, Math.Min(count, bytes.Count - at));
                            break;
                        case Edit.Insert:
                            bytes.InsertRange(at, insert);
                            break;
                        case Edit.Truncate:
                            bytes.RemoveRange(at, bytes.Count - at);
                            break;
                        default:
                            for (int i = 0; i < insert.Length && at + i < bytes.Count; i++)
                            {
                                bytes[at + i] = insert[i];
                            }
                            break;
                    }
                }
                AssertTotal([.. bytes]);
            }, iter: Iterations);

    [Fact]
    public void Mutations_of_the_spec_example() =>
        Gen.Select(Gen.Int[0, 2000], Gen.Select(ScenarioGen.Fragment, Gen.OneOfConst(" ", "")))
            .Sample(input =>
            {
                var (at, (fragment, blank)) = input;
                string text = ScenarioParserTests.SpecExample;
                at %= text.Length + 1;
                AssertTotal(Encoding.UTF8.GetBytes(text[..at] + fragment + blank + text[at..]));
                AssertTotal(Encoding.UTF8.GetBytes(text[..at]));
                AssertTotal(Encoding.UTF8.GetBytes(text.Remove(at, Math.Min(3, text.Length - at))));
            }, iter: Iterations);
}
