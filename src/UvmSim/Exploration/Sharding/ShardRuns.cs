using System.Globalization;
using UvmSim.Policies;

namespace UvmSim.Exploration.Sharding;

/// <summary>
/// Runs one shard of <c>explore</c> or <c>fuzz</c> and writes its shard file: the settings that
/// fix the answer, the counts, the finding in the single-process order, the states met.
/// </summary>
public static class ShardRuns
{
    /// <summary>
    /// The depth a search is cut at by default: half the depth, at most 4. Every shard repeats
    /// the levels up to it, so it is kept shallow; it is deep enough that the frontier has
    /// hundreds of states to share out (dual: 0.3 % of depth 8's states lie at depth 4 or less).
    /// </summary>
    public static int DefaultSplitDepth(int depth) => Math.Clamp(depth / 2, 0, 4);

    /// <summary>
    /// The settings that decide an explore's answer (not <c>--jobs</c>, which never changes it).
    /// <c>symmetry</c> is written only when on, so the files of a plain search read as before
    /// and never merge with a symmetric one's, whose hashes are of another kind.
    /// </summary>
    public static SortedDictionary<string, string> Settings(ExploreOptions o)
    {
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["policy"] = o.Universe.Policy.Label,
            ["diagnostics"] = Bool(o.Universe.Machine.Diagnostics),
            ["frames"] = Num(o.Universe.Pages),
            ["procs"] = Num(o.Universe.Procs),
            ["depth"] = Num(o.Depth),
            ["pages"] = Num(o.MappingPages),
            ["transient"] = Bool(o.Transient),
            ["splitDepth"] = Num(o.Shard?.SplitDepth ?? DefaultSplitDepth(o.Depth)),
            ["ops"] = string.Join(",", OpGroupNames.Names(o.Ops)),
        };
        if (o.Symmetry)
        {
            settings["symmetry"] = Bool(true);
        }
        return settings;
    }

    /// <summary>The settings that decide a step-budgeted fuzz's answer.</summary>
    public static SortedDictionary<string, string> Settings(FuzzOptions o) => new(StringComparer.Ordinal)
    {
        ["policy"] = o.Universe.Policy.Label,
        ["diagnostics"] = Bool(o.Universe.Machine.Diagnostics),
        ["frames"] = Num(o.Universe.Pages),
        ["procs"] = Num(o.Universe.Procs),
        ["seed"] = Num(o.Seed),
        ["steps"] = o.Steps is { } s ? s.ToString(CultureInfo.InvariantCulture) : "none",
        ["episode"] = Num(o.EpisodeLength),
        ["audit"] = Bool(o.Audit),
        ["stopOn"] = o.PanicsOnly ? "panic" : "any",
    };

    /// <summary>Writes an explore shard's file from its result (run with <c>o.Shard</c> set).</summary>
    public static string Write(string dir, ShardSpec shard, ExploreOptions o, ExploreResult r)
    {
        ShardFinding? finding = null;
        if (r.Finding is { } f)
        {
            IReadOnlyList<Op> alphabet = Explorer.Alphabet(Math.Max(o.Universe.Procs, 2), o.MappingPages, o.Transient, o.Ops);
            int[] order = [.. f.Ops.Select(op => IndexOf(alphabet, op))];
            finding = ShardFinding.From(f, r.Rank, order);
        }
        return ShardFile.Write(dir, shard, "explore", Settings(o), r.Calls, r.Seconds, finding, r.Levels ?? [], null);
    }

    /// <summary>Writes a fuzz shard's file from its result (run with <c>o.Shard</c> set).</summary>
    public static string Write(string dir, ShardSpec shard, FuzzOptions o, FuzzResult r)
    {
        ShardFinding? finding = r.Finding is { } f ? ShardFinding.From(f, 0, [shard.Index]) : null;
        ulong[][] levels = [r.StateSet?.ToArray() ?? []];
        return ShardFile.Write(dir, shard, "fuzz", Settings(o), r.Calls, r.Seconds, finding, levels, null);
    }

    /// <summary>The policy a label such as <c>dual+wiring=counter</c> names, or null.</summary>
    public static Policy? PolicyOf(string label)
    {
        string[] parts = label.Split('+', 2);
        Policy? p = Policy.FromPreset(parts[0]);
        if (parts.Length == 1)
        {
            return p;
        }
        foreach (string setting in parts[1].Split(','))
        {
            string[] kv = setting.Split('=', 2);
            p = kv.Length == 2 ? p?.With(kv[0], kv[1], out _) : null;
        }
        return p;
    }

    private static int IndexOf(IReadOnlyList<Op> alphabet, Op op)
    {
        for (int i = 0; i < alphabet.Count; i++)
        {
            if (alphabet[i] == op)
            {
                return i;
            }
        }
        throw new InvalidOperationException($"explorer finding uses an op outside its alphabet: {op}");
    }

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Bool(bool b) => b ? "true" : "false";
}
