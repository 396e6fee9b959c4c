using System.Numerics;

namespace UvmSim.Exploration.Design;

/// <summary>
/// Safety as a formula over switch values: <c>needs</c>, for each relevant switch the values
/// safe combinations use (when not all), then, if that box of the lattice still holds unsafe
/// combinations, alternatives: a cover of the safe combinations by maximal boxes (products of
/// value sets holding only safe combinations), chosen greedily, largest first. Every
/// combination that meets <c>needs</c> and one alternative is safe, and every safe one does.
/// </summary>
internal static class SafetyFormula
{
    /// <summary>Beyond this many candidate boxes each safe combination is its own alternative (still exact, only longer).</summary>
    private const long MaxBoxes = 1_000_000;

    public static (IReadOnlyList<Constraint> Needs, IReadOnlyList<IReadOnlyList<Constraint>> AnyOf) Of(LatticeSpace s)
    {
        if (s.SafeCodes.Count == 0)
        {
            return ([], []);
        }
        int k = s.Vary.Count;
        var allowed = new int[k];
        foreach (int code in s.SafeCodes)
        {
            for (int i = 0; i < k; i++)
            {
                allowed[i] |= 1 << s.Digit(code, i);
            }
        }
        var needs = new List<Constraint>();
        for (int i = 0; i < k; i++)
        {
            if (allowed[i] != (1 << s.Values[i].Count) - 1 && !s.IsIrrelevant(i))
            {
                needs.Add(Conjunct(s, i, allowed[i]));
            }
        }
        if (Members(s, allowed).Count() == s.SafeCodes.Count && Members(s, allowed).All(s.IsSafe))
        {
            return (needs, []);
        }
        List<int[]> candidates = MaximalBoxes(s, allowed) ?? [.. s.SafeCodes.Select(c => Point(s, c))];
        var cover = Cover(s, candidates);
        return (needs, [.. cover.Select(box => (IReadOnlyList<Constraint>)[.. Enumerable.Range(0, k)
            .Where(i => box[i] != allowed[i])
            .Select(i => Conjunct(s, i, box[i]))])]);
    }

    private static Constraint Conjunct(LatticeSpace s, int i, int mask) =>
        new(s.Vary[i], [.. s.Values[i].Where((_, v) => (mask & (1 << v)) != 0)]);

    private static int[] Point(LatticeSpace s, int code) => [.. Enumerable.Range(0, s.Vary.Count).Select(i => 1 << s.Digit(code, i))];

    /// <summary>The codes of the box <paramref name="masks"/> (a value set per switch).</summary>
    private static IEnumerable<int> Members(LatticeSpace s, int[] masks)
    {
        var codes = new List<int> { 0 };
        for (int i = 0; i < masks.Length; i++)
        {
            var next = new List<int>();
            foreach (int c in codes)
            {
                for (int v = 0; v < s.Values[i].Count; v++)
                {
                    if ((masks[i] & (1 << v)) != 0)
                    {
                        next.Add(s.WithDigit(c, i, v));
                    }
                }
            }
            codes = next;
        }
        return codes;
    }

    /// <summary>Every box inside <paramref name="allowed"/> holding only safe combinations and not inside a larger one; null if there are too many to try.</summary>
    private static List<int[]>? MaximalBoxes(LatticeSpace s, int[] allowed)
    {
        int k = allowed.Length;
        long count = 1;
        foreach (int a in allowed)
        {
            count *= (1L << BitOperations.PopCount((uint)a)) - 1;
            if (count > MaxBoxes)
            {
                return null;
            }
        }
        var safeBoxes = new HashSet<string>(StringComparer.Ordinal);
        var boxes = new List<int[]>();
        var masks = new int[k];
        void Walk(int i)
        {
            if (i == k)
            {
                if (Members(s, masks).All(s.IsSafe))
                {
                    safeBoxes.Add(Key(masks));
                    boxes.Add((int[])masks.Clone());
                }
                return;
            }
            // Every non-empty subset of the allowed values, larger sets first.
            for (int m = allowed[i]; m > 0; m = (m - 1) & allowed[i])
            {
                masks[i] = m;
                Walk(i + 1);
            }
        }
        Walk(0);
        return [.. boxes.Where(b => !Enumerable.Range(0, k).Any(i => Grows(s, b, i, allowed[i]).Any(g => safeBoxes.Contains(Key(g)))))];
    }

    private static IEnumerable<int[]> Grows(LatticeSpace s, int[] box, int i, int allowed)
    {
        for (int v = 0; v < s.Values[i].Count; v++)
        {
            int bit = 1 << v;
            if ((allowed & bit) != 0 && (box[i] & bit) == 0)
            {
                int[] g = (int[])box.Clone();
                g[i] |= bit;
                yield return g;
            }
        }
    }

    private static string Key(int[] masks) => string.Join(',', masks);

    /// <summary>A greedy cover of the safe combinations, then without any box the others already cover.</summary>
    private static List<int[]> Cover(LatticeSpace s, List<int[]> candidates)
    {
        var members = candidates.Select(b => Members(s, b).ToHashSet()).ToList();
        var uncovered = s.SafeCodes.ToHashSet();
        var chosen = new List<int>();
        while (uncovered.Count > 0)
        {
            int best = -1, bestGain = 0;
            for (int c = 0; c < candidates.Count; c++)
            {
                int gain = members[c].Count(uncovered.Contains);
                if (gain > bestGain)
                {
                    best = c;
                    bestGain = gain;
                }
            }
            chosen.Add(best);
            uncovered.ExceptWith(members[best]);
        }
        for (int j = chosen.Count - 1; j >= 0; j--)
        {
            var others = chosen.Where((_, x) => x != j).SelectMany(c => members[c]).ToHashSet();
            if (members[chosen[j]].All(others.Contains))
            {
                chosen.RemoveAt(j);
            }
        }
        return [.. chosen.Select(c => candidates[c])];
    }
}
