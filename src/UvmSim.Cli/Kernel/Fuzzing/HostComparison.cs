using UvmSim.Emit;
using UvmSim.Physical;
using UvmSim.Policies;
using UvmSim.Scenarios.Running;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Cli.KernelComparison;

/// <summary>
/// The one path a scenario takes through the differential (SPEC §17.1): run on the kernel as
/// emitted C, then in the model without the lines the kernel skipped, then compared line by
/// line (<see cref="FileComparison.Of"/>). <c>uvmsim kernel FILE</c> and <c>uvmsim kernel
/// --fuzz</c> (its runs and its shrinking oracle) both go through here, so whatever the
/// comparison learns applies to both.
/// </summary>
internal sealed record HostComparison(Policy Policy, CTarget Target, CCompiler Compiler, string Directory, MachineConfig? Host, bool Strict)
{
    /// <summary>How long one program may run (null: <see cref="EmittedProgram"/>'s default).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Stops the running program (Ctrl-C, SIGTERM); it is cleaned up.</summary>
    public CancellationToken Cancel { get; init; }

    /// <summary>
    /// Compares <paramref name="scenario"/> as <paramref name="users"/> (<c>declared</c> or
    /// <c>nobody</c>), building it as <paramref name="name"/> (a safe file name) in the directory.
    /// =&gt; the comparison, or null with <paramref name="error"/>: the program could not be
    ///    written, built or run to the end.
    /// </summary>
    public FileComparison? Compare(Scenario scenario, string users, string name, out string? error)
    {
        Scenario run = users == "nobody" ? AsNobody(scenario) : scenario;
        KernelRun? kernel = EmittedProgram.RunObserved(run, Target, Compiler, Directory, name, out error, Timeout, Cancel);
        if (kernel is null)
        {
            return null;
        }
        // The model runs second, without the lines the kernel skipped, on the worker's measured
        // image (SPEC §17.1); both sides' observed digests after every line are compared (§17.8).
        var observed = new Dictionary<int, ObservedDigest>();
        RunResult model = new ScenarioRunner(FileComparison.ForModel(run, kernel.Results), Policy) { BaseConfig = kernel.Machine(Host), Observed = observed }.Run();
        return FileComparison.Of(run, model, kernel.Results, Target, Strict, users, observed, kernel.Observed);
    }

    /// <summary><c>--as nobody</c>: every <c>proc</c> runs as uid and gid 65534, on both sides.</summary>
    public static Scenario AsNobody(Scenario s) => s with
    {
        Statements = EquatableList.Create<Statement>(s.Statements
            .Select(st => st is ProcStatement p ? p with { Uid = Commands.KernelCommand.Nobody, Gid = Commands.KernelCommand.Nobody } : st).ToArray()),
    };
}
