using System.Text.RegularExpressions;

namespace UvmSim.Tests.Report;

/// <summary>A call or check line of <c>run --trace</c>'s text output with the change lines under it.</summary>
internal sealed record TracedLine(int Line, List<string> Changes);

/// <summary>One <c>PASS|FAIL FILE POLICY</c> block of <c>run --trace</c>'s text output.</summary>
internal sealed record TracedRun(string File, string Policy, List<TracedLine> Lines)
{
    /// <summary>Every frame a <c>frame F pw A -> B</c> line names, ascending.</summary>
    public SortedSet<int> Frames => [.. Lines.SelectMany(l => l.Changes).Select(c => TextTrace.FrameChange().Match(c)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value))];

    /// <summary>Each frame's wire count after <paramref name="line"/>, replayed from the change lines (every frame starts at 0).</summary>
    public Dictionary<int, int> CountsAfter(int line)
    {
        var counts = Frames.ToDictionary(f => f, _ => 0);
        foreach (TracedLine l in Lines.Where(l => l.Line <= line))
        {
            foreach (string c in l.Changes)
            {
                if (TextTrace.FrameChange().Match(c) is { Success: true } m)
                {
                    Assert.Equal(counts[int.Parse(m.Groups[1].Value)], int.Parse(m.Groups[2].Value));
                    counts[int.Parse(m.Groups[1].Value)] = int.Parse(m.Groups[3].Value);
                }
            }
        }
        return counts;
    }
}

/// <summary>Reads <c>uvmsim run --trace</c>'s text output back, the reference the JSON trace and the report are compared with.</summary>
internal static partial class TextTrace
{
    public static List<TracedRun> Parse(string output)
    {
        var runs = new List<TracedRun>();
        foreach (string raw in output.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (Header().Match(line) is { Success: true } h)
            {
                runs.Add(new TracedRun(h.Groups[1].Value, h.Groups[2].Value, []));
            }
            else if (LineHead().Match(line) is { Success: true } l)
            {
                runs[^1].Lines.Add(new TracedLine(int.Parse(l.Groups[1].Value), []));
            }
            else if (line.StartsWith("      ", StringComparison.Ordinal))
            {
                runs[^1].Lines[^1].Changes.Add(line[6..]);
            }
        }
        return runs;
    }

    [GeneratedRegex(@"^(?:PASS|FAIL) (\S+) (\S+)$")]
    private static partial Regex Header();

    [GeneratedRegex(@"^  (\d+): ")]
    private static partial Regex LineHead();

    [GeneratedRegex(@"^frame (\d+) pw (\d+) -> (\d+)$")]
    internal static partial Regex FrameChange();
}
