using UvmSim.Scenarios.CEmit;
using UvmSim.Scenarios.Running;
using UvmSim.Scenarios.Syntax;

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

/// <summary>One line compared: the model's and the kernel's result texts (<see cref="CEmitOutput"/>).</summary>
/// <param name="Kernel">Null when the program printed nothing for the line.</param>
internal sealed record ComparedLine(int Line, string? Proc, string Text, string Model, string? Kernel, Agreement Status);

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
    /// </summary>
    public static FileComparison Of(Scenario scenario, RunResult model, IReadOnlyDictionary<int, string> kernel, CTarget target,
        bool strict = false, string users = "declared")
    {
        var asked = scenario.Statements.Where(CEmitOutput.AsksKernel).Select(s => s.Line).ToHashSet();
        HashSet<int> chosen = strict ? [] : scenario.Statements.OfType<CallStatement>().Where(c => KernelChooses(c.Call)).Select(c => c.Line).ToHashSet();
        var lines = new List<ComparedLine>();
        foreach (LineResult line in model.Lines.Where(l => asked.Contains(l.Line)))
        {
            string modelText = CEmitOutput.Of(line);
            string? kernelText = kernel.GetValueOrDefault(line.Line);
            Agreement status = kernelText is null || !CEmitOutput.IsAnswer(kernelText) || !ModelRan(line) ? Agreement.NotApplicable
                : kernelText == modelText ? Agreement.Same
                : chosen.Contains(line.Line) && IsOk(kernelText) && IsOk(modelText) ? Agreement.Same
                : Agreement.Differs;
            lines.Add(new ComparedLine(line.Line, line.Proc, line.Text, modelText, kernelText, status));
        }
        return new FileComparison(model.File, model.Policy.Label, target, lines, users);
    }

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
