using System.CommandLine;
using UvmSim.Cli.Commands;
using UvmSim.Cli.Rendering;
using UvmSim.Policies;

namespace UvmSim.Cli.KernelComparison;

/// <summary>
/// The options and the summary of <c>uvmsim kernel --fuzz [--seconds N | --steps N] [--seed S]
/// [--procs K] [--as declared|nobody|both] [--out DIR]</c> (SPEC §17.1, docs/cli.md).
/// <see cref="KernelCommand"/> parses, sets the host up and dispatches here.
/// </summary>
internal static class KernelFuzzCommand
{
    /// <summary><c>--fuzz</c>: generate scenarios instead of reading files.</summary>
    public static readonly Option<bool> Fuzz = new("--fuzz")
    {
        Description = "Generate host-safe random scenarios and compare each; shrink the first difference (host as the oracle) into --out.",
    };

    /// <summary><c>--seconds N</c> (with <c>--fuzz</c>).</summary>
    public static readonly Option<double?> Seconds = new("--seconds") { Description = "--fuzz: stop after this many seconds, > 0 (default 60 unless --steps).", HelpName = "N" };

    /// <summary><c>--steps N</c> (with <c>--fuzz</c>): generated call lines.</summary>
    public static readonly Option<long?> Steps = new("--steps") { Description = "--fuzz: stop after this many generated call lines, > 0 (each runs once per --as user).", HelpName = "N" };

    /// <summary><c>--seed S</c> (with <c>--fuzz</c>).</summary>
    public static readonly Option<int?> Seed = new("--seed") { Description = "--fuzz: the seed (default 1); the same seed generates the same scenarios.", HelpName = "S" };

    /// <summary><c>--procs K</c> (with <c>--fuzz</c>).</summary>
    public static readonly Option<int?> Procs = RangedOption.Int("--procs", "--fuzz: most processes a scenario declares (one more may be forked)", 1, 3, 3, "K");

    /// <summary>The options, added to <c>kernel</c>.</summary>
    public static IEnumerable<Option> Options => [Fuzz, Seconds, Steps, Seed, Procs, ExplorerOptions.Out];

    /// <summary>What <c>--fuzz</c> was given; null (with <paramref name="error"/> null) without <c>--fuzz</c>.</summary>
    public sealed record Settings(long? Steps, double? Seconds, int Seed, int Procs, string OutDir, string Replay)
    {
        /// <summary><c>--keep DIR</c> was given: the programs stay.</summary>
        public bool Keep { get; init; }
    }

    /// <summary>Reads the <c>--fuzz</c> options; a usage error when they are wrong or given without it.</summary>
    public static Settings? Read(ParseResult parse, string[]? policyNames, string[]? sets, out string? error)
    {
        error = null;
        double? seconds = parse.GetValue(Seconds);
        long? steps = parse.GetValue(Steps);
        int? seed = parse.GetValue(Seed);
        if (!parse.GetValue(Fuzz))
        {
            if (seconds is not null || steps is not null || seed is not null || parse.GetResult(Procs) is { Implicit: false })
            {
                error = "--seconds, --steps, --seed and --procs go with --fuzz";
            }
            return null;
        }
        if (seconds is <= 0 || steps is <= 0)
        {
            error = seconds is <= 0 ? $"--seconds must be > 0, not {seconds}" : $"--steps must be > 0, not {steps}";
            return null;
        }
        string outDir = parse.GetValue(ExplorerOptions.Out)!;
        if (FindingReport.CheckOut(outDir) is { } unwritable)
        {
            error = unwritable;
            return null;
        }
        string replay = string.Join(" ", (policyNames ?? []).Select(p => "--policy " + TextSafety.ShellWord(p))
            .Concat((sets ?? []).Select(s => "--set " + TextSafety.ShellWord(s))));
        return new Settings(steps, seconds ?? (steps is null ? 60 : null), seed ?? 1, parse.GetValue(Procs) ?? 3, outDir, replay);
    }

