using UvmSim.Policies;

namespace UvmSim.Exploration.Design;

/// <summary>
/// The design lattice (SPEC §6): every combination of the varied switches' values, the
/// others as in the base preset. Enumerated from the policy metadata
/// (<see cref="Policy.SwitchNames"/>, <see cref="Policy.ValuesOf"/>), so a new switch or value
/// enlarges it without a change here.
/// </summary>
public static class Lattice
{
    /// <summary>The name that stands for every switch in <c>--vary</c>.</summary>
    public const string All = "all";

    /// <summary>
    /// The switches <paramref name="text"/> names (<c>all</c>, or a comma list), in table order
    /// and without repeats; null with <paramref name="error"/> set for an unknown switch.
    /// </summary>
    public static IReadOnlyList<string>? ParseVary(string text, out string? error)
    {
        error = null;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == All)
            {
                names.UnionWith(Policy.SwitchNames);
            }
            else if (Policy.ValuesOf(part) is null)
            {
                error = $"--vary takes {All} or switches from {string.Join(", ", Policy.SwitchNames)}, not '{part}'";
                return null;
            }
            else
            {
                names.Add(part);
            }
        }
        if (names.Count == 0)
        {
            error = $"--vary takes {All} or a comma list of switches ({string.Join(", ", Policy.SwitchNames)})";
            return null;
        }
        return [.. Policy.SwitchNames.Where(names.Contains)];
    }

    /// <summary>How many combinations varying <paramref name="vary"/> gives.</summary>
    public static long Count(IReadOnlyList<string> vary) =>
        vary.Aggregate(1L, (n, s) => n * Policy.ValuesOf(s)!.Count);

    /// <summary>
    /// Every combination, odometer order: the first varied switch changes slowest, values in
    /// <see cref="Policy.ValuesOf"/> order. Each is <paramref name="basePolicy"/> with the
    /// varied switches set, labelled <c>PRESET+switch=value,…</c> as <c>--set</c> labels are.
    /// </summary>
    public static IReadOnlyList<Policy> Combinations(Policy basePolicy, IReadOnlyList<string> vary)
    {
        var result = new List<Policy> { basePolicy };
        foreach (string name in vary)
        {
            IReadOnlyList<string> values = Policy.ValuesOf(name)
                ?? throw new ArgumentException($"unknown switch '{name}'", nameof(vary));
            result = [.. result.SelectMany(p => values.Select(v =>
                p.With(name, v, out string? error) ?? throw new InvalidOperationException(error)))];
        }
        return result;
    }
}
