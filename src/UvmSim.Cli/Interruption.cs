using System.Runtime.InteropServices;

namespace UvmSim.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM during a long command: the first one asks the work to stop and
/// the command prints what it has so far, then exits 128 + the signal (130 for Ctrl-C); a
/// second one ends the process at once, as it would have without this.
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signal;

    private Interruption()
    {
        foreach (PosixSignal signal in (PosixSignal[])[PosixSignal.SIGINT, PosixSignal.SIGTERM])
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
        }
    }

    /// <summary>Starts listening; dispose to stop.</summary>
    public static Interruption Listen() => new();

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>Whether a signal arrived.</summary>
    public bool Requested => _stop.IsCancellationRequested;

    /// <summary>The exit status to end with once interrupted: 130 for SIGINT, 143 for SIGTERM.</summary>
    public int ExitCode => _signal == 15 ? 143 : ExitCodes.Interrupted;

    private void OnSignal(PosixSignalContext context)
    {
        if (_stop.IsCancellationRequested)
        {
            return;  // the second signal: let the default action end the process
        }
        context.Cancel = true;
        _signal = context.Signal == PosixSignal.SIGTERM ? 15 : 2;
        _stop.Cancel();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (PosixSignalRegistration r in _registrations)
        {
            r.Dispose();
        }
        _stop.Dispose();
    }
}
