using UvmSim.Policies;

namespace UvmSim.Exploration.Design;

/// <summary>What a switch value does for safety in the table (docs/design.md).</summary>
public enum ValueRole
{
    /// <summary>Every safe combination has it (and one exists).</summary>
    Necessary,
    /// <summary>Some safe combinations have it, some do not: safe only together with the right other values.</summary>
    SufficientWithOthers,
    /// <summary>Changing this switch never changes whether a combination is safe.</summary>
    Irrelevant,
    /// <summary>No safe combination has it.</summary>
    NeverSafe,
}

/// <summary>A switch value and its role.</summary>
public sealed record ValueVerdict(string Switch, string Value, ValueRole Role)
{
    /// <summary>The role as the text and JSON spell it.</summary>
    public string RoleName => Role switch
    {
        ValueRole.Necessary => "necessary",
        ValueRole.SufficientWithOthers => "sufficient-with-others",
        ValueRole.Irrelevant => "irrelevant",
        ValueRole.NeverSafe => "never-safe",
        _ => throw new NotSupportedException($"value role {Role}"),
    };
}

/// <summary><c>switch ∈ values</c>: one conjunct of the safety formula.</summary>
public sealed record Constraint(string Switch, IReadOnlyList<string> Values)
{
    /// <inheritdoc/>
    public override string ToString() => Values.Count == 1 ? $"{Switch}={Values[0]}" : $"{Switch}∈{{{string.Join(", ", Values)}}}";
}

/// <summary>An unsafe combination's finding and the neighbours (one switch moved) that find the same.</summary>
public sealed record SharedFinding(string Label, string Finding, IReadOnlyList<string> SameAs);

/// <summary>
/// The analysis of a design table: a pure function of the combinations' switches and
/// outcomes (<see cref="Of"/>), so a merged table is analysed exactly as a single run.
/// Safety reads as <see cref="Needs"/> ∧ (one of <see cref="AnyOf"/>, when there are several).
/// </summary>
/// <param name="Safe">Labels of the clean combinations, in table order.</param>
/// <param name="MinimalSafe">Safe combinations none of whose switches can be moved back to the base value and stay safe.</param>
/// <param name="Values">Every varied switch value and its role.</param>
/// <param name="Irrelevant">Varied switches that never change safety.</param>
/// <param name="Needs">What every safe combination has: per switch, the values safe combinations use, where not all.</param>
/// <param name="AnyOf">When <see cref="Needs"/> is not enough: alternatives (conjunctions) of which a safe combination meets one; empty otherwise.</param>
/// <param name="Shared">Per unsafe combination, its finding and the neighbours that share it.</param>
/// <param name="Verdict">The answer in words.</param>
public sealed record DesignAnalysis(
    IReadOnlyList<string> Safe,
    IReadOnlyList<string> MinimalSafe,
    IReadOnlyList<ValueVerdict> Values,
    IReadOnlyList<string> Irrelevant,
    IReadOnlyList<Constraint> Needs,
    IReadOnlyList<IReadOnlyList<Constraint>> AnyOf,
    IReadOnlyList<SharedFinding> Shared,
    string Verdict)
{
    /// <summary>
    /// Analyses <paramref name="rows"/>, a lattice over <paramref name="vary"/> from
    /// <paramref name="basePolicy"/> searched to <paramref name="depth"/>. Rows are taken in
    /// the order given; a missing combination counts as neither safe nor unsafe.
    /// </summary>
    public static DesignAnalysis Of(Policy basePolicy, IReadOnlyList<string> vary, int depth, IReadOnlyList<DesignRow> rows)
    {
        var space = new LatticeSpace(basePolicy, vary, rows);
        var irrelevant = vary.Where((_, i) => space.IsIrrelevant(i)).ToList();
        var values = new List<ValueVerdict>();
        int safeTotal = space.SafeCodes.Count;
        for (int i = 0; i < vary.Count; i++)
        {
            for (int v = 0; v < space.Values[i].Count; v++)
            {
                int safeWith = space.SafeCodes.Count(c => space.Digit(c, i) == v);
                ValueRole role = irrelevant.Contains(vary[i]) ? ValueRole.Irrelevant
                    : safeTotal > 0 && safeWith == safeTotal ? ValueRole.Necessary
                    : safeWith == 0 ? ValueRole.NeverSafe
                    : ValueRole.SufficientWithOthers;
                values.Add(new ValueVerdict(vary[i], space.Values[i][v], role));
            }
        }
        var (needs, anyOf) = SafetyFormula.Of(space);
        return new DesignAnalysis(
            [.. rows.Where(r => r.Clean && space.Contains(r)).Select(r => r.Label)],
            [.. rows.Where(r => r.Clean && space.Contains(r) && space.IsMinimal(space.CodeOf(r))).Select(r => r.Label)],
            values, irrelevant, needs, anyOf, SharedWithNeighbours(space, rows),
            VerdictText(space, depth, irrelevant, needs, anyOf));
    }

    private static List<SharedFinding> SharedWithNeighbours(LatticeSpace space, IReadOnlyList<DesignRow> rows)
    {
        var shared = new List<SharedFinding>();
        foreach (DesignRow r in rows.Where(r => !r.Clean && space.Contains(r)))
        {
            string family = r.Family!;
            var same = space.Neighbours(space.CodeOf(r))
                .Select(space.RowAt)
                .Where(n => n is { Clean: false } && n.Family == family)
                .Select(n => n!.Label)
                .ToList();
            shared.Add(new SharedFinding(r.Label, family, same));
        }
        return shared;
    }

    private static string VerdictText(LatticeSpace space, int depth, List<string> irrelevant, IReadOnlyList<Constraint> needs, IReadOnlyList<IReadOnlyList<Constraint>> anyOf)
    {
        string where = $"under this universe to depth {depth}";
        int safe = space.SafeCodes.Count, total = space.Present;
        string tail = irrelevant.Count == 0 ? ""
            : $"; {Join(irrelevant)} {(irrelevant.Count == 1 ? "is" : "are")} irrelevant at this depth";
        if (total == 0)
        {
            return "no combination was searched";
        }
        if (safe == 0)
        {
            return $"{where}, no combination is safe: all {total} have a panic or violation{tail}.";
        }
        if (needs.Count == 0 && anyOf.Count == 0)
        {
            return $"{where}, every combination searched is safe ({total}){tail}.";
        }
        var parts = needs.Select(c => c.ToString()).ToList();
        if (anyOf.Count > 0)
        {
            parts.Add("(" + string.Join(" ∨ ", anyOf.Select(a => a.Count == 1 ? a[0].ToString() : "(" + string.Join(" ∧ ", a) + ")")) + ")");
        }
        string enough = anyOf.Count == 0 ? ", and that is enough" : "";
        return $"{where}, safety needs {string.Join(" ∧ ", parts)}{enough}{tail}. {safe} of {total} combinations are safe.";
    }

    private static string Join(List<string> names) =>
        names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " and " + names[^1];
}
