using UvmSim.Policies;

namespace UvmSim.Cli;

/// <summary>Turns <c>--policy</c> and <c>--set</c> values into policies, or a usage message.</summary>
internal static class PolicySelection
{
    /// <summary>The name that stands for every preset.</summary>
    public const string All = "all";

    /// <summary>
    /// The selected presets in the order given (duplicates dropped; none given means all), each with
    /// every <c>--set</c> applied in order. Returns null with <paramref name="error"/> set for an
    /// unknown preset, a malformed <c>--set</c>, or an unknown switch or value.
    /// </summary>
    public static IReadOnlyList<Policy>? Resolve(IEnumerable<string>? policies, IEnumerable<string>? sets, out string? error)
    {
        error = null;
        var names = new List<string>();
        foreach (string raw in policies ?? [])
        {
            foreach (string part in raw.Split(',', StringSplitOptions.TrimEntries))
            {
                if (part == All)
                {
                    names.AddRange(PresetNames.All);
                }
                else if (PresetNames.Named.Contains(part))
                {
                    names.Add(part);
                }
                else
                {
                    error = $"unknown policy '{part}' (expected {All}, {string.Join(", ", PresetNames.Named)})";
                    return null;
                }
            }
        }
        if (names.Count == 0)
        {
            names.AddRange(PresetNames.All);
        }

        var overrides = new List<(string Switch, string Value)>();
        foreach (string set in sets ?? [])
        {
            int eq = set.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == set.Length - 1)
            {
                error = $"--set takes SWITCH=VALUE (switches: {string.Join(", ", Policy.AllSwitchNames)}), not '{set}'";
                return null;
            }
            overrides.Add((set[..eq].Trim(), set[(eq + 1)..].Trim()));
        }

        var result = new List<Policy>();
        foreach (string name in names.Distinct())
        {
            Policy policy = Policy.FromPreset(name)!;
            foreach (var (sw, value) in overrides)
            {
                Policy? next = policy.With(sw, value, out string? message);
                if (next is null)
                {
                    error = message;
                    return null;
                }
                policy = next;
            }
            result.Add(policy);
        }
        return result;
    }
}
