using Spectre.Console;
using UvmSim.Policies;
using UvmSim.Scenarios.Running;

namespace UvmSim.Cli.Rendering;

/// <summary>The scenarios × policies matrix of <c>matrix</c> and <c>demo</c> (SPEC §13).</summary>
internal static class MatrixView
{
    /// <summary>The mark after a cell whose expectations failed.</summary>
    public const string FailMark = "✗";

    /// <summary>A cell's text: <c>PANIC</c>, else the violation kinds upper-case, else <c>ok</c>; marked when an expectation failed.</summary>
    public static string CellText(RunResult run)
    {
        string text = run.Outcome == RunOutcome.Panic ? "PANIC"
            : run.ViolationKinds.Count > 0 ? string.Join(",", run.ViolationKinds).ToUpperInvariant()
            : "ok";
        return run.Passed ? text : $"{text} {FailMark}";
    }

    /// <summary>Prints the matrix as a table (terminal) or aligned plain text, or as the JSON cell array.</summary>
    public static void Render(Terminal terminal, IReadOnlyList<(ScenarioSource Source, RunResult Result)> results,
        IReadOnlyList<Policy> policies, bool json)
    {
        if (json)
        {
            terminal.Line(RenderJson(results));
            return;
        }
        var labels = policies.Select(p => p.Label).ToList();
        var rows = results.GroupBy(r => r.Source).Select(g => (
            Name: TextSafety.OneLine(g.Key.ShortName),
            Cells: labels.Select(l => g.FirstOrDefault(r => r.Result.Policy.Label == l).Result is { } run ? CellText(run) : "").ToList()))
            .ToList();

        if (terminal.Rich)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn("scenario");
            foreach (string label in labels)
            {
                table.AddColumn(new TableColumn(Markup.Escape(label)).Centered());
            }
            foreach (var (name, cells) in rows)
            {
                table.AddRow([new Text(name), .. cells.Select(Colour)]);
            }
            terminal.Out.Write(table);
        }
        else
        {
            int first = Math.Max("scenario".Length, rows.Count == 0 ? 0 : rows.Max(r => r.Name.Length));
            var widths = labels.Select((l, i) => Math.Max(l.Length, rows.Count == 0 ? 0 : rows.Max(r => r.Cells[i].Length))).ToList();
            string Format(string name, IEnumerable<string> cells) =>
                (name.PadRight(first) + "  " + string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i])))).TrimEnd();
            terminal.Line(Format("scenario", labels));
            foreach (var (name, cells) in rows)
            {
                terminal.Line(Format(name, cells));
            }
        }
        int failed = results.Count(r => !r.Result.Passed);
        terminal.Line(failed == 0
            ? $"{results.Count} cells, every expectation holds"
            : $"{results.Count} cells, {failed} with a failed expectation ({FailMark})");
    }

    private static Markup Colour(string cell)
    {
        string colour = cell.EndsWith(FailMark, StringComparison.Ordinal) ? "yellow"
            : cell == "ok" ? "green" : "red";
        return new Markup($"[{colour}]{Markup.Escape(cell)}[/]");
    }

    /// <summary>The §13 matrix document: an array of cells.</summary>
    public static string RenderJson(IEnumerable<(ScenarioSource Source, RunResult Result)> results) => Json.Write(w =>
    {
        w.WriteStartArray();
        foreach (var (source, run) in results)
        {
            w.WriteStartObject();
            w.WriteString("scenario", source.ShortName);
            w.WriteString("policy", run.Policy.Label);
            w.WriteString("outcome", Runs.OutcomeName(run.Outcome));
            w.WriteString("expectations", run.Passed ? "pass" : "fail");
            w.WriteStartArray("violations");
            foreach (string kind in run.ViolationKinds)
            {
                w.WriteStringValue(kind);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });
}
