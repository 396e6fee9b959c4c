namespace UvmSim.Cli;

/// <summary>
/// Exit statuses of <c>run</c>, <c>matrix</c> and <c>demo</c> (SPEC §13). Over several files
/// the worst wins: <see cref="UsageError"/> over <see cref="ExpectationFailed"/> over <see cref="Ok"/>.
/// Every command may also end with <see cref="InternalError"/> or <see cref="Interrupted"/>.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Every expectation held.</summary>
    public const int Ok = 0;

    /// <summary>At least one expectation failed.</summary>
    public const int ExpectationFailed = 1;

    /// <summary>A usage error, a parse error, or input that cannot be read.</summary>
    public const int UsageError = 2;

    /// <summary><c>kernel</c>: the host cannot run the differential (SPEC §17.1): not Linux or NetBSD, no C compiler.</summary>
    public const int HostUnavailable = 3;

    /// <summary>A bug in uvmsim (an exception nobody expected), EX_SOFTWARE of sysexits(3): never the user's fault.</summary>
    public const int InternalError = 70;

    /// <summary>Interrupted by Ctrl-C (SIGINT): 128 + 2, as a shell reports it.</summary>
    public const int Interrupted = 130;

    /// <summary>The worse of two statuses.</summary>
    public static int Worst(int a, int b) => Math.Max(a, b);
}
