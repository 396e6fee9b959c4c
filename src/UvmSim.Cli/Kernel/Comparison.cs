using UvmSim.Emit;
using UvmSim.Scenarios.Running;
using UvmSim.Scenarios.Syntax;
using UvmSim;

namespace UvmSim.Cli.KernelComparison;

/// <summary>How a line's model result and kernel result compare.</summary>
internal enum Agreement
{
    /// <summary>Both printed the same result.</summary>
    Same,
    /// <summary>Both answered, differently.</summary>
    Differs,
    /// <summary>
    /// Nothing to compare: the kernel had no answer (no user-level equivalent, a call not made,
    /// the process gone) or the model did not run the line (after a panic, or by an exited process).
    /// </summary>
    NotApplicable,
}

/// <summary>
/// One line compared: the model's and the kernel's result texts (<see cref="CEmitOutput"/>), and
/// the observed digests after it (SPEC §17.8), where both sides took one.
/// </summary>
/// <param name="Kernel">Null when the program printed nothing for the line.</param>
/// <param name="KernelObservedText">The kernel's digest as printed (kept when it does not parse).</param>
internal sealed record ComparedLine(int Line, string? Proc, string Text, string Model, string? Kernel, Agreement Status,
    ObservedDigest? ModelObserved = null, ObservedDigest? KernelObserved = null, string? KernelObservedText = null)
{
    /// <summary>Whether both digests were taken and they differ (a line can differ by its digest alone).</summary>
    public bool ObservedDiffers => KernelObservedText is not null && ModelObserved is not null
        && (KernelObserved is null || KernelObserved.Format() != ModelObserved.Format());
}

/// <summary>A scenario file compared line by line, under one policy, on one kernel, as one set of users (<c>--as</c>).</summary>
internal sealed record FileComparison(string File, string Policy, CTarget Target, IReadOnlyList<ComparedLine> Lines, string As = "declared")
{
    /// <summary>Lines with the same result.</summary>
    public int Same => Lines.Count(l => l.Status == Agreement.Same);

    /// <summary>Lines with different results.</summary>
    public int Differs => Lines.Count(l => l.Status == Agreement.Differs);

    /// <summary>Lines with nothing to compare.</summary>
    public int NotApplicable => Lines.Count(l => l.Status == Agreement.NotApplicable);

    /// <summary>The target's name as <c>emit-c --target</c> takes it.</summary>
    public string TargetName => Target == CTarget.NetBsd ? "netbsd" : "linux";

    /// <summary>
    /// Pairs the model's lines with the kernel's printed results. Only the lines the emitted
    /// program asks the kernel about are kept (<see cref="CEmitOutput.AsksKernel"/>): every call,
    /// and the segment checks; checks of the model's internal state have no kernel side at all.
    /// A line the model did not run because the kernel skipped it (<see cref="ForModel"/>) is
    /// <c>n/a</c> with the kernel's reason; so is every line of a file the host cannot run
    /// faithfully (<see cref="HostUnsafe"/>) and each line SPEC §17.1 skips.
    /// </summary>
    public static FileComparison Of(Scenario scenario, RunResult model, IReadOnlyDictionary<int, string> kernel, CTarget target,
        bool strict = false, string users = "declared") => Of(scenario, model, kernel, target, strict, users, null, null);

