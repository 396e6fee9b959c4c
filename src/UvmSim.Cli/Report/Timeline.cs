using UvmSim.Checking;
using UvmSim.Scenarios.Running;

namespace UvmSim.Cli.Report;

/// <summary>One cell of a timeline: a frame's wire count and holders after a call line.</summary>
internal readonly record struct TimelineCell(int Count, Holders Holders)
{
    /// <summary>The count disagrees with the holders (SPEC §10 rule 2): a leak or an underwiring.</summary>
    public bool Mismatch => Count != Holders.Total;
}

/// <summary>
/// A run laid out for the report: x = the scenario's call lines, y = every frame the trace
/// shows (a frame whose count or holders ever moved), each cell the state after that line.
/// Built only from <see cref="LineResult.Trace"/>, so it shows what <c>run --trace</c> prints.
/// </summary>
internal sealed class Timeline
{
    private Timeline(RunResult run, IReadOnlyList<LineResult> columns, IReadOnlyList<int> frames, TimelineCell[,] cells, long[] wired)
    {
        Run = run;
        Columns = columns;
        Frames = frames;
        Cells = cells;
        Wired = wired;
    }

    /// <summary>The run shown.</summary>
    public RunResult Run { get; }

    /// <summary>The call lines, in file order.</summary>
    public IReadOnlyList<LineResult> Columns { get; }

    /// <summary>The frames shown, ascending.</summary>
    public IReadOnlyList<int> Frames { get; }

    /// <summary><c>Cells[row, column]</c>: frame <c>Frames[row]</c> after call <c>Columns[column]</c>.</summary>
    public TimelineCell[,] Cells { get; }

    /// <summary>The <c>wired</c> counter after each call.</summary>
    public long[] Wired { get; }

    /// <summary>
    /// The line to highlight and why: the panic, else the first call whose expectation failed,
    /// else the first call after which the audit found a violation; null when nothing failed.
    /// </summary>
    public (int Line, string Text, string Message)? Failure
    {
        get
        {
            if (Run.Panic is { } p)
            {
                return (p.Line, TextOf(p.Line), "panic: " + p.Message);
            }
            if (Columns.FirstOrDefault(c => c.Status == LineStatus.Fail) is { } f)
            {
                return (f.Line, f.Text, $"expected {f.Expected}, got {f.Actual}" + (f.Error is null ? "" : $" ({f.Error})"));
            }
            if (Columns.FirstOrDefault(c => c.Trace is { Violations.Count: > 0 }) is { Trace: { } t } v)
            {
                string more = t.Violations.Count > 1 ? $" (and {t.Violations.Count - 1} more)" : "";
                return (v.Line, v.Text, t.Violations[0].ToString() + more);
            }
            return null;
        }
    }

    private string TextOf(int line) => Run.Lines.FirstOrDefault(l => l.Line == line)?.Text ?? "";

    /// <summary>Lays out <paramref name="run"/> over the lines in <paramref name="callLines"/>.</summary>
    public static Timeline Of(RunResult run, IReadOnlySet<int> callLines)
    {
        var columns = run.Lines.Where(l => callLines.Contains(l.Line)).ToList();
        var first = new SortedDictionary<int, TimelineCell>();
        foreach (LineResult c in columns)
        {
            foreach (FrameStep f in c.Trace?.Frames ?? [])
            {
                first.TryAdd(f.Frame, new TimelineCell(f.Before, f.HoldersBefore));
            }
        }
        var frames = first.Keys.ToList();
        var row = frames.Select((f, i) => (f, i)).ToDictionary(x => x.f, x => x.i);
        var now = first.Values.ToArray();
        var cells = new TimelineCell[frames.Count, columns.Count];
        var wired = new long[columns.Count];
        long w = columns.FirstOrDefault(c => c.Trace is not null)?.Trace!.WiredBefore ?? 0;
        for (int col = 0; col < columns.Count; col++)
        {
            if (columns[col].Trace is { } t)
            {
                foreach (FrameStep f in t.Frames)
                {
                    now[row[f.Frame]] = new TimelineCell(f.After, f.HoldersAfter);
                }
                w = t.WiredAfter;
            }
            for (int r = 0; r < frames.Count; r++)
            {
                cells[r, col] = now[r];
            }
            wired[col] = w;
        }
        return new Timeline(run, columns, frames, cells, wired);
    }

    /// <summary>A holder kind's name in the report, singular.</summary>
    public static string HolderName(HolderKind kind) => kind switch
    {
        HolderKind.PosixEntry => "POSIX entry",
        HolderKind.BalancedEntry => "balanced entry count",
        HolderKind.SegmentRecord => "segment record",
        HolderKind.TransientRecord => "transient record",
        _ => throw new NotSupportedException($"holder kind {kind}"),
    };

    /// <summary>How many holders of <paramref name="kind"/> <paramref name="h"/> has.</summary>
    public static int Count(Holders h, HolderKind kind) => kind switch
    {
        HolderKind.PosixEntry => h.Posix,
        HolderKind.BalancedEntry => h.Balanced,
        HolderKind.SegmentRecord => h.Segment,
        HolderKind.TransientRecord => h.Transient,
        _ => throw new NotSupportedException($"holder kind {kind}"),
    };
}
