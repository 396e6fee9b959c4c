using System.Runtime.InteropServices;
using UvmSim.Emit;
using UvmSim.Physical;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Cli.KernelComparison;

/// <summary>
/// A scenario on this kernel: emitted as C for the host (<see cref="CEmitter"/>), built, run, and
/// its printed results read back (<see cref="CEmitOutput.Read"/>).
/// </summary>
internal static class EmittedProgram
{
    /// <summary>
    /// How long a program may run. Its own last resort (<c>UVMSIM_ALARM_S</c>) is four minutes,
    /// and every line's answer has a timeout, so this only catches a program that hangs as a whole.
    /// </summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>NetBSD, which .NET has no named platform for.</summary>
    private static readonly OSPlatform NetBsd = OSPlatform.Create("NETBSD");

    /// <summary>
    /// The host's target: Linux or NetBSD; null (with <paramref name="error"/>) on any other system.
    /// </summary>
    public static CTarget? HostTarget(out string? error)
    {
        error = null;
        if (OperatingSystem.IsLinux())
        {
            return CTarget.Linux;
        }
        if (RuntimeInformation.IsOSPlatform(NetBsd))
        {
            return CTarget.NetBsd;
        }
        error = $"kernel runs scenarios on Linux or NetBSD; this is {RuntimeInformation.OSDescription}";
        return null;
    }

    /// <summary>
    /// Writes <paramref name="scenario"/> as <c>NAME.c</c> in <paramref name="directory"/>, builds
    /// <c>NAME</c> there and runs it.
    /// =&gt; the results by line, or null with <paramref name="error"/>: the source could not be
    ///    written, the build failed, or the program did not run to the end (a crash, a
    ///    non-zero status, the timeout).
    /// =&gt; the program runs with <c>TMPDIR</c> set to <paramref name="directory"/> (its files
    ///    directory is made there) and <c>UVMSIM_JOURNAL</c> naming its journal; whatever it
    ///    left behind (killed by the timeout or an interruption) is removed before this returns
    ///    (<see cref="Leftovers.Sweep"/>).
    /// </summary>
    public static IReadOnlyDictionary<int, string>? Run(Scenario scenario, CTarget target, CCompiler compiler,
        string directory, string name, out string? error, TimeSpan? timeout = null, CancellationToken cancel = default) =>
        RunObserved(scenario, target, compiler, directory, name, out error, timeout, cancel)?.Results;

    /// <summary>
    /// As <see cref="Run"/>, with the observed digest after every line and the worker image
    /// (SPEC §17.1, §17.8): the program runs with <c>UVMSIM_OBSERVE</c> set.
    /// </summary>
    public static KernelRun? RunObserved(Scenario scenario, CTarget target, CCompiler compiler,
        string directory, string name, out string? error, TimeSpan? timeout = null, CancellationToken cancel = default)
    {
        string source = Path.Combine(directory, name + ".c"), executable = Path.Combine(directory, name);
        try
        {
            File.WriteAllText(source, CEmitter.Emit(scenario, target));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = $"{scenario.FileName}: cannot write {source}: {e.Message}";
            return null;
        }
        if (compiler.Build(source, executable, target) is { } failed)
        {
            error = failed;
            return null;
        }
        string journal = Leftovers.JournalOf(directory, name);
        var environment = new Dictionary<string, string> { ["TMPDIR"] = directory, ["UVMSIM_JOURNAL"] = journal, ["UVMSIM_OBSERVE"] = "1" };
        string? shm = Leftovers.MakeShmFilesDirectory();
        if (shm is not null)
        {
            environment["UVMSIM_FILES_DIR"] = shm;
        }
        ChildResult? run = ChildProcess.Run(executable, [], timeout ?? Timeout, out string? startError, environment, cancel);
        Leftovers.Sweep(journal, directory);
        Leftovers.RemoveShmFilesDirectory(shm);
        error = run is null ? $"{scenario.FileName}: cannot run {executable}: {startError}"
            : run.Interrupted ? $"{scenario.FileName}: {executable} stopped: interrupted"
            : run.TimedOut ? $"{scenario.FileName}: {executable} did not finish within {(timeout ?? Timeout).TotalSeconds:0} s: stopped, and what it made removed"
            : run.ExitCode != 0 ? $"{scenario.FileName}: {executable} failed (exit status {run.ExitCode}{Signal(run.ExitCode)}){FirstLine(run.Stderr)}"
            : !run.Stdout.Contains(CEmitOutput.RanToTheEnd, StringComparison.Ordinal) ? $"{scenario.FileName}: {executable} stopped before the end"
            : null;
        return error is null
            ? new KernelRun(CEmitOutput.Read(run!.Stdout), CEmitOutput.ReadObserved(run.Stdout), CEmitOutput.ReadImage(run.Stdout))
            : null;
    }

    /// <summary>
    /// The worker image on this host (SPEC §17.1, <c>--info</c>): what the worker of a one-process
    /// scenario measures at start; null with <paramref name="error"/> when it cannot be run.
    /// </summary>
    public static (ulong Lockable, ulong Total, ulong Break)? MeasureImage(CCompiler compiler, string directory, out string? error)
    {
        ParseResult parsed = ScenarioParser.Parse("image.scn", "proc A\nA: munlockall\n");
        KernelRun? run = RunObserved(parsed.Scenario!, CTarget.Linux, compiler, directory, "image", out error);
        if (run is not null && run.Image is null)
        {
            error = "the worker measured no image (is /proc/self/smaps readable?)";
        }
        return run?.Image;
    }

    /// <summary>The signal a status above 128 stands for, as .NET reports a child killed by one.</summary>
    private static string Signal(int status) => status is > 128 and < 160 ? $", signal {status - 128}" : "";

    private static string FirstLine(string stderr) =>
        stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is [var first, ..] ? ": " + first : "";
}

/// <summary>
/// What one run of an emitted program printed: each line's result, the observed digest after
/// each line (<see cref="UvmSim.Scenarios.Running.ObservedDigest.Format"/>'s text), and the worker
/// image its first worker measured (null where none was).
/// </summary>
internal sealed record KernelRun(
    IReadOnlyDictionary<int, string> Results,
    IReadOnlyDictionary<int, string> Observed,
    (ulong Lockable, ulong Total, ulong Break)? Image)
{
    /// <summary>
    /// The machine the model runs on beside this run: <paramref name="host"/> with the measured
    /// image (<c>machine image=LOCKABLE:TOTAL</c>, SPEC §17.6) and the heap starting where the
    /// worker's does, in model coordinates (<see cref="MachineConfig.HeapStart"/>; docs/linux.md):
    /// the worker's break lies in the arena's span, so a model mapping can never take its place
    /// without the emitted program's placement seeing it too.
    /// </summary>
    public MachineConfig? Machine(MachineConfig? host) =>
        host is null || Image is not { } image ? host
        : host with
        {
            ImageLockable = (long)Math.Min(image.Lockable, 1UL << 40),
            ImageTotal = (long)Math.Min(image.Total, 1UL << 40),
            HeapStart = image.Break >= CEmitOutput.ArenaBase + Map.VmMap.DefaultMin && image.Break - CEmitOutput.ArenaBase < Map.VmMap.DefaultMax
                ? image.Break - CEmitOutput.ArenaBase : null,
        };
}
