using System.Globalization;

namespace UvmSim.Exploration.Sharding;

/// <summary>
/// The answer a set of shards gives together, equal to what one process gives for the same
/// settings (docs/scale-out.md): found or not, the kind, the finding, the distinct states.
/// <c>Calls</c> adds every shard's calls (the levels before the split are made by each) and
/// <c>Seconds</c> is the slowest shard's.
/// </summary>
public sealed record MergedSearch(
    string Command, IReadOnlyDictionary<string, string> Settings, int Shards,
    long Calls, double Seconds, long States, Finding? Finding, int? Seed, IReadOnlyList<ShardFile> Files);

/// <summary>
/// <c>uvmsim merge DIR</c> for explore and fuzz. The merge refuses rather than answers
/// smaller: a missing, repeated, foreign or damaged shard is an error naming the file.
/// </summary>
/// <remarks>
/// Explore: a shard searches every level up to the split, then only the frontier states it
/// owns. A state at depth d of the whole search is met, at depth d, by the shard owning the
/// frontier state its first (alphabetically smallest) shortest sequence passes through, and no
/// shard meets a state at a depth smaller than its true one. So the union of the shards' states
/// of depth at most D* (the smallest depth any shard found something at, else the whole
/// depth) is exactly the single search's set, and the single search's finding, the most
/// severe at D* and among those the first in its order, is the shard findings' minimum by
/// (depth, rank, alphabet indices). Fuzz: shard I is job I of <c>--jobs N</c>; the lowest
/// job's finding wins and the states are the union of the jobs'.
/// </remarks>
public static class ShardMerge
{
    /// <summary>Reads every <c>shard-*-of-*.json</c> in <paramref name="dir"/> and merges them.</summary>
    public static MergedSearch? Merge(string dir, out string? error)
    {
        List<ShardFile>? files = ReadAll(dir, out error);
        if (files is null)
        {
            return null;
        }
        ShardFile first = files[0];
        return first.Command switch
        {
            "explore" => MergeExplore(dir, files, out error),
            "fuzz" => MergeFuzz(dir, files, out error),
            "design" => Fail($"{Path.Combine(dir, "shard-0-of-" + first.Count + ".json")}: design shards merge through DesignShards.Merge", out error),
            _ => Fail($"{Path.Combine(dir, "shard-0-of-" + first.Count + ".json")}: unknown command '{first.Command}'", out error),
        };
    }

    /// <summary>
    /// The shard files of <paramref name="dir"/>, checked to be one complete run: the same
    /// command, count and settings, every index exactly once.
    /// </summary>
    public static List<ShardFile>? ReadAll(string dir, out string? error)
    {
        error = null;
        if (!Directory.Exists(dir))
        {
            return Fail<List<ShardFile>>($"{dir}: no such directory", out error);
        }
        string[] paths = [.. Directory.GetFiles(dir, "shard-*-of-*.json").Order(StringComparer.Ordinal)];
        if (paths.Length == 0)
        {
            return Fail<List<ShardFile>>($"{dir}: no shard files (shard-I-of-N.json) to merge", out error);
        }
        var files = new List<ShardFile>();
        var byIndex = new Dictionary<int, string>();
        foreach (string path in paths)
        {
            ShardFile? f = ShardFile.Read(path, out error);
            if (f is null)
            {
                return null;
            }
            if (Path.GetFileName(path) != $"shard-{f.Index}-of-{f.Count}.json")
            {
                return Fail<List<ShardFile>>($"{path}: holds shard {f.Index} of {f.Count}, not what its name says", out error);
            }
            if (files.Count > 0)
            {
                ShardFile f0 = files[0];
                string p0 = byIndex[f0.Index];
                if (f.Command != f0.Command || f.Count != f0.Count)
                {
                    return Fail<List<ShardFile>>($"{path}: {f.Command} shard of {f.Count}, but {p0} is a {f0.Command} shard of {f0.Count}", out error);
                }
                if (Describe(f.Settings) != Describe(f0.Settings))
                {
                    return Fail<List<ShardFile>>($"{path}: settings {Describe(f.Settings)} differ from {p0}'s {Describe(f0.Settings)}", out error);
                }
            }
            if (!byIndex.TryAdd(f.Index, path))
            {
                return Fail<List<ShardFile>>($"{path}: shard {f.Index} appears twice (also {byIndex[f.Index]})", out error);
            }
            files.Add(f);
        }
        int count = files[0].Count;
        int[] missing = [.. Enumerable.Range(0, count).Where(i => !byIndex.ContainsKey(i))];
        if (missing.Length > 0)
        {
            string names = string.Join(", ", missing.Take(5).Select(i => $"shard-{i}-of-{count}.json")) + (missing.Length > 5 ? $", … ({missing.Length} in all)" : "");
            return Fail<List<ShardFile>>($"{dir}: missing {names}: a merge of fewer shards would answer for a smaller search", out error);
        }
        files.Sort((a, b) => a.Index.CompareTo(b.Index));
        return files;
    }

