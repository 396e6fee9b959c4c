using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace UvmSim.Exploration.Sharding;

/// <summary>
/// What one shard hands to <c>uvmsim merge</c>: the settings every shard must share, its
/// counts, its finding with the calls that lead to it, and (in a binary file beside it) the
/// hashes of the states it met, by depth. Enough that the merge computes exactly the answer of
/// one process; nothing that would let a missing or damaged shard pass unnoticed (the state
/// file's size and SHA-256 are recorded).
/// </summary>
/// <param name="Format">Always <see cref="FormatName"/>.</param>
/// <param name="Version">Always <see cref="CurrentVersion"/>.</param>
/// <param name="Command"><c>explore</c>, <c>fuzz</c> or <c>design</c>.</param>
/// <param name="Index">This shard, from 0.</param>
/// <param name="Count">Shards in the run.</param>
/// <param name="Settings">Every setting that changes the answer, spelled as text; equal in every shard.</param>
/// <param name="Calls">Calls this shard made.</param>
/// <param name="Seconds">Its wall time.</param>
/// <param name="Finding">Its finding, or null.</param>
/// <param name="StatesFile">The state file's name, in the same folder.</param>
/// <param name="States">Hashes in the state file.</param>
/// <param name="StatesSha256">The state file's SHA-256, lower-case hex.</param>
/// <param name="Payload">Command-specific results (design: its table rows), as JSON.</param>
public sealed record ShardFile(
    string Format, int Version, string Command, int Index, int Count,
    SortedDictionary<string, string> Settings, long Calls, double Seconds, ShardFinding? Finding,
    string? StatesFile, long States, string? StatesSha256, JsonElement? Payload = null)
{
    /// <summary>The <c>format</c> field's value.</summary>
    public const string FormatName = "uvmsim-shard";

    /// <summary>The <c>version</c> this build writes and reads.</summary>
    public const int CurrentVersion = 1;

    private const ulong Magic = 0x3144524148534D55; // "UMSHARD1" little-endian

    internal static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>
    /// Writes <c>DIR/shard-I-of-N.json</c> and, with <paramref name="levels"/>, its state file;
    /// each through a temporary file renamed into place, so a merge never reads half a shard.
    /// </summary>
    public static string Write(string dir, ShardSpec shard, string command, IDictionary<string, string> settings,
        long calls, double seconds, ShardFinding? finding, IReadOnlyList<ulong[]>? levels, JsonElement? payload = null)
    {
        Directory.CreateDirectory(dir);
        string? statesFile = null, sha = null;
        long states = 0;
        if (levels is not null)
        {
            statesFile = shard.FileStem + ".states";
            byte[] bytes = EncodeLevels(levels);
            states = levels.Sum(l => (long)l.Length);
            sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
            WriteAtomic(Path.Combine(dir, statesFile), bytes);
        }
        var file = new ShardFile(FormatName, CurrentVersion, command, shard.Index, shard.Count,
            new SortedDictionary<string, string>(settings, StringComparer.Ordinal), calls, Math.Round(seconds, 3),
            finding, statesFile, states, sha, payload);
        string path = Path.Combine(dir, shard.FileStem + ".json");
        WriteAtomic(path, JsonSerializer.SerializeToUtf8Bytes(file, Options));
        return path;
    }

    /// <summary>Reads a shard file; null with <paramref name="error"/> naming the file when it is not one.</summary>
    public static ShardFile? Read(string path, out string? error)
    {
        error = null;
        ShardFile? file;
        try
        {
            file = JsonSerializer.Deserialize<ShardFile>(File.ReadAllBytes(path), Options);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            error = $"{path}: not a readable shard file ({e.Message.Split('\n')[0]})";
            return null;
        }
        if (file is null || file.Format != FormatName || file.Settings is null || file.Command is null)
        {
            error = $"{path}: not a shard file (no \"format\": \"{FormatName}\")";
            return null;
        }
        if (file.Version != CurrentVersion)
        {
            error = $"{path}: shard file version {file.Version}, this uvmsim reads version {CurrentVersion}";
            return null;
        }
        if (file.Count is < 1 or > ShardSpec.MaxCount || file.Index < 0 || file.Index >= file.Count)
        {
            error = $"{path}: shard {file.Index} of {file.Count} is out of range";
            return null;
        }
        return file;
    }

    /// <summary>
    /// The state hashes by depth, checked against the recorded size and SHA-256; null with
    /// <paramref name="error"/> naming the file when it is missing or damaged.
    /// </summary>
    public ulong[][]? ReadLevels(string dir, out string? error)
    {
        error = null;
        if (StatesFile is null || StatesSha256 is null)
        {
            error = $"{Path.Combine(dir, $"shard-{Index}-of-{Count}.json")}: names no state file";
            return null;
        }
        string path = Path.Combine(dir, Path.GetFileName(StatesFile));
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"{path}: missing or unreadable state file ({e.Message})";
            return null;
        }
        if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != StatesSha256)
        {
            error = $"{path}: damaged state file (its SHA-256 is not the one its shard file recorded)";
            return null;
        }
        ulong[][]? levels = DecodeLevels(bytes);
        if (levels is null || levels.Sum(l => (long)l.Length) != States)
        {
            error = $"{path}: damaged state file (it does not hold the {States} hashes its shard file recorded)";
            return null;
        }
        return levels;
    }

    private static byte[] EncodeLevels(IReadOnlyList<ulong[]> levels)
    {
        var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            w.Write(Magic);
            w.Write(levels.Count);
            foreach (ulong[] level in levels)
            {
                w.Write(level.LongLength);
                foreach (ulong h in level)
                {
                    w.Write(h);
                }
            }
        }
        return stream.ToArray();
    }

    private static ulong[][]? DecodeLevels(byte[] bytes)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes));
            if (r.ReadUInt64() != Magic)
            {
                return null;
            }
            int count = r.ReadInt32();
            if (count is < 0 or > 1024)
            {
                return null;
            }
            var levels = new ulong[count][];
            for (int d = 0; d < count; d++)
            {
                long n = r.ReadInt64();
                if (n < 0 || n > (bytes.LongLength / 8))
                {
                    return null;
                }
                levels[d] = new ulong[n];
                for (long i = 0; i < n; i++)
                {
                    levels[d][i] = r.ReadUInt64();
                }
            }
            return r.BaseStream.Position == bytes.LongLength ? levels : null;
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }

    private static void WriteAtomic(string path, byte[] bytes)
    {
        string temp = path + ".tmp-" + Environment.ProcessId;
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>
/// A shard's finding: its depth, severity and place in the single-process search order (the
/// explorer's alphabet indices; a fuzz job's index), and the calls, so the merge can shrink
/// and write the same reproducer a single process writes.
/// </summary>
/// <param name="Depth">Calls in the sequence.</param>
/// <param name="Rank">Severity (0 a panic; lower is more severe).</param>
/// <param name="Order">The explorer's alphabet index of each call (fuzz: the job index alone).</param>
/// <param name="Panic">A panic rather than a violation.</param>
/// <param name="Message">The panic message or the violations.</param>
/// <param name="Procs">The universe's starting processes.</param>
/// <param name="Pages">The universe's frames.</param>
/// <param name="Ops">Each call as <c>[kind, proc, a, b, c, exact]</c>.</param>
public sealed record ShardFinding(int Depth, int Rank, int[] Order, bool Panic, string Message, int Procs, int Pages, int[][] Ops)
{
    /// <summary>The finding as the explorer and fuzzer report it.</summary>
    public Finding? ToFinding()
    {
        var ops = new List<Op>(Ops.Length);
        foreach (int[] o in Ops)
        {
            if (o is not { Length: 6 } || !Enum.IsDefined((OpKind)o[0]))
            {
                return null;
            }
            ops.Add(new Op((OpKind)o[0], o[1], o[2], o[3], o[4], o[5] != 0));
        }
        return new Finding(Panic, Message, ops, Procs, Pages);
    }

    /// <summary>A finding with its rank and order.</summary>
    public static ShardFinding From(Finding f, int rank, int[] order) =>
        new(f.Ops.Count, rank, order, f.Panic, f.Message, f.Procs, f.Pages,
            [.. f.Ops.Select(o => new[] { (int)o.Kind, o.Proc, o.A, o.B, o.C, o.Exact ? 1 : 0 })]);
}