    /// <summary>
    /// As <see cref="Of(Scenario, RunResult, IReadOnlyDictionary{int, string}, CTarget, bool, string)"/>,
    /// and after each line the observed digests (SPEC §17.8) too: the model's
    /// (<see cref="ScenarioRunner.Observed"/>) and the kernel's (<see cref="KernelRun.Observed"/>).
    /// A line whose results agree is <c>same</c> only if its digests are equal as well. Processes
    /// the kernel has and the model does not by an emulated limit (beyond <c>maxproc</c>, a
    /// <c>fork</c> refused at it) are left out of the kernel's digest.
    /// </summary>
    public static FileComparison Of(Scenario scenario, RunResult model, IReadOnlyDictionary<int, string> kernel, CTarget target,
        bool strict, string users, IReadOnlyDictionary<int, ObservedDigest>? modelObserved, IReadOnlyDictionary<int, string>? kernelObserved)
    {
        var byLine = model.Lines.GroupBy(l => l.Line).ToDictionary(g => g.Key, g => g.First());
        string? unsafeReason = HostUnsafe(scenario);
        HashSet<string> beyond = BeyondMaxproc(scenario);
        var hostOnly = new HashSet<string>(beyond, StringComparer.Ordinal);
        var hostOnlyNames = new HashSet<string>(StringComparer.Ordinal);
        var lines = new List<ComparedLine>();
        foreach (Statement statement in scenario.Statements.Where(CEmitOutput.AsksKernel))
        {
            string? kernelText = kernel.GetValueOrDefault(statement.Line);
            string proc = statement is CallStatement { Proc: { } cp } ? cp : statement is CheckStatement { Proc: { } kp } ? kp : "";
            if (!byLine.TryGetValue(statement.Line, out LineResult? line))
            {
                lines.Add(new ComparedLine(statement.Line, proc.Length == 0 ? null : proc, statement.Text, SkippedAsOnTheKernel, kernelText, Agreement.NotApplicable));
                continue;
            }
            string modelText = CEmitOutput.Of(line);
            bool skipped = kernelText is not null && Skipped(statement, modelText, kernelText);
            if (skipped && statement is CallStatement { Call: ForkCall refused })
            {
                hostOnly.Add(refused.Child);
            }
            Agreement status = unsafeReason is not null || kernelText is null || !CEmitOutput.IsAnswer(kernelText) || !ModelRan(line)
                || beyond.Contains(proc) || skipped ? Agreement.NotApplicable
                : kernelText == modelText ? Agreement.Same
                : !strict && statement is CallStatement c && KernelChooses(c.Call) && IsOk(kernelText) && IsOk(modelText) ? Agreement.Same
                : Agreement.Differs;

            string? theirsText = kernelObserved?.GetValueOrDefault(statement.Line);
            // A name only the kernel bound (its line is n/a: an emulated limit, a skip) is the
            // kernel's alone until a compared line binds it again.
            if (statement is CallStatement { BindName: { } bound })
            {
                if (status == Agreement.NotApplicable && kernelText is not null && IsOk(kernelText))
                {
                    hostOnlyNames.Add(bound);
                }
                else
                {
                    hostOnlyNames.Remove(bound);
                }
            }
            ObservedDigest? theirs = theirsText is null ? null : Without(ObservedDigest.Parse(theirsText, out _), hostOnly, hostOnlyNames);
            ObservedDigest? mine = Without(modelObserved?.GetValueOrDefault(statement.Line), hostOnly, hostOnlyNames);
            var compared = new ComparedLine(line.Line, line.Proc, line.Text, modelText, kernelText, status, mine, theirs, theirsText);
            if (status == Agreement.Same && compared.ObservedDiffers)
            {
                compared = compared with { Status = Agreement.Differs };
            }
            lines.Add(compared);
        }
        return new FileComparison(model.File, model.Policy.Label, target, lines, users);
    }

    /// <summary>The model's text for a line it skipped because the kernel did (<see cref="ForModel"/>).</summary>
    public const string SkippedAsOnTheKernel = "(skipped, as on the kernel)";

    /// <summary>
    /// Why no line of <paramref name="scenario"/> can be compared on this host, or null: a
    /// <c>sysctl</c> line sets a tunable that is global on the host (SPEC §17.1).
    /// </summary>
    public static string? HostUnsafe(Scenario scenario) =>
        scenario.Statements.OfType<SysctlStatement>().Any() ? "sysctl: the host's SysV tunables are global" : null;

