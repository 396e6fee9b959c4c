using System.Text.Json;
using UvmSim.Policies;
using UvmSim.Scenarios.Running;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Cli.Rendering;

/// <summary>Parses and runs scenarios under policies, collecting results and the exit status.</summary>
internal static class Runs
{
    /// <summary>
    /// Parses every source (printing parse errors to stderr) and runs each one that parses under each
    /// policy. The status is <see cref="ExitCodes.UsageError"/> if any source failed to parse, else
    /// <see cref="ExitCodes.ExpectationFailed"/> if any run failed an expectation, else ok.
    /// </summary>
    public static (List<(ScenarioSource Source, RunResult Result)> Results, int Status) Execute(
        Terminal terminal, IEnumerable<ScenarioSource> sources, IReadOnlyList<Policy> policies, bool? diagnostics, bool trace)
    {
        var results = new List<(ScenarioSource, RunResult)>();
        int status = ExitCodes.Ok;
        foreach (ScenarioSource source in sources)
        {
            (Scenario? scenario, string? error) = ScenarioFiles.Parse(source);
            if (scenario is null)
            {
                terminal.ErrorLine(error!);
                status = ExitCodes.Worst(status, ExitCodes.UsageError);
                continue;
            }
            foreach (Policy policy in policies)
            {
                RunResult result = new ScenarioRunner(scenario, policy, diagnostics, trace).Run();
                results.Add((source, result));
                if (!result.Passed)
                {
                    status = ExitCodes.Worst(status, ExitCodes.ExpectationFailed);
                }
            }
        }
        return (results, status);
    }

    /// <summary>The JSON spelling of a line status.</summary>
    public static string StatusName(LineStatus status) => status switch
    {
        LineStatus.Pass => "pass",
        LineStatus.Fail => "fail",
        _ => "skipped",
    };

    /// <summary>The JSON spelling of an outcome.</summary>
    public static string OutcomeName(RunOutcome outcome) => outcome switch
    {
        RunOutcome.Panic => "panic",
        RunOutcome.Leak => "leak",
        _ => "ok",
    };

    /// <summary>Writes a policy's switches as an object, in table order.</summary>
    public static void WriteSwitches(Utf8JsonWriter w, string name, Policy policy)
    {
        w.WriteStartObject(name);
        foreach (var (sw, value) in policy.Switches)
        {
            w.WriteString(sw, value);
        }
        w.WriteEndObject();
    }
}
