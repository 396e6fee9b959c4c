using System.CommandLine;
using System.Diagnostics;

namespace UvmSim.Cli;

/// <summary>
/// Progress of a long command on standard error, as <c>--progress</c> says: <c>auto</c> draws a
/// line in place when standard error is a terminal (<see cref="Terminal.LiveError"/>) and
/// writes a plain line every <see cref="PlainEvery"/> otherwise (a CI log still shows the run is
/// alive); <c>plain</c> always writes the periodic lines; <c>none</c> writes nothing.
/// </summary>
internal sealed class ProgressReport
{
    /// <summary>How often a plain progress line is written.</summary>
    public static readonly TimeSpan PlainEvery = TimeSpan.FromSeconds(5);

    /// <summary>How often a live line is redrawn.</summary>
    private static readonly TimeSpan LiveEvery = TimeSpan.FromMilliseconds(100);

    /// <summary><c>--progress auto|plain|none</c>.</summary>
    public static readonly Option<string> Option = CreateOption();

    private readonly Terminal _terminal;
    private readonly bool _live, _plain;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private TimeSpan? _last;

    private ProgressReport(Terminal terminal, bool live, bool plain)
    {
        _terminal = terminal;
        _live = live;
        _plain = plain;
        _last = live ? null : TimeSpan.Zero;  // the first plain line after PlainEvery, a live one at once
    }

    /// <summary>The report for <paramref name="mode"/>; in JSON mode <c>auto</c> means plain lines (standard output stays the document).</summary>
    public static ProgressReport For(Terminal terminal, string? mode, bool json) => mode switch
    {
        "none" => new ProgressReport(terminal, false, false),
        "plain" => new ProgressReport(terminal, false, true),
        null or "auto" => new ProgressReport(terminal, terminal.LiveError && !json, !terminal.LiveError || json),
        _ => throw new NotSupportedException($"--progress {mode}"),
    };

    /// <summary>Reports <paramref name="text"/> (made only when it will be shown), at most as often as the mode says.</summary>
    public void Report(Func<string> text)
    {
        if (!_live && !_plain)
        {
            return;
        }
        lock (_lock)
        {
            TimeSpan now = _clock.Elapsed;
            if (_last is { } last && now - last < (_live ? LiveEvery : PlainEvery))
            {
                return;
            }
            _last = now;
            if (_live)
            {
                _terminal.Progress(text());
            }
            else
            {
                _terminal.ErrorLine("uvmsim: " + text());
            }
        }
    }

    /// <summary>Clears a live line.</summary>
    public void Done()
    {
        if (_live)
        {
            _terminal.Progress(null);
        }
    }

    private static Option<string> CreateOption()
    {
        var option = new Option<string>("--progress")
        {
            Description = "Progress on stderr: auto (drawn in place on a terminal, a plain line every 5 s otherwise), plain, or none.",
            DefaultValueFactory = _ => "auto",
            HelpName = "auto|plain|none",
        };
        option.AcceptOnlyFromAmong("auto", "plain", "none");
        return option;
    }
}
