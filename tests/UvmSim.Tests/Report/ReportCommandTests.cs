using System.Text.Json;
using UvmSim.Cli;
using UvmSim.Tests.Cli;

namespace UvmSim.Tests.Report;

/// <summary><c>uvmsim report</c> as a command: its inputs, its errors, and what its markup holds.</summary>
public sealed class ReportCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("uvmsim-report-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string S9 => Path.Combine(RepoPaths.Examples, "s9-shm-lock-then-munlock.scn");

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    // The shape `uvmsim design --format json` writes (helper H4's command): per combination
    // exactly {label, switches, clean, depth, states, kind, message, reproducer, reproducerCalls, seconds}.
    private const string Design = """
        {
          "version": 1,
          "universe": { "base": "dual", "vary": ["sysv"], "depth": 5, "procs": 1, "pages": 2, "frames": 32, "transient": false,
                        "ops": [], "fuzzSteps": 0, "seed": 1, "diagnostics": true },
          "combinations": [
            { "label": "dual", "switches": { "wiring": "split", "sysv": "segment" }, "clean": true, "depth": 5, "states": 4321,
              "kind": null, "message": null, "reproducer": null, "reproducerCalls": null, "seconds": 0.52 },
            { "label": "dual+sysv=legacy", "switches": { "wiring": "split", "sysv": "legacy" }, "clean": false, "depth": 4, "states": 120,
              "kind": "violation", "message": "underwired: frame 0 <b>", "reproducer": "found/dual-violation depth4.scn", "reproducerCalls": 4, "seconds": 0.1 }
          ],
          "analysis": { "safe": ["dual"], "minimalSafe": ["dual"], "values": [], "irrelevant": [], "needs": [], "anyOf": [], "shared": [],
                        "verdict": "sysv=segment is needed" },
          "seconds": 0.62,
          "jobs": 1
        }
        """;

    [Fact]
    public void Design_result_becomes_a_lattice_with_links_to_reproducers()
    {
        string design = Write("design.json", Design);
        string output = Path.Combine(_dir, "r.html");
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.Ok, cli.Run("report", S9, "--design", design, "-o", output));
        string html = File.ReadAllText(output);
        Assert.Contains("<tr data-label=\"dual\"><th scope=\"row\">dual</th><td>split</td><td>segment</td><td class=\"safe\">safe</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"finding\" title=\"underwired: frame 0 &lt;b&gt;\">violation</td>", html, StringComparison.Ordinal);
        // Relative to the report's folder, each path segment URL-escaped.
        string expected = string.Join('/', Path.GetRelativePath(_dir, Path.GetFullPath("found/dual-violation depth4.scn")).Split('/').Select(Uri.EscapeDataString));
        Assert.Contains($"<a href=\"{expected}\">found/dual-violation depth4.scn</a> (4 calls)", html, StringComparison.Ordinal);
        Assert.Contains("sysv=segment is needed", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Real_design_output_becomes_one_lattice_row_per_combination()
    {
        var design = new CliHarness();
        string found = Path.Combine(_dir, "found");
        design.Run("design", "--vary", "sysv", "--depth", "3", "--ops", "none", "--format", "json", "--out", found);
        string json = Write("design.json", design.Out.Output);
        using var doc = JsonDocument.Parse(design.Out.Output);
        var combos = doc.RootElement.GetProperty("combinations").EnumerateArray().ToList();
        Assert.Equal(3, combos.Count);

        string output = Path.Combine(_dir, "r.html");
        Assert.Equal(ExitCodes.Ok, new CliHarness().Run("report", S9, "--design", json, "-o", output));
        string html = File.ReadAllText(output);
        foreach (JsonElement c in combos)
        {
            string label = c.GetProperty("label").GetString()!;
            Assert.Contains($"<tr data-label=\"{label}\"><th scope=\"row\">{label}</th>", html, StringComparison.Ordinal);
            if (c.GetProperty("reproducer").GetString() is { } repro)
            {
                Assert.Contains($">{repro}</a>", html, StringComparison.Ordinal);
            }
        }
        Assert.Equal(combos.Count(c => c.GetProperty("clean").GetBoolean()), html.Split("<td class=\"safe\">safe</td>").Length - 1);
    }

    [Fact]
    public void Explore_summary_shows_states_per_depth()
    {
        var explore = new CliHarness();
        Assert.Equal(0, explore.Run("explore", "--policy", "dual", "--depth", "3", "--format", "json", "--out", _dir));
        using var doc = JsonDocument.Parse(explore.Out.Output);
        var perDepth = doc.RootElement.GetProperty("statesPerDepth").EnumerateArray().Select(x => x.GetInt64()).ToList();
        Assert.Equal(3, perDepth.Count);
        Assert.Equal(doc.RootElement.GetProperty("states").GetInt64(), perDepth[^1]);
        Assert.True(perDepth[0] < perDepth[1] && perDepth[1] < perDepth[2]);

        string json = Write("explore.json", explore.Out.Output);
        string output = Path.Combine(_dir, "r.html");
        Assert.Equal(ExitCodes.Ok, new CliHarness().Run("report", S9, "--explore", json, "-o", output));
        string html = File.ReadAllText(output);
        Assert.Contains($"<tr><td>3</td><td>{perDepth[2]:N0}</td><td>{perDepth[2] - perDepth[1]:N0}</td></tr>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Scenario_text_and_file_names_are_escaped()
    {
        string scn = Write("a<b>&c.scn", "proc A\nA: a = mmap 1p rw private|anon\ncheck audit finds \"<script>alert(1)</script>\"\n");
        string output = Path.Combine(_dir, "r.html");
        new CliHarness().Run("report", scn, "-o", output);
        string html = File.ReadAllText(output);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("a<b>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("a&lt;b&gt;&amp;c", html, StringComparison.Ordinal);
        Assert.Equal(1, html.Split("<script>").Length - 1);
    }

    [Fact]
    public void Usage_errors_write_nothing()
    {
        string output = Path.Combine(_dir, "r.html");
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.UsageError, cli.Run("report", S9));
        Assert.Contains("-o", cli.Error.Output, StringComparison.Ordinal);

        string bad = Write("bad.json", "{ \"x\": ");
        cli = new CliHarness();
        Assert.Equal(ExitCodes.UsageError, cli.Run("report", S9, "--design", bad, "-o", output));
        Assert.Contains("bad.json: not valid JSON", cli.Error.Output, StringComparison.Ordinal);

        string wrong = Write("wrong.json", "{ \"policy\": \"dual\" }");
        cli = new CliHarness();
        Assert.Equal(ExitCodes.UsageError, cli.Run("report", S9, "--design", wrong, "-o", output));
        Assert.Contains("not a 'uvmsim design --format json' document", cli.Error.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Unparsable_file_is_reported_and_the_others_still_are()
    {
        string broken = Write("broken.scn", "proc A\nA: frobnicate\n");
        string output = Path.Combine(_dir, "r.html");
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.UsageError, cli.Run("report", broken, S9, "-o", output));
        Assert.Contains("broken.scn:2:", cli.Error.Output, StringComparison.Ordinal);
        Assert.Equal(4, ReportHtml.Timelines(File.ReadAllText(output)).Count);
    }

    [Fact]
    public void A_directory_stands_for_its_scenario_files_as_the_help_says()
    {
        string scenarios = Directory.CreateDirectory(Path.Combine(_dir, "scenarios")).FullName;
        File.Copy(S9, Path.Combine(scenarios, Path.GetFileName(S9)));
        File.Copy(Path.Combine(RepoPaths.Examples, "s1-mlock-twice.scn"), Path.Combine(scenarios, "s1-mlock-twice.scn"));
        string output = Path.Combine(_dir, "r.html");
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.Ok, cli.Run("report", scenarios, "--policy", "dual", "-o", output));
        Assert.Contains("wrote", cli.Out.Output, StringComparison.Ordinal);
        Assert.Equal(2, ReportHtml.Timelines(File.ReadAllText(output)).Count);
    }
}
