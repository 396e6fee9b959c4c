namespace UvmSim.Exploration.Sharding;

/// <summary>
/// <c>--shard I/N</c>: this process is shard <see cref="Index"/> (from 0) of
/// <see cref="Count"/>, so that a batch system's array index (Slurm's
/// <c>SLURM_ARRAY_TASK_ID</c>, Kubernetes' <c>JOB_COMPLETION_INDEX</c>) can be passed as is.
/// </summary>
public readonly record struct ShardSpec(int Index, int Count)
{
    /// <summary>More shards than this is a usage error: each one repeats the levels before the split.</summary>
    public const int MaxCount = 4096;

    /// <summary>What the option expects, for usage errors and help.</summary>
    public const string Expected = "I/N with 0 <= I < N <= 4096 (for example 0/4)";

    /// <summary>Parses <c>I/N</c>; null with <paramref name="error"/> set otherwise.</summary>
    public static ShardSpec? Parse(string text, out string? error)
    {
        error = null;
        string[] parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], System.Globalization.NumberStyles.None, null, out int index)
            && int.TryParse(parts[1], System.Globalization.NumberStyles.None, null, out int count)
            && count is >= 1 and <= MaxCount && index < count)
        {
            return new ShardSpec(index, count);
        }
        error = $"--shard expects {Expected}, not '{text}'";
        return null;
    }

    /// <summary>The shard's file name without extension: <c>shard-2-of-4</c>.</summary>
    public string FileStem => $"shard-{Index}-of-{Count}";

    /// <inheritdoc/>
    public override string ToString() => $"{Index}/{Count}";
}
