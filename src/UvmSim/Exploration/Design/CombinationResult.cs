using UvmSim.Policies;

namespace UvmSim.Exploration.Design;

/// <summary>
/// One combination's outcome, independent of every other (so sharded runs merge by
/// concatenation): clean to <see cref="Depth"/>, or the kind and message of its first
/// finding at that depth and its shrunk reproducer.
/// </summary>
/// <param name="Label">The policy label, <c>PRESET+switch=value,…</c>.</param>
/// <param name="Switches">Every switch's value, in table order.</param>
/// <param name="Clean">No panic or violation was found.</param>
/// <param name="Depth">Clean: the depth searched; found: the calls of the sequence that found it.</param>
/// <param name="States">Distinct states explored (plus the fuzzer's, when it ran).</param>
/// <param name="Kind"><c>panic</c> or <c>violation</c>; null when clean.</param>
/// <param name="Message">The panic text or the violations; null when clean.</param>
/// <param name="Reproducer">The shrunk reproducer as scenario text (<c>uvmsim run</c> replays it); null when clean.</param>
/// <param name="ReproducerCalls">The reproducer's calls; null when clean.</param>
/// <param name="Seconds">Time this combination took.</param>
public sealed record CombinationResult(
    string Label,
    IReadOnlyList<KeyValuePair<string, string>> Switches,
    bool Clean,
    int Depth,
    long States,
    string? Kind,
    string? Message,
    string? Reproducer,
    int? ReproducerCalls,
    double Seconds)
{
    /// <summary>What the analysis reads.</summary>
    public DesignRow Row => new(Label, Switches.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), Clean, Kind, Message);
}

/// <summary>
/// A combination as the analysis sees it: its switches, whether it is clean and what it
/// found. Exactly fields of the JSON table, so the analysis of a merged table is computed the
/// same way.
/// </summary>
public sealed record DesignRow(string Label, IReadOnlyDictionary<string, string> Switches, bool Clean, string? Kind, string? Message)
{
    /// <summary>
    /// The finding's family, what neighbours compare: a panic's text, or the violation kinds
    /// the message names (SPEC §10.1), in the order named. Null when clean.
    /// </summary>
    public string? Family => Clean ? null : Kind == "panic" ? $"panic \"{Message}\"" : "violation " + string.Join(", ", ViolationKinds(Message ?? ""));

    private static IEnumerable<string> ViolationKinds(string message) =>
        message.Split("; ")
            .Select(part => part.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 ? part[..colon] : "")
            .Where(kind => kind.Length > 0 && !kind.Contains(' ', StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal);
}