    /// <summary>
    /// SPEC §17.1's per-line skips that the emitted program cannot announce itself: a SysV id
    /// given as a literal (ids are the kernel's, literal ones are never sent), a <c>fork</c> the
    /// model refuses at <c>maxproc</c> (an emulated EAGAIN), and a <c>minherit</c> with no Linux
    /// equivalent (<c>share</c> on a private entry, <c>copy</c> on a shared one: the model's
    /// EINVAL, the kernel's no-op madvise).
    /// </summary>
    private static bool Skipped(Statement statement, string model, string kernel) => statement switch
    {
        CallStatement { Call: ShmctlCall c } => IsLiteral(c.Id),
        CallStatement { Call: ShmatCall c } => IsLiteral(c.Id),
        CheckStatement { Check: SegmentCheck c } => IsLiteral(c.Id),
        CallStatement { Call: ForkCall } => model == nameof(Errno.EAGAIN) && IsOk(kernel),
        CallStatement { Call: MinheritCall { Inheritance: Map.Inheritance.Share or Map.Inheritance.Copy } } =>
            model == nameof(Errno.EINVAL) && IsOk(kernel),
        _ => false,
    };

    /// <summary>The digest without the processes in <paramref name="procs"/> and the names in <paramref name="names"/>.</summary>
    private static ObservedDigest? Without(ObservedDigest? digest, HashSet<string> procs, HashSet<string> names) =>
        digest is null || procs.Count == 0 && names.Count == 0 ? digest
        : digest with
        {
            Procs = digest.Procs.Where(kv => !procs.Contains(kv.Key)).ToDictionary(kv => kv.Key,
                kv => kv.Value with { Ranges = kv.Value.Ranges.Where(r => !names.Contains(r.Key)).ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal) },
                StringComparer.Ordinal),
            Segments = digest.Segments.Where(kv => !names.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
        };

    /// <summary>Processes declared beyond <c>machine maxproc</c>: the model has none, the host does (an emulated limit).</summary>
    private static HashSet<string> BeyondMaxproc(Scenario scenario)
    {
        ulong? max = scenario.Statements.OfType<MachineStatement>().LastOrDefault(m => m.MaxProc is not null)?.MaxProc;
        return max is { } m
            ? scenario.Statements.OfType<ProcStatement>().Select(p => p.Name).Skip((int)Math.Min(m, int.MaxValue)).ToHashSet()
            : [];
    }

    private static bool IsLiteral(Expr e) => e.Terms.All(t => t.Name is null);

    /// <summary>
    /// The scenario the model runs beside the kernel (SPEC §17.1: "the model skips the same
    /// lines"): without the lines the emitted program did not send to the kernel
    /// (<paramref name="kernel"/> answered them with a parenthesised reason, so a name they bind
    /// stays unbound on both sides), and with <c>machine</c> keys other than <c>page</c> and
    /// <c>maxproc</c> dropped, since the model runs on the host's machine.
    /// </summary>
    public static Scenario ForModel(Scenario scenario, IReadOnlyDictionary<int, string> kernel)
    {
        var kept = new List<Statement>();
        foreach (Statement s in scenario.Statements)
        {
            if (s is CallStatement && kernel.TryGetValue(s.Line, out string? k) && IsSkipReason(k))
            {
                continue;
            }
            kept.Add(s is MachineStatement m ? m with { Pages = null, WiredMax = null, Swap = null, FreeTarget = null, Diagnostics = null } : s);
        }
        return scenario with { Statements = EquatableList.Create<Statement>(kept.ToArray()) };
    }

    /// <summary>Answers meaning the emitted program did not make the call at all.</summary>
    private static bool IsSkipReason(string text) =>
        text is CEmitOutput.NotReproducible or CEmitOutput.NotOnThisSystem or CEmitOutput.Overlaps or CEmitOutput.Unchecked;

    /// <summary>
    /// Calls whose successful value the kernel chooses (SPEC §17.1, §17.8): addresses (mmap,
    /// shmat, brk) and ids (shmget, fork). Their success is compared as <c>ok</c>, not by value;
    /// every later use goes through the name each side bound, so it names the same object on both.
    /// </summary>
    public static bool KernelChooses(Call call) => call is MmapCall or ShmatCall or BrkCall or ShmgetCall or ForkCall;

    private static bool IsOk(string text) => text.StartsWith(CEmitOutput.OkPrefix, StringComparison.Ordinal);

    /// <summary>Whether the model ran the line: not <c>dead</c> (after a panic) nor <c>exited</c> (ScenarioRunner's words).</summary>
    private static bool ModelRan(LineResult line) => line.Actual is not ("dead" or "exited");
}
