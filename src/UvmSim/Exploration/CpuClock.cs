namespace UvmSim.Exploration;

/// <summary>
/// The CPU time the whole process spends from a search's start: every thread, the jobs and
/// also the runtime's JIT compiler and collector, which a wall clock does not show. Taken
/// beside the search's wall time, so a user sees how many cores a run used, and why a second
/// job on a two-core machine cannot halve the time when one job already keeps more than one
/// core busy (docs/performance.md).
/// </summary>
public readonly struct CpuClock
{
    private readonly TimeSpan _start;

    private CpuClock(TimeSpan start) => _start = start;

    /// <summary>Starts counting from the process's CPU time now.</summary>
    public static CpuClock StartNew() => new(Environment.CpuUsage.TotalTime);

    /// <summary>The process's CPU seconds (user and system, all threads) since <see cref="StartNew"/>.</summary>
    public double Seconds => (Environment.CpuUsage.TotalTime - _start).TotalSeconds;
}
