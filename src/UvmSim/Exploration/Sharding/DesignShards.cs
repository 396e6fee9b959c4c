using System.Globalization;
using System.Text.Json;
using UvmSim.Exploration.Design;
using UvmSim.Policies;

namespace UvmSim.Exploration.Sharding;

/// <summary>
/// <c>design --shard I/N</c>: a shard runs the combinations whose index in the lattice is I
/// modulo N and writes their rows, each with its index; the merge puts every row back in
/// lattice order. A combination's row depends on nothing else (docs/design.md), so the merged
/// table, and the analysis computed from it, are the single run's.
/// </summary>
public static class DesignShards
{
    /// <summary>The settings that decide a design run's table.</summary>
    public static SortedDictionary<string, string> Settings(DesignOptions o) => new(StringComparer.Ordinal)
    {
        ["base"] = o.Base.Preset,
        ["vary"] = string.Join(",", o.Vary),
        ["combinations"] = Lattice.Count(o.Vary).ToString(CultureInfo.InvariantCulture),
        ["depth"] = Num(o.Depth),
        ["procs"] = Num(o.Procs),
        ["pages"] = Num(o.MappingPages),
        ["frames"] = Num(o.Frames),
        ["transient"] = o.Transient ? "true" : "false",
        ["ops"] = string.Join(",", OpGroupNames.Names(o.Ops)),
        ["fuzzSteps"] = o.FuzzSteps.ToString(CultureInfo.InvariantCulture),
        ["seed"] = Num(o.Seed),
        ["diagnostics"] = o.Diagnostics is false ? "false" : "true",
    };

    /// <summary>Writes a design shard's file: its rows, with their lattice indices, as the payload.</summary>
    public static string Write(string dir, ShardSpec shard, DesignOptions o, IReadOnlyList<(int Index, CombinationResult Row)> rows, double seconds)
    {
        ShardRow[] payload = [.. rows.Select(r => new ShardRow(r.Index, r.Row))];
        JsonElement element = JsonSerializer.SerializeToElement(payload, ShardFile.Options);
        return ShardFile.Write(dir, shard, "design", Settings(o), 0, seconds, null, null, element);
    }

    /// <summary>
    /// The single run's result from a complete set of design shards; null with
    /// <paramref name="error"/> naming the file when a row is missing, repeated or unreadable.
    /// </summary>
    public static DesignResult? Merge(string dir, IReadOnlyList<ShardFile> files, out string? error)
    {
        error = null;
        ShardFile f0 = files[0];
        DesignOptions? o = OptionsOf(f0.Settings);
        if (o is null)
        {
            error = $"{Name(dir, f0)}: its settings name a design this uvmsim cannot rebuild";
            return null;
        }
        IReadOnlyList<Policy> combinations = Lattice.Combinations(o.Base, o.Vary);
        var rows = new CombinationResult?[combinations.Count];
        foreach (ShardFile f in files)
        {
            ShardRow[]? payload;
            try
            {
                payload = f.Payload is { } p ? p.Deserialize<ShardRow[]>(ShardFile.Options) : null;
            }
            catch (JsonException e)
            {
                error = $"{Name(dir, f)}: unreadable design rows ({e.Message})";
                return null;
            }
            if (payload is null)
            {
                error = $"{Name(dir, f)}: holds no design rows";
                return null;
            }
            foreach (ShardRow r in payload)
            {
                if (r.Row is null || r.Index < 0 || r.Index >= rows.Length || r.Index % f.Count != f.Index
                    || r.Row.Label != combinations[r.Index].Label || rows[r.Index] is not null)
                {
                    error = $"{Name(dir, f)}: row {r.Index} is not one of this shard's combinations";
                    return null;
                }
                rows[r.Index] = r.Row;
            }
        }
        int missing = Array.FindIndex(rows, r => r is null);
        if (missing >= 0)
        {
            error = $"{Name(dir, files[missing % f0.Count])}: lacks the row of combination {missing} ({combinations[missing].Label})";
            return null;
        }
        return new DesignResult(o, [.. rows.Select(r => r!)], files.Max(f => f.Seconds));
    }

    /// <summary>The options a shard's settings describe, or null.</summary>
    public static DesignOptions? OptionsOf(IReadOnlyDictionary<string, string> s)
    {
        try
        {
            if (Policy.FromPreset(s["base"]) is not { } basePolicy || Lattice.ParseVary(s["vary"], out _) is not { } vary)
            {
                return null;
            }
            OpGroups ops = OpGroups.None;
            foreach (string name in s["ops"].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                ops |= OpGroupNames.Parse(name) ?? throw new FormatException(name);
            }
            return new DesignOptions(basePolicy, vary, Int(s["depth"]), Int(s["procs"]), Int(s["pages"]), Int(s["frames"]),
                s["transient"] == "true", ops, long.Parse(s["fuzzSteps"], CultureInfo.InvariantCulture), Int(s["seed"]),
                s["diagnostics"] == "false" ? false : null);
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException or OverflowException)
        {
            return null;
        }
    }

    private static string Name(string dir, ShardFile f) => Path.Combine(dir, $"shard-{f.Index}-of-{f.Count}.json");

    private static int Int(string text) => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>A row with its lattice index, as a design shard stores it.</summary>
    public sealed record ShardRow(int Index, CombinationResult Row);
}
