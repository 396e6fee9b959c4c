using System.Text.RegularExpressions;
using UvmSim.Policies;
using UvmSim.Scenarios.Running;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Tests.Scenarios;

/// <summary>
/// docs/scenarios.md is the language reference: a scenario written only from it must run.
/// Every <c>```scn</c> block in it is parsed and run under every preset with all its
/// expectations met; its parse-error example is what the parser prints.
/// </summary>
public partial class ScenariosDocTests
{
    private static string DocPath => Path.Combine(RepoPaths.Root, "docs", "scenarios.md");

    [GeneratedRegex(@"^```scn\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ScnBlock();

    [GeneratedRegex(@"^```text\n(.*?)\n^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex TextBlock();

    private static string Doc => File.ReadAllText(DocPath).ReplaceLineEndings("\n");

    public static TheoryData<int, string> Blocks()
    {
        var data = new TheoryData<int, string>();
        int i = 0;
        foreach (Match m in ScnBlock().Matches(Doc))
        {
            foreach (string preset in PresetNames.All)
            {
                data.Add(i, preset);
            }
            i++;
        }
        return data;
    }

    [Fact]
    public void The_reference_has_an_example_for_each_part()
    {
        Assert.True(ScnBlock().Count(Doc) >= 10, "docs/scenarios.md lost its examples");
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Each_example_runs_as_written(int block, string preset)
    {
        string text = ScnBlock().Matches(Doc)[block].Groups[1].Value;
        ParseResult parsed = ScenarioParser.Parse($"scenarios.md#{block}", text);
        Assert.True(parsed.Success, parsed.Error?.Render());
        RunResult result = new ScenarioRunner(parsed.Scenario!, Policy.FromPreset(preset)!).Run();
        var failures = result.Lines.Where(l => l.Status == LineStatus.Fail)
            .Select(l => $"block {block} line {l.Line}: `{l.Text}` expected {l.Expected}, got {l.Actual} {l.Error}");
        Assert.True(result.Passed, string.Join("\n", failures));
    }

    [Fact]
    public void The_parse_error_example_is_what_the_parser_prints()
    {
        string shown = TextBlock().Match(Doc).Groups[1].Value;
        string source = "proc A\nA: a = mmap 1p rw private|anon\n" + shown.Split('\n')[1] + "\n";
        ParseResult parsed = ScenarioParser.Parse("t.scn", source);
        Assert.False(parsed.Success);
        Assert.Equal(shown, parsed.Error!.Render());
    }
}
