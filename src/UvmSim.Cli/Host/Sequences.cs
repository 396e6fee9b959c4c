namespace UvmSim.Cli.Host;

/// <summary>The call sequences <c>bench host</c> compares (issue 5).</summary>
internal enum Sequence
{
    /// <summary><c>mlock</c> then <c>munlock</c> of a private anonymous range.</summary>
    MlockPair,

    /// <summary><c>SHM_LOCK</c> then <c>SHM_UNLOCK</c> of a segment.</summary>
    ShmLockPair,

    /// <summary><c>SHM_LOCK, mlock, munlock, SHM_UNLOCK</c> on an attached segment.</summary>
    Mix,
}

/// <summary>Names and the set of sequences and sizes measured.</summary>
internal static class Sequences
{
    /// <summary>Every sequence, in report order.</summary>
    public static readonly IReadOnlyList<Sequence> All = [Sequence.MlockPair, Sequence.ShmLockPair, Sequence.Mix];

    /// <summary>Resident pages per range.</summary>
    public static readonly IReadOnlyList<int> PageCounts = [16, 256];

    /// <summary>The name in the report and the JSON <c>sequence</c> field.</summary>
    public static string Name(Sequence s) => s switch
    {
        Sequence.MlockPair => "mlock+munlock",
        Sequence.ShmLockPair => "shm_lock+shm_unlock",
        _ => "shm_lock+mlock+munlock+shm_unlock",
    };
}

/// <summary>Where a sequence runs: the host kernel or the model, set up with resident pages.</summary>
internal interface ISequenceTarget : IDisposable
{
    /// <summary>Runs <paramref name="sequence"/> once; throws <see cref="BenchFailure"/> when a call fails.</summary>
    void Run(Sequence sequence);
}

/// <summary>A call failed during the benchmark (the message names it and the error).</summary>
internal sealed class BenchFailure(string message) : Exception(message);
