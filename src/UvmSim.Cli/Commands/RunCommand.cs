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
            SharedOptions.Format,
        };
        command.SetAction(parse => CliApp.Guard(terminal, () => Execute(
            terminal,
            parse.GetValue(SharedOptions.Files) ?? [],
            parse.GetValue(SharedOptions.Policy),
            parse.GetValue(SharedOptions.Set),
            parse.GetValue(SharedOptions.NoDiagnostics),
            parse.GetValue(SharedOptions.Trace),
            parse.GetValue(SharedOptions.Format) == SharedOptions.Json)));
        return command;
    }

    /// <summary>Runs the files and prints the report; returns the exit status.</summary>
    public static int Execute(Terminal terminal, IReadOnlyList<string> files, string[]? policyNames, string[]? sets,
        bool noDiagnostics, bool trace, bool json)
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
        var (results, status) = Runs.Execute(terminal, ScenarioFiles.FromPaths(files), policies,
            noDiagnostics ? false : null, trace);
        if (json)
        {
            terminal.Line(RenderJson(results.Select(r => r.Result), status));
        }
        else
        {
            RenderText(terminal, results.Select(r => r.Result).ToList(), trace);
        }
        return status;
    }

    private static void RenderText(Terminal terminal, List<RunResult> results, bool trace)
    {
        foreach (RunResult run in results)
        {
            string label = run.Policy.Label;
            terminal.Line($"{(run.Passed ? "PASS" : "FAIL")} {run.File} {label}");
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
                    terminal.Line($"{run.File}:{line.Line}: {label}: expected {line.Expected}, got {line.Actual}"
                        + (line.Error is null ? "" : $" ({line.Error})"));
                }
            }
            if (run.Panic is { } panic && (trace || !run.Passed))
            {
                terminal.Line($"{run.File}:{panic.Line}: {label}: panic: {panic.Message}");
            }
            if (trace)
            {
                foreach (var violation in run.Audit)
                {
                    terminal.Line($"  audit: {violation}");
                }
            }
        }
        int failed = results.Count(r => !r.Passed);
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
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("audit");
        foreach (var violation in run.Audit)
        {
            w.WriteStartObject();
            w.WriteString("kind", violation.KindName);
            w.WriteString("message", violation.Detail);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
