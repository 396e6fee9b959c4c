using System.Diagnostics;

namespace UvmSim.Cli.Host;

/// <summary>One row of the report: medians in microseconds per sequence and host/model.</summary>
internal sealed record BenchRow(Sequence Sequence, int Pages, double HostMicros, double ModelMicros)
{
    /// <summary>How many times faster the model is than the host.</summary>
    public double Speedup => ModelMicros > 0 ? HostMicros / ModelMicros : double.PositiveInfinity;
}

/// <summary>
/// Runs every sequence at every size on the host kernel and in the model, in one process,
/// alternating: one warm-up batch each, then <c>repeat</c> host batches and <c>repeat</c>
/// model batches interleaved; a batch is <see cref="Batch"/> back-to-back sequences and
/// gives one sample (its time divided by <see cref="Batch"/>). Both sides are warmed up first. The row holds each side's
/// median sample.
/// </summary>
internal static class HostBench
{
    /// <summary>Sequences per timed batch.</summary>
    public const int Batch = 64;

    private static readonly TimeSpan WarmUpBurst = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan WarmUpPause = TimeSpan.FromMilliseconds(150);

    /// <summary>The largest range locked, in bytes: what <c>RLIMIT_MEMLOCK</c> must allow.</summary>
    public static ulong BytesNeeded => (ulong)Sequences.PageCounts.Max() * (ulong)Environment.SystemPageSize;

    /// <summary>
    /// Null when this process may run the host sequences, else what is missing: Linux, and
    /// root or an <c>RLIMIT_MEMLOCK</c> soft limit of at least <see cref="BytesNeeded"/>.
    /// </summary>
    public static string? MissingPrivilege()
    {
        if (!OperatingSystem.IsLinux())
        {
            return $"bench host runs the host side through Linux libc; this is {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, which is not supported";
        }
        if (Libc.Geteuid() == 0)
        {
            return null;
        }
        if (Libc.Getrlimit(Libc.RlimitMemlock, out Libc.Rlimit limit) != 0)
        {
            return $"getrlimit(RLIMIT_MEMLOCK) failed: {Libc.LastError()}";
        }
        if (limit.Current != Libc.RlimInfinity && limit.Current < BytesNeeded)
        {
            return $"bench host needs root (CAP_IPC_LOCK) or an RLIMIT_MEMLOCK of at least {BytesNeeded / 1024} KiB "
                + $"for mlock and SHM_LOCK; the limit is {limit.Current / 1024} KiB "
                + $"(run as root, or raise it: ulimit -l {BytesNeeded / 1024})";
        }
        return null;
    }

    /// <summary>
    /// Whether the model's assembly asks the JIT not to optimize (a build with optimization
    /// turned off): its figures would be about ten times too slow to compare.
    /// </summary>
    public static bool ModelUnoptimized() =>
        typeof(Kernel.Kernel).Assembly.GetCustomAttributes(typeof(System.Diagnostics.DebuggableAttribute), false)
            .OfType<System.Diagnostics.DebuggableAttribute>().Any(a => a.IsJITOptimizerDisabled);

    /// <summary>Measures every sequence and size; <paramref name="progress"/> hears each row's name first.</summary>
    public static List<BenchRow> Run(int repeat, Action<string>? progress = null)
    {
        WarmUp();
        var rows = new List<BenchRow>();
        foreach (Sequence sequence in Sequences.All)
        {
            foreach (int pages in Sequences.PageCounts)
            {
                progress?.Invoke($"{Sequences.Name(sequence)} on {pages} pages");
                using var host = new HostTarget(pages);
                using var model = new ModelTarget(pages);
                TimeBatch(host, sequence);
                TimeBatch(model, sequence);
                var hostSamples = new double[repeat];
                var modelSamples = new double[repeat];
                for (int i = 0; i < repeat; i++)
                {
                    hostSamples[i] = TimeBatch(host, sequence);
                    modelSamples[i] = TimeBatch(model, sequence);
                }
                rows.Add(new BenchRow(sequence, pages, Median(hostSamples), Median(modelSamples)));
            }
        }
        return rows;
    }

    /// <summary>
    /// Runs every sequence on both sides, untimed, in three bursts with pauses between, so
    /// the tiered JIT has promoted the hot paths before anything is timed: it compiles in the
    /// background after a quiet delay, and a cold batch would time tier-0 code.
    /// </summary>
    private static void WarmUp()
    {
        using var host = new HostTarget(Sequences.PageCounts[0]);
        using var model = new ModelTarget(Sequences.PageCounts[0]);
        for (int burst = 0; burst < 3; burst++)
        {
            long start = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(start) < WarmUpBurst)
            {
                foreach (Sequence sequence in Sequences.All)
                {
                    TimeBatch(host, sequence);
                    TimeBatch(model, sequence);
                }
            }
            Thread.Sleep(WarmUpPause);
        }
    }

    private static double TimeBatch(ISequenceTarget target, Sequence sequence)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < Batch; i++)
        {
            target.Run(sequence);
        }
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / Batch;
    }

    /// <summary>The median (mean of the middle two for an even count); sorts in place.</summary>
    public static double Median(double[] samples)
    {
        Array.Sort(samples);
        int n = samples.Length;
        return n % 2 == 1 ? samples[n / 2] : (samples[(n / 2) - 1] + samples[n / 2]) / 2;
    }
}
