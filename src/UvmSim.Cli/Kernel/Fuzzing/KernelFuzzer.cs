using System.Diagnostics;
using UvmSim.Cli.Commands;
using UvmSim.Exploration;
using UvmSim.Exploration.Shrinking;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Cli.KernelComparison;

/// <summary>The budget and shape of a <c>kernel --fuzz</c> run.</summary>
/// <param name="Steps">Stop after this many generated call lines (each is run once per user of <paramref name="Users"/>).</param>
/// <param name="Seconds">Stop after this long (checked between scenarios).</param>
/// <param name="Users">The <c>--as</c> modes each scenario runs under: <c>declared</c>, <c>nobody</c>, or both.</param>
/// <param name="Replay">The <c>--policy</c>/<c>--set</c> words a replay needs, as given (shell-quoted).</param>
/// <param name="KeepPrograms"><c>--keep DIR</c>: every program stays there; else each is removed after its run.</param>
internal sealed record KernelFuzzOptions(long? Steps, double? Seconds, int Seed, int Procs, IReadOnlyList<string> Users, string OutDir, string Replay,
    bool KeepPrograms = false);

/// <summary>The first difference found, shrunk.</summary>
/// <param name="Users">The <c>--as</c> mode it was found under; the reproducer has its uids written in.</param>
/// <param name="Line">The first differing line of the scenario as generated.</param>
/// <param name="Reproducer">The shrunk scenario as written to <c>--out</c>.</param>
/// <param name="ShrinkRuns">Candidate runs (on the host and in the model) the shrinking took.</param>
internal sealed record KernelFuzzDifference(string Users, ComparedLine Line, FindingReport.Reproduction Reproducer, int ShrinkRuns, double ShrinkSeconds);

/// <summary>What a <c>kernel --fuzz</c> run did: counts for its rates, and its difference or error.</summary>
/// <param name="Runs">Scenario runs: scenarios × users.</param>
/// <param name="Lines">Lines compared (each run's comparable lines: same, differs and n/a).</param>
/// <param name="Seconds">Wall-clock time of the search, without shrinking.</param>
/// <param name="Error">A generated scenario that could not be built or run to the end (its text is in <c>--out</c>).</param>
internal sealed record KernelFuzzResult(long Scenarios, long Runs, long Calls, long Lines, long NotApplicable, double Seconds,
    KernelFuzzDifference? Difference, string? Error, bool Interrupted);

/// <summary>
/// <c>uvmsim kernel --fuzz</c> (SPEC §17.1, docs/linux.md): seeded host-safe random scenarios
/// (<see cref="HostSafeScenarios"/>), each compared on this kernel and in the model through
/// <see cref="HostComparison"/>, the path <c>uvmsim kernel FILE</c> takes; the first
/// difference is shrunk by <see cref="Shrinker"/> with the host as its oracle and written as a
/// <c>.scn</c> that <c>uvmsim kernel</c> replays to the same difference.
/// </summary>
/// <remarks>
/// Each scenario is one C program (built, run, compared). A build costs more than a run, so
/// scenarios are long (16 to 40 calls), which spreads a build over many compared lines; see
/// docs/linux.md for the measured rates.
/// </remarks>
internal sealed class KernelFuzzer(HostComparison host, KernelFuzzOptions options, int pageSize, ulong? memlockSoft)
{
    private int _programs;

    /// <summary>Called before each scenario runs with a one-line status, and with null at the end.</summary>
    public Action<string?>? Progress { get; init; }

    /// <summary>Runs until the first difference, an error, the budget or the interruption.</summary>
    public KernelFuzzResult Run()
    {
        var clock = Stopwatch.StartNew();
        var generator = new HostSafeScenarios(options.Seed, new HostSafeOptions(options.Procs, MemlockSoft: memlockSoft), pageSize);
        long scenarios = 0, runs = 0, calls = 0, lines = 0, notApplicable = 0;
        KernelFuzzResult Result(KernelFuzzDifference? d = null, string? error = null) =>
            new(scenarios, runs, calls, lines, notApplicable, clock.Elapsed.TotalSeconds, d, error, host.Cancel.IsCancellationRequested);
        while (!host.Cancel.IsCancellationRequested
            && !(options.Steps is { } max && calls >= max)
            && !(options.Seconds is { } s && clock.Elapsed.TotalSeconds >= s))
        {
            Scenario scenario = generator.Next($"kfuzz-seed{options.Seed}-{scenarios + 1}.scn");
            scenarios++;
            calls += scenario.Statements.OfType<CallStatement>().Count();
            foreach (string users in options.Users)
            {
                Progress?.Invoke($"kernel --fuzz, seed {options.Seed}: scenario {scenarios:N0} as {users}, {calls:N0} calls, {lines:N0} lines compared, {scenarios / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):F1} scenarios/s");
                FileComparison? file = Compare(scenario, users, out string? error);
                if (file is null)
                {
                    Progress?.Invoke(null);
                    return host.Cancel.IsCancellationRequested ? Result() : Result(error: Unrunnable(scenario, users, error!));
                }
                runs++;
                lines += file.Lines.Count;
                notApplicable += file.NotApplicable;
                if (file.Lines.FirstOrDefault(l => l.Status == Agreement.Differs) is { } first)
                {
                    double seconds = clock.Elapsed.TotalSeconds;
                    Progress?.Invoke($"kernel --fuzz: a difference at line {first.Line} as {users}; shrinking with the host as the oracle");
                    KernelFuzzDifference difference = Shrink(scenario, users, first);
                    Progress?.Invoke(null);
                    return Result(difference) with { Seconds = seconds };
                }
            }
        }
        Progress?.Invoke(null);
        return Result();
    }

