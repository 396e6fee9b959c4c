using System.ComponentModel;
using System.Diagnostics;

// Not UvmSim.Cli.Kernel: that namespace would hide the model's UvmSim.Kernel from the rest of the CLI.
namespace UvmSim.Cli.KernelComparison;

/// <summary>What a child process did: its exit status and output, or that it ran out of time.</summary>
internal sealed record ChildResult(int ExitCode, string Stdout, string Stderr, bool TimedOut);

/// <summary>Runs the compiler and the emitted programs: output captured, standard input closed, a deadline.</summary>
internal static class ChildProcess
{
    /// <summary>How long the output pipes may stay open after the child exits (its orphans still hold them).</summary>
    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs <paramref name="program"/> with <paramref name="args"/>.
    /// =&gt; null with <paramref name="error"/> set when it cannot be started (missing, not executable).
    /// =&gt; after <paramref name="timeout"/> the child and its descendants are killed and the result
    ///    is <see cref="ChildResult.TimedOut"/>.
    /// </summary>
    public static ChildResult? Run(string program, IReadOnlyList<string> args, TimeSpan timeout, out string? error)
    {
        error = null;
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            error = e.Message;
            return null;
        }
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        bool exited = process.WaitForExit(timeout);
        if (!exited)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited between the wait and the kill.
            }
            process.WaitForExit();
        }
        TimeSpan rest = timeout - clock.Elapsed;
        bool drained = Task.WaitAll([stdout, stderr], rest > DrainGrace ? rest : DrainGrace);
        return new ChildResult(
            process.ExitCode,
            drained ? stdout.Result : "",
            drained ? stderr.Result : "",
            TimedOut: !exited || !drained);
    }
}
