using System.CommandLine;
using System.Text.Json;
using UvmSim.Cli.Rendering;
using UvmSim.Policies;
using UvmSim.Emit;
using UvmSim.Scenarios.Running;

namespace UvmSim.Cli.Commands;

/// <summary><c>uvmsim run FILE...</c>: runs each file under each selected policy and reports expectations (SPEC §13).</summary>
internal static class RunCommand
{
    /// <summary>The command, writing to <paramref name="terminal"/>.</summary>
    public static Command Create(Terminal terminal)
    {
        var command = new Command("run", "Run scenario files under each selected policy and check their expectations.")
        {
            SharedOptions.Files,
            SharedOptions.Policy,
            SharedOptions.Set,
            SharedOptions.NoDiagnostics,
            SharedOptions.Trace,
            SharedOptions.FormatWithJunit,
        };
        command.SetAction(parse => CliApp.Guard(terminal, () => Execute(
            terminal,
            parse.GetValue(SharedOptions.Files) ?? [],
            parse.GetValue(SharedOptions.Policy),
            parse.GetValue(SharedOptions.Set),
            parse.GetValue(SharedOptions.NoDiagnostics),
            parse.GetValue(SharedOptions.Trace),
            parse.GetValue(SharedOptions.FormatWithJunit) == SharedOptions.Json,
            parse.GetValue(SharedOptions.FormatWithJunit) == SharedOptions.Junit)));
        return command;
    }

    /// <summary>Runs the files and prints the report; returns the exit status.</summary>
    public static int Execute(Terminal terminal, IReadOnlyList<string> files, string[]? policyNames, string[]? sets,
        bool noDiagnostics, bool trace, bool json, bool junit = false)
    {
        IReadOnlyList<Policy>? policies = PolicySelection.Resolve(policyNames, sets, out string? error);
        if (policies is null)
        {
            return terminal.Usage(error!);
        }
        if (ScenarioFiles.UnknownOption(files) is { } unknown)
        {
            return terminal.Usage(unknown);
        }
        IReadOnlyList<ScenarioSource> sources = ScenarioFiles.FromPaths(files, directories: true);
        var (results, status) = Runs.Execute(terminal, sources, policies, noDiagnostics ? false : null, trace);
        if (junit)
        {
            var cases = results.Select(r => new Junit.Case(r.Result.File, r.Result.Policy.Label, r.Result.Passed ? null : FailureText(r.Result), null)).ToList();
            cases.AddRange(sources.Select(src => (src, ScenarioFiles.Parse(src).Error)).Where(e => e.Error is not null)
                .Select(e => new Junit.Case(e.src.Name, "parse", null, e.Error)));
            terminal.Line(Junit.Write("uvmsim run", cases));
        }
        else if (json)
        {
            terminal.Line(RenderJson(results.Select(r => r.Result), status));
        }
        else
        {
            RenderText(terminal, results.Select(r => (r.Result, ReproducerOf(r.Source))).ToList(), trace);
        }
        return status;
    }

    /// <summary>What a failed run's JUnit failure says: each failed line, and the panic.</summary>
    private static string FailureText(RunResult run) => string.Join('\n',
        run.Lines.Where(l => l.Status == LineStatus.Fail)
            .Select(l => $"{run.File}:{l.Line}: expected {l.Expected}, got {l.Actual}" + (l.Error is null ? "" : $" ({l.Error})"))
            .Concat(run.Panic is { } p ? [$"{run.File}:{p.Line}: panic: {p.Message}"] : [])
            .DefaultIfEmpty("expectations failed"));

    /// <summary>
    /// What a reproducer (<see cref="FindingReport.Marker"/> on its first line) says it records,
    /// "a violation (leak: …)"; null for any other file.
    /// </summary>
    private static string? ReproducerOf(ScenarioSource source)
    {
        byte[] marker = System.Text.Encoding.UTF8.GetBytes(FindingReport.Marker);
        if (source.Bytes is not { } bytes || !bytes.AsSpan().StartsWith(marker))
        {
            return null;
        }
        int end = Array.IndexOf(bytes, (byte)'\n');
        return System.Text.Encoding.UTF8.GetString(bytes, marker.Length, (end < 0 ? bytes.Length : end) - marker.Length).TrimEnd('\r');
    }

