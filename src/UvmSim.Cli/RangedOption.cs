using System.CommandLine;
using System.Globalization;

namespace UvmSim.Cli;

/// <summary>
/// Numeric options whose accepted range is written once: the help shows it and the parser's
/// error names the option and the same range (issue 12: "--procs 1-8" in the help, 1-2 accepted).
/// A value out of range is a usage error (exit 2) before the command runs.
/// </summary>
internal static class RangedOption
{
    /// <summary>An integer option in [<paramref name="min"/>, <paramref name="max"/>], with an optional default.</summary>
    public static Option<int?> Int(string name, string description, int min, int max, int? fallback, string helpName = "N")
    {
        var option = new Option<int?>(name)
        {
            Description = $"{description} ({Range(min, max)}{(fallback is { } f ? $", default {f}" : "")}).",
            HelpName = helpName,
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } v && (v < min || v > max))
            {
                result.AddError($"{name} must be {Range(min, max)}, not {v.ToString(CultureInfo.InvariantCulture)}");
            }
        });
        return option;
    }

    /// <summary><c>--jobs auto|N</c>: <c>auto</c> is one per processor; N in 1-64.</summary>
    public static Option<string> Jobs(string description)
    {
        var option = new Option<string>("--jobs")
        {
            Description = $"{description} (auto: one per processor, here {Environment.ProcessorCount}; or 1-{MaxJobs}; default 1).",
            DefaultValueFactory = _ => "1",
            HelpName = "auto|N",
        };
        option.Validators.Add(result =>
        {
            string? v = result.GetValueOrDefault<string>();
            if (JobCount(v) is null)
            {
                result.AddError($"--jobs must be auto or 1-{MaxJobs}, not '{v}'");
            }
        });
        return option;
    }

    /// <summary>The most parallel jobs.</summary>
    public const int MaxJobs = 64;

    /// <summary>The number of jobs <c>--jobs</c> names, or null when it names none.</summary>
    public static int? JobCount(string? value) =>
        value == "auto" ? Math.Clamp(Environment.ProcessorCount, 1, MaxJobs)
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= MaxJobs ? n
        : null;

    private static string Range(int min, int max) => max == min + 1
        ? $"{min} or {max}"
        : $"{min}-{max}";
}
