using UvmSim.Exploration;
using UvmSim.Undo;

namespace UvmSim.Bench;

/// <summary>
/// What the explorer's undo walk logs per successor, counted rather than timed (the same on
/// any machine): for states seven random calls deep in the explorer's default universe, every
/// call of the alphabet is applied after a mark, its log entries are sorted by kind, and it is
/// undone. <c>dotnet run -c Release --project bench/UvmSim.Bench -- census [preset]</c>.
/// </summary>
internal static class UndoCensus
{
    public static void Run(string preset)
    {
        Policies.Policy policy = Policies.Policy.FromPreset(preset)
            ?? throw new ArgumentException($"no preset named {preset}", nameof(preset));
        var u = new Universe(policy, Pages: 32, Procs: 1); // explore's defaults
        IReadOnlyList<Op> alphabet = Explorer.Alphabet(2, 2, transient: false);
        var rng = new Random(1);
        var kinds = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var targets = new Dictionary<string, long>();
        long successors = 0, unchanged = 0, entries = 0;
        var log = new UndoLog();
        for (int s = 0; s < 3000; s++)
        {
            OpInterpreter d = u.Boot();
            if (!Walk(d, alphabet, rng, 7))
            {
                continue;
            }
            log.Activate();
            try
            {
                foreach (Op op in alphabet)
                {
                    if (op.Proc >= d.ProcessCount)
                    {
                        continue;
                    }
                    int mark = log.Mark();
                    try
                    {
                        d.Apply(op);
                    }
                    catch (KernelPanic)
                    {
                        log.Undo(mark);
                        continue;
                    }
                    successors++;
                    unchanged += log.NothingBut(mark, d) ? 1 : 0;
                    foreach (ref readonly UndoLog.Entry e in log.Since(mark))
                    {
                        entries++;
                        string kind = KindOf(e.Restorer.GetType());
                        kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
                        string what = $"{kind}: {op.Kind} saves {e.Target.GetType().Name}";
                        targets[what] = targets.GetValueOrDefault(what) + 1;
                    }
                    log.Undo(mark);
                }
            }
            finally
            {
                UndoLog.Deactivate();
                log.Clear();
            }
        }
        Console.WriteLine($"{preset}: {successors:N0} successors of 3,000 random states seven calls deep; {(double)unchanged / successors:P0} logged nothing but the interpreter");
        Console.WriteLine($"log entries per successor: {(double)entries / successors:F2}");
        foreach (var (kind, n) in kinds)
        {
            Console.WriteLine($"  {kind,-28} {(double)n / successors:F2}");
        }
        Console.WriteLine("the most frequent (kind: call saves type):");
        foreach (var (what, n) in targets.OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal).Take(15))
        {
            Console.WriteLine($"  {(double)n / successors:F3}  {what}");
        }
    }

    /// <summary>Applies <paramref name="calls"/> random applicable calls; false if one panicked.</summary>
    private static bool Walk(OpInterpreter d, IReadOnlyList<Op> alphabet, Random rng, int calls)
    {
        for (int k = 0; k < calls; k++)
        {
            Op op = alphabet[rng.Next(alphabet.Count)];
            if (op.Proc >= d.ProcessCount)
            {
                k--;
                continue;
            }
            try
            {
                d.Apply(op);
            }
            catch (KernelPanic)
            {
                return false;
            }
        }
        return true;
    }

    private static string KindOf(Type restorer) =>
        restorer.IsGenericType ? restorer.GetGenericTypeDefinition() switch
        {
            var t when t == typeof(FieldRestorer<>) => "object saved whole",
            var t when t == typeof(FieldSlotRestorer<>) => "field",
            var t when t == typeof(ElementRestorer<>) => "frame (array element)",
            var t when t == typeof(ArrayRestorer<>) => "array saved whole",
            _ => "collection change",
        } : "collection change";
}