    /// <summary>Runs the fuzzer on a set-up host and prints its summary; returns the exit status.</summary>
    public static int Run(Terminal terminal, HostComparison host, Settings settings, IReadOnlyList<string> users, bool json)
    {
        var fuzzer = new KernelFuzzer(host, new KernelFuzzOptions(settings.Steps, settings.Seconds, settings.Seed, settings.Procs, users,
            settings.OutDir, settings.Replay, settings.Keep), host.Host?.PageSize ?? Environment.SystemPageSize, host.Host?.MemlockSoft)
        {
            Progress = terminal.Progress,
        };
        KernelFuzzResult r = fuzzer.Run();
        int status = r.Error is not null ? ExitCodes.UsageError
            : r.Difference is not null ? ExitCodes.ExpectationFailed
            : ExitCodes.Ok;
        if (r.Error is not null)
        {
            terminal.ErrorLine("uvmsim: kernel --fuzz: a generated scenario did not run: " + r.Error);
        }
        Print(terminal, json, host.Policy, settings.Seed, users, r);
        return r.Interrupted && r.Difference is null ? ExitCodes.Interrupted : status;
    }

    private static string UsersName(IReadOnlyList<string> users) => users.Count > 1 ? "both" : users[0];

    private static void Print(Terminal terminal, bool json, Policy policy, int seed, IReadOnlyList<string> users, KernelFuzzResult r)
    {
        double Rate(long n) => r.Seconds > 0 ? n / r.Seconds : 0;
        KernelFuzzDifference? d = r.Difference;
        if (json)
        {
            terminal.Line(Json.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("policy", policy.Label);
                w.WriteNumber("seed", seed);
                w.WriteString("as", UsersName(users));
                w.WriteBoolean("interrupted", r.Interrupted);
                w.WriteNumber("scenarios", r.Scenarios);
                w.WriteNumber("runs", r.Runs);
                w.WriteNumber("calls", r.Calls);
                w.WriteNumber("lines", r.Lines);
                w.WriteNumber("na", r.NotApplicable);
                w.WriteNumber("seconds", Math.Round(r.Seconds, 3));
                w.WriteNumber("callsPerSecond", Math.Round(Rate(r.Calls), 1));
                w.WriteNumber("scenariosPerSecond", Math.Round(Rate(r.Scenarios), 2));
                w.WriteNumber("linesPerSecond", Math.Round(Rate(r.Lines), 1));
                w.WriteBoolean("found", d is not null);
                w.StringOrNull("kind", d is null ? null : "difference");
                w.StringOrNull("message", d is null ? null : Message(d));
                w.StringOrNull("foundAs", d?.Users);
                w.StringOrNull("reproducer", d?.Reproducer.Path);
                w.NumberOrNull("reproducerCalls", d?.Reproducer.Calls);
                w.StringOrNull("reproducerText", d?.Reproducer is { Path: null } rep ? rep.Text : null);
                w.StringOrNull("reproducerError", d?.Reproducer.WriteError);
                w.NumberOrNull("shrinkRuns", d?.ShrinkRuns);
                w.StringOrNull("error", r.Error);
                w.WriteEndObject();
            }));
            return;
        }
        terminal.Line($"kernel --fuzz {policy.Label} vs this kernel, as {UsersName(users)}, seed {seed}: {r.Scenarios:N0} scenarios ({r.Runs:N0} runs), "
            + $"{r.Calls:N0} calls, {r.Lines:N0} lines compared ({r.NotApplicable:N0} n/a) in {r.Seconds:F1} s: "
            + $"{Rate(r.Scenarios):F2} scenarios/s, {Rate(r.Lines):F1} lines/s" + (r.Interrupted ? " (interrupted)" : ""));
        if (d is null)
        {
            terminal.Line(r.Error is not null ? "stopped by an error" : r.Interrupted ? "no difference before the interruption" : "no difference");
            return;
        }
        terminal.Line($"found a difference as {d.Users}: {Message(d)}");
        terminal.Line($"shrunk with the host as the oracle in {d.ShrinkRuns} runs ({d.ShrinkSeconds:F1} s)");
        if (d.Reproducer.Path is { } path)
        {
            terminal.Line($"reproducer ({d.Reproducer.Calls} calls): {path}");
        }
        else
        {
            terminal.ErrorLine($"uvmsim: cannot write the reproducer: {d.Reproducer.WriteError}");
            terminal.Line($"reproducer ({d.Reproducer.Calls} calls), not written; its text:");
            foreach (string line in d.Reproducer.Text.TrimEnd('\n').Split('\n'))
            {
                terminal.Line(line);
            }
        }
    }

    private static string Message(KernelFuzzDifference d) =>
        TextSafety.OneLine($"{d.Line.Text} => model {d.Line.Model}, kernel {d.Line.Kernel ?? "(no result)"}"
            + (d.Line.ObservedDiffers ? $"; observed: model {d.Line.ModelObserved?.Format()}, kernel {d.Line.KernelObservedText}" : ""));
}