    private static MergedSearch? MergeExplore(string dir, List<ShardFile> files, out string? error)
    {
        error = null;
        int? foundDepth = files.Where(f => f.Finding is not null).Select(f => (int?)f.Finding!.Depth).Min();
        var states = new StateSet();
        foreach (ShardFile f in files)
        {
            ulong[][]? levels = f.ReadLevels(dir, out error);
            if (levels is null)
            {
                return null;
            }
            for (int d = 0; d < levels.Length && (foundDepth is null || d <= foundDepth); d++)
            {
                foreach (ulong h in levels[d])
                {
                    states.Add(h);
                }
            }
        }
        ShardFile? best = files
            .Where(f => f.Finding is { } x && x.Depth == foundDepth)
            .OrderBy(f => f.Finding!.Rank)
            .ThenBy(f => f.Finding!.Order, OrderComparer.Instance)
            .FirstOrDefault();
        return Result(files, states.Count, best, null, out error);
    }

    private static MergedSearch? MergeFuzz(string dir, List<ShardFile> files, out string? error)
    {
        error = null;
        var states = new StateSet();
        foreach (ShardFile f in files)
        {
            ulong[][]? levels = f.ReadLevels(dir, out error);
            if (levels is null)
            {
                return null;
            }
            foreach (ulong h in levels.SelectMany(l => l))
            {
                states.Add(h);
            }
        }
        ShardFile? best = files.FirstOrDefault(f => f.Finding is not null);
        int? seed = best is null ? null : int.Parse(best.Settings["seed"], CultureInfo.InvariantCulture) + best.Index;
        return Result(files, states.Count, best, seed, out error);
    }

    private static MergedSearch? Result(List<ShardFile> files, long states, ShardFile? best, int? seed, out string? error)
    {
        error = null;
        Finding? finding = null;
        if (best?.Finding is { } sf && (finding = sf.ToFinding()) is null)
        {
            return Fail<MergedSearch>($"shard-{best.Index}-of-{best.Count}.json: its finding names an unknown call", out error);
        }
        ShardFile f0 = files[0];
        return new MergedSearch(f0.Command, f0.Settings, f0.Count, files.Sum(f => f.Calls), files.Max(f => f.Seconds),
            states, finding, seed, files);
    }

    private static string Describe(IReadOnlyDictionary<string, string> settings) =>
        string.Join(" ", settings.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

    private static T? Fail<T>(string message, out string? error) where T : class
    {
        error = message;
        return null;
    }

    private static MergedSearch? Fail(string message, out string? error) => Fail<MergedSearch>(message, out error);

    /// <summary>Alphabet-index sequences in the explorer's order: element by element, shorter first on a tie.</summary>
    private sealed class OrderComparer : IComparer<int[]>
    {
        public static readonly OrderComparer Instance = new();

        public int Compare(int[]? x, int[]? y)
        {
            x ??= [];
            y ??= [];
            for (int i = 0; i < Math.Min(x.Length, y.Length); i++)
            {
                if (x[i] != y[i])
                {
                    return x[i].CompareTo(y[i]);
                }
            }
            return x.Length.CompareTo(y.Length);
        }
    }
}
