using System.ComponentModel;
using System.Diagnostics;

// Not UvmSim.Cli.Kernel: that namespace would hide the model's UvmSim.Kernel from the rest of the CLI.
namespace UvmSim.Cli.KernelComparison;

/// <summary>What a child process did: its exit status and output, or that it ran out of time.</summary>
internal sealed record ChildResult(int ExitCode, string Stdout, string Stderr, bool TimedOut)
{
    /// <summary>The run was stopped because this process was interrupted (Ctrl-C, SIGTERM).</summary>
    public bool Interrupted { get; init; }
}

/// <summary>Runs the compiler and the emitted programs: output captured, standard input closed, a deadline.</summary>
internal static class ChildProcess
{
    /// <summary>How long the output pipes may stay open after the child exits (its orphans still hold them).</summary>
    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(5);

    /// <summary>How long a child asked to stop (SIGTERM) has to clean up before it is killed.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs <paramref name="program"/> with <paramref name="args"/>.
    /// =&gt; null with <paramref name="error"/> set when it cannot be started (missing, not executable).
    /// =&gt; after <paramref name="timeout"/>, or once <paramref name="cancel"/> fires, the child is
    ///    asked to stop (SIGTERM: an emitted program then removes what it made), and after
    ///    <see cref="StopGrace"/> it and its descendants are killed; the result is
    ///    <see cref="ChildResult.TimedOut"/> or <see cref="ChildResult.Interrupted"/>.
    /// =&gt; <paramref name="environment"/> is added to this process's environment.
    /// </summary>
    public static ChildResult? Run(string program, IReadOnlyList<string> args, TimeSpan timeout, out string? error,
        IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancel = default)
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
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
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
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        Task<string> stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var clock = Stopwatch.StartNew();
        using ManualResetEvent exitEvent = ExitHandle(process);
        bool exited = WaitHandle.WaitAny([exitEvent, cancel.WaitHandle], timeout) == 0 || process.HasExited;
        if (!exited)
        {
            _ = Leftovers.Kill(process.Id, 15);
            if (!process.WaitForExit(StopGrace))
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // It exited between the wait and the kill.
                }
            }
            process.WaitForExit();
        }
        TimeSpan rest = timeout - clock.Elapsed;
        bool drained = Task.WaitAll([stdout, stderr], rest > DrainGrace ? rest : DrainGrace);
        return new ChildResult(
            process.ExitCode,
            drained ? stdout.Result : "",
            drained ? stderr.Result : "",
            TimedOut: (!exited && !cancel.IsCancellationRequested) || !drained)
        {
            Interrupted = !exited && cancel.IsCancellationRequested,
        };
    }

    /// <summary>A handle signalled when <paramref name="process"/> exits.</summary>
    private static ManualResetEvent ExitHandle(Process process)
    {
        var exited = new ManualResetEvent(false);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => exited.Set();
        if (process.HasExited)
        {
            exited.Set();
        }
        return exited;
    }
}