    /// <summary>
    /// How a comparison fails: the first differing line's call, both results (a value the
    /// kernel chooses counts as <c>ok</c>) and whether the digests differ, or null when every line agrees. Line numbers are left
    /// out: they change as the shrinker removes lines.
    /// </summary>
    public static string? Signature(Scenario scenario, FileComparison file)
    {
        if (file.Lines.FirstOrDefault(l => l.Status == Agreement.Differs) is not { } line)
        {
            return null;
        }
        Statement statement = scenario.Statements.First(s => s.Line == line.Line);
        string what = statement is CallStatement c ? ScenarioPrinter.Format(c.Call).Split(' ')[0] : "check";
        bool chosen = statement is CallStatement { Call: var call } && FileComparison.KernelChooses(call);
        string Result(string? text) => text is null ? "(no result)" : chosen && text.StartsWith(Emit.CEmitOutput.OkPrefix, StringComparison.Ordinal) ? "ok" : text;
        // A line whose results agree differs in its observed digest (SPEC §17.8).
        string digest = line.ObservedDiffers ? ", observed digests differ" : "";
        return $"{what}: model {Result(line.Model)}, kernel {Result(line.Kernel)}{digest}";
    }

    /// <summary>
    /// Shrinks with the host as the oracle: each candidate is printed and parsed again (so
    /// its lines are numbered and written as a file would have them), then compared like any
    /// file; it fails the same way when its first differing line has the same signature.
    /// </summary>
    private KernelFuzzDifference Shrink(Scenario scenario, string users, ComparedLine first)
    {
        var clock = Stopwatch.StartNew();
        // The uids go into the file, so that `uvmsim kernel FILE` (as declared) replays it.
        Scenario found = users == "nobody" ? HostComparison.AsNobody(scenario) : scenario;
        var shrinker = new Shrinker(candidate =>
        {
            if (host.Cancel.IsCancellationRequested)
            {
                return null;
            }
            Scenario reparsed = Reparse(candidate);
            FileComparison? file = Compare(reparsed, "declared", out _);
            return file is null ? null : Signature(reparsed, file);
        });
        Scenario shrunk = Reparse(shrinker.Shrink(found) ?? found);
        var reproducer = Write(shrunk, users, first);
        return new KernelFuzzDifference(users, first, reproducer, shrinker.Runs, clock.Elapsed.TotalSeconds);
    }

    private static Scenario Reparse(Scenario s)
    {
        string text = ScenarioPrinter.Print(s);
        return Reproducer.Parse(s.FileName, text);
    }

    private FindingReport.Reproduction Write(Scenario shrunk, string users, ComparedLine first)
    {
        int calls = shrunk.Statements.OfType<CallStatement>().Count();
        string body = ScenarioPrinter.Print(shrunk);
        string replay = options.Replay.Length == 0 ? "" : " " + options.Replay;
        string Header(string path) => string.Concat(new[]
        {
            $"a difference between this kernel and the model (as {users}): {first.Text} => model {first.Model}, kernel {first.Kernel ?? "(no result)"}",
            $"found by: uvmsim kernel --fuzz --seed {options.Seed} --procs {options.Procs} --as {string.Join(",", options.Users) switch { "declared,nobody" => "both", var u => u }}{replay}",
            $"replay:   uvmsim kernel {TextSafety.ShellWord(path)}{replay}",
            "exit status 1 from that command means the difference happened again.",
        }.Select(l => "# " + TextSafety.OneLine(l) + "\n")) + body;
        string stem = Path.Combine(options.OutDir, $"kernel-difference-seed{options.Seed}");
        try
        {
            Directory.CreateDirectory(options.OutDir);
            string path = AtomicFile.WriteNew(stem, ".scn", Header);
            return new FindingReport.Reproduction(path, calls, Header(path), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new FindingReport.Reproduction(null, calls, Header(stem + ".scn"), e.Message);
        }
    }

    /// <summary>A generated scenario the host could not build or run: kept in <c>--out</c> for a look, and the error.</summary>
    private string Unrunnable(Scenario scenario, string users, string error)
    {
        string text = $"# uvmsim kernel --fuzz --seed {options.Seed}: could not be run as {users}\n# {TextSafety.OneLine(error)}\n" + ScenarioPrinter.Print(scenario);
        try
        {
            Directory.CreateDirectory(options.OutDir);
            string path = AtomicFile.WriteNew(Path.Combine(options.OutDir, $"kernel-error-seed{options.Seed}"), ".scn", _ => text);
            return $"{error} (the scenario: {path})";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return error;
        }
    }

    /// <summary>Compares one scenario; its program and source are removed after (thousands are built).</summary>
    private FileComparison? Compare(Scenario scenario, string users, out string? error)
    {
        string name = $"kfuzz-{++_programs}";
        try
        {
            return host.Compare(scenario, users, name, out error);
        }
        finally
        {
            foreach (string file in options.KeepPrograms ? [] : new[] { name, name + ".c", name + ".journal" })
            {
                try
                {
                    File.Delete(Path.Combine(host.Directory, file));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The build directory goes as a whole at the end anyway.
                }
            }
        }
    }
}
