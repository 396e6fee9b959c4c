using System.Text.Json;
using UvmSim.Tests.Cli;

namespace UvmSim.Tests.Report;

/// <summary>
/// The trace JSON and the report say what <c>run --trace</c> prints, for every example under
/// every preset: the same change lines, the same frames and the same count at every call line.
/// </summary>
public class ReportTraceAgreementTests
{
    private static string[] Examples => [.. Directory.GetFiles(RepoPaths.Examples, "*.scn").Order(StringComparer.Ordinal)];

    private static (List<TracedRun> Text, JsonDocument Json) Traces()
    {
        var text = new CliHarness();
        text.Run(["run", .. Examples, "--trace"]);
        var json = new CliHarness();
        json.Run(["run", .. Examples, "--trace", "--format", "json"]);
        return (TextTrace.Parse(text.Out.Output), JsonDocument.Parse(json.Out.Output));
    }

    [Fact]
    public void Trace_json_carries_the_text_traces_changes_for_every_example()
    {
        var (text, json) = Traces();
        var runs = json.RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(Examples.Length * 4, runs.Count);
        Assert.Equal(text.Select(r => (r.File, r.Policy)), runs.Select(r => (r.GetProperty("file").GetString()!, r.GetProperty("policy").GetString()!)));
        int traced = 0;
        for (int i = 0; i < runs.Count; i++)
        {
            foreach (JsonElement line in runs[i].GetProperty("lines").EnumerateArray())
            {
                if (!line.TryGetProperty("trace", out JsonElement t))
                {
                    continue;
                }
                traced++;
                int number = line.GetProperty("line").GetInt32();
                var changes = text[i].Lines.Single(l => l.Line == number).Changes;
                Assert.Equal(changes, t.GetProperty("changes").EnumerateArray().Select(c => c.GetString()!));

                long wiredBefore = t.GetProperty("wired").GetProperty("before").GetInt64(), wiredAfter = t.GetProperty("wired").GetProperty("after").GetInt64();
                Assert.Equal(wiredBefore != wiredAfter, changes.Contains($"wired {wiredBefore} -> {wiredAfter}"));
                var moved = t.GetProperty("frames").EnumerateArray()
                    .Where(f => f.GetProperty("before").GetInt32() != f.GetProperty("after").GetInt32())
                    .Select(f => $"frame {f.GetProperty("frame").GetInt32()} pw {f.GetProperty("before").GetInt32()} -> {f.GetProperty("after").GetInt32()}")
                    .ToList();
                if (!changes.Any(c => c.StartsWith("... ", StringComparison.Ordinal)))
                {
                    Assert.Equal(changes.Where(c => c.StartsWith("frame ", StringComparison.Ordinal)), moved);
                }
                // A frame whose count is not its holders' sum is one the audit after the call names.
                var violations = t.GetProperty("violations").EnumerateArray().Select(v => v.GetProperty("message").GetString()!).ToList();
                foreach (JsonElement f in t.GetProperty("frames").EnumerateArray())
                {
                    int holders = f.GetProperty("holdersAfter").EnumerateObject().Sum(h => h.Value.GetInt32());
                    int frame = f.GetProperty("frame").GetInt32();
                    if (holders != f.GetProperty("after").GetInt32())
                    {
                        Assert.Contains(violations, v => v.Contains($"frame {frame} ", StringComparison.Ordinal));
                    }
                }
            }
        }
        Assert.True(traced > 100, $"only {traced} traced lines");
    }

    [Fact]
    public void Report_timelines_show_the_text_traces_counts_for_every_example()
    {
        var (text, json) = Traces();
        var runs = json.RootElement.GetProperty("runs").EnumerateArray().ToList();
        string dir = Directory.CreateTempSubdirectory("uvmsim-report-").FullName;
        try
        {
            string output = Path.Combine(dir, "report.html");
            var cli = new CliHarness();
            Assert.Equal(0, cli.Run(["report", .. Examples, "-o", output]));
            var timelines = ReportHtml.Timelines(File.ReadAllText(output));
            Assert.Equal(text.Count, timelines.Count);
            for (int i = 0; i < text.Count; i++)
            {
                TracedRun run = text[i];
                HtmlTimeline t = timelines.Single(x => x.Scenario == Path.GetFileNameWithoutExtension(run.File) && x.Policy == run.Policy);
                // Rows: every frame whose count moved, plus those whose holders moved while the
                // count stayed (a holder with no wiring: S5's wired entry over no wired page).
                var held = runs[i].GetProperty("lines").EnumerateArray().Where(l => l.TryGetProperty("trace", out _))
                    .SelectMany(l => l.GetProperty("trace").GetProperty("frames").EnumerateArray())
                    .Select(f => f.GetProperty("frame").GetInt32());
                Assert.Equal(run.Frames.Union(held).Order(), t.Frames);
                foreach (int line in t.Counts.Keys.Select(k => k.Line).Distinct())
                {
                    var expected = run.CountsAfter(line);
                    foreach (int frame in t.Frames)
                    {
                        expected.TryAdd(frame, 0);
                    }
                    foreach (int frame in t.Frames)
                    {
                        Assert.True(expected[frame] == t.Counts[(frame, line)],
                            $"{run.File} {run.Policy} line {line} frame {frame}: trace {expected[frame]}, report {t.Counts[(frame, line)]}");
                    }
                }
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
