using System.Text.Json;

namespace UvmSim.Cli.Report;

/// <summary>One combination of a <c>uvmsim design</c> result: a switch setting and what the search found under it.</summary>
internal sealed record DesignCombination(
    string Label,
    IReadOnlyList<(string Switch, string Value)> Switches,
    bool Clean,
    long? Depth,
    long? States,
    string? Kind,
    string? Message,
    string? Reproducer,
    long? ReproducerCalls,
    double? Seconds);

/// <summary>A <c>uvmsim design --format json</c> document: the lattice, its universe and its analysis, as text.</summary>
internal sealed record DesignInput(string File, IReadOnlyList<DesignCombination> Combinations,
    IReadOnlyList<(string Key, string Value)> Universe, IReadOnlyList<(string Key, string Value)> Analysis);

/// <summary>An <c>uvmsim explore --format json</c> summary (docs/json.md).</summary>
internal sealed record ExploreInput(
    string File, string Policy, long States, double Seconds, bool Found, string? Kind, string? Message,
    string? Reproducer, IReadOnlyList<long> StatesPerDepth);

/// <summary>
/// Reads the JSON files <c>report --design</c> and <c>--explore</c> take. A file that cannot be
/// read or has the wrong shape is an error message naming it, never an exception.
/// </summary>
internal static class ReportInputs
{
    /// <summary>The design document in <paramref name="path"/>, or why it cannot be used.</summary>
    public static (DesignInput? Design, string? Error) ReadDesign(string path)
    {
        if (Load(path, out string? error) is not { } root)
        {
            return (null, error);
        }
        try
        {
            // The combinations are the one array of objects with a label and switches, whatever
            // the document calls it; it may also be the document itself.
            JsonElement? list = root.ValueKind == JsonValueKind.Array ? root
                : root.ValueKind == JsonValueKind.Object ? root.EnumerateObject().Select(p => p.Value)
                    .Cast<JsonElement?>().FirstOrDefault(v => v is { ValueKind: JsonValueKind.Array } a && a.EnumerateArray().Any(IsCombination))
                : null;
            if (list is not { } array)
            {
                return (null, $"{path}: not a 'uvmsim design --format json' document (no combinations with label and switches)");
            }
            var combos = array.EnumerateArray().Where(IsCombination).Select(c => new DesignCombination(
                c.GetProperty("label").GetString() ?? "",
                c.GetProperty("switches").EnumerateObject().Select(s => (s.Name, Text(s.Value) ?? "")).ToList(),
                c.TryGetProperty("clean", out var clean) && clean.ValueKind == JsonValueKind.True,
                Long(c, "depth"), Long(c, "states"), Str(c, "kind"), Str(c, "message"), Str(c, "reproducer"),
                Long(c, "reproducerCalls"), Double(c, "seconds"))).ToList();
            var universe = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("universe", out var u) ? Pairs(u) : [];
            var analysis = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("analysis", out var a) ? Pairs(a) : [];
            return (new DesignInput(path, combos, universe, analysis), null);
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return (null, $"{path}: not a 'uvmsim design --format json' document: {e.Message}");
        }
    }

    /// <summary>The explore summary in <paramref name="path"/>, or why it cannot be used.</summary>
    public static (ExploreInput? Explore, string? Error) ReadExplore(string path)
    {
        if (Load(path, out string? error) is not { } root)
        {
            return (null, error);
        }
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("policy", out _) || !root.TryGetProperty("states", out _))
        {
            return (null, $"{path}: not an 'uvmsim explore --format json' summary (no policy and states)");
        }
        try
        {
            var perDepth = root.TryGetProperty("statesPerDepth", out var d) && d.ValueKind == JsonValueKind.Array
                ? d.EnumerateArray().Select(x => x.GetInt64()).ToList()
                : [];
            return (new ExploreInput(path, Str(root, "policy") ?? "", Long(root, "states") ?? 0, Double(root, "seconds") ?? 0,
                root.TryGetProperty("found", out var f) && f.ValueKind == JsonValueKind.True,
                Str(root, "kind"), Str(root, "message"), Str(root, "reproducer"), perDepth), null);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            return (null, $"{path}: not an 'uvmsim explore --format json' summary: {e.Message}");
        }
    }

    private static bool IsCombination(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.String
        && e.TryGetProperty("switches", out var s) && s.ValueKind == JsonValueKind.Object;

    private static JsonElement? Load(string path, out string? error)
    {
        error = null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            error = $"{path}: not valid JSON: {e.Message}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = $"{path}: cannot read file: {e.Message}";
        }
        return null;
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Long(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) ? n : null;

    private static double? Double(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    /// <summary>An object's members as (name, text); any other value as one pair with an empty name.</summary>
    private static List<(string, string)> Pairs(JsonElement v) => v.ValueKind == JsonValueKind.Object
        ? v.EnumerateObject().Select(p => (p.Name, Text(p.Value) ?? "null")).ToList()
        : Text(v) is { } t ? [("", t)] : [];

    /// <summary>A value as display text: strings as they are, anything else as compact JSON.</summary>
    private static string? Text(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => v.GetRawText(),
    };
}