    private static void RenderText(Terminal terminal, List<(RunResult Run, string? Reproduces)> results, bool trace)
    {
        foreach (var (run, reproduces) in results)
        {
            string label = run.Policy.Label, file = TextSafety.OneLine(run.File);
            terminal.Line($"{(run.Passed ? "PASS" : "FAIL")} {file} {label}");
            if (reproduces is not null)
            {
                // A reproducer's expectations are its failure: PASS means it happened again.
                terminal.Line(run.Passed
                    ? $"  reproduced: {reproduces} happened again as recorded"
                    : $"  not reproduced: {reproduces} did not happen as recorded (see the failed lines)");
            }
            foreach (LineResult line in run.Lines)
            {
                if (trace)
                {
                    // The result text comes from the one place an emitted program's does, so
                    // `uvmsim kernel` and a reader comparing by eye see the same words.
                    terminal.Line($"  {line.Line}: {line.Text}  => {CEmitOutput.Of(line)}  [{Runs.StatusName(line.Status)}, expected {line.Expected}]"
                        + (line.Error is null ? "" : $" ({line.Error})"));
                    foreach (string change in line.Changes)
                    {
                        terminal.Line("      " + change);
                    }
                }
                if (line.Status == LineStatus.Fail)
                {
                    terminal.Line($"{file}:{line.Line}: {label}: expected {line.Expected}, got {line.Actual}"
                        + (line.Error is null ? "" : $" ({line.Error})"));
                }
            }
            if (run.Panic is { } panic && (trace || !run.Passed))
            {
                terminal.Line($"{file}:{panic.Line}: {label}: panic: {panic.Message}");
            }
            if (trace)
            {
                foreach (var violation in run.Audit)
                {
                    terminal.Line($"  audit: {violation}");
                }
            }
        }
        int failed = results.Count(r => !r.Run.Passed);
        terminal.Line($"{results.Count} run{(results.Count == 1 ? "" : "s")}: {results.Count - failed} passed, {failed} failed");
    }

    /// <summary>The §13 run document: <c>{"version": 1, "exitCode", "runs": [...]}</c>.</summary>
    public static string RenderJson(IEnumerable<RunResult> results, int exitCode) => Json.Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("version", 1);
        w.WriteNumber("exitCode", exitCode);
        w.WriteStartArray("runs");
        foreach (RunResult run in results)
        {
            WriteRun(w, run);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void WriteRun(Utf8JsonWriter w, RunResult run)
    {
        w.WriteStartObject();
        w.WriteString("file", run.File);
        w.WriteString("policy", run.Policy.Label);
        w.WriteString("preset", run.Policy.Preset);
        Runs.WriteSwitches(w, "switches", run.Policy);
        w.WriteBoolean("diagnostics", run.Diagnostics);
        w.WriteBoolean("passed", run.Passed);
        if (run.Panic is { } panic)
        {
            w.WriteStartObject("panic");
            w.WriteNumber("line", panic.Line);
            w.WriteString("message", panic.Message);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("panic");
        }
        w.WriteStartArray("lines");
        foreach (LineResult line in run.Lines)
        {
            w.WriteStartObject();
            w.WriteNumber("line", line.Line);
            w.StringOrNull("proc", line.Proc);
            w.WriteString("text", line.Text);
            w.WriteString("actual", line.Actual);
            w.WriteString("expected", line.Expected);
            w.WriteString("status", Runs.StatusName(line.Status));
            if (line.Trace is { } step)
            {
                TraceJson.Write(w, step, run.Panic is { } p && p.Line == line.Line ? p.Message : null);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        TraceJson.WriteViolations(w, "audit", run.Audit);
        w.WriteEndObject();
    }
}
