using System.CommandLine;

namespace UvmSim.Cli;

/// <summary>
/// Options shared by several commands (SPEC §13). One instance each, added to every command
/// that takes it, so parse-only tests can read values back with the same fields.
/// </summary>
internal static class SharedOptions
{
    /// <summary>The text and JSON spellings of <c>--format</c>.</summary>
    public const string Text = "text", Json = "json";

    /// <summary><c>--policy P[,P...]</c>, repeatable; <c>all</c> (the default) is the four presets.</summary>
    public static readonly Option<string[]> Policy = new("--policy", "-p")
    {
        Description = "Preset(s) to run under: netbsd-8, thorpej-2019, netbsd-9, dual, or all (default). Repeatable; comma lists allowed.",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
        HelpName = "P",
    };

    /// <summary><c>--set SWITCH=VALUE</c>, repeatable, applied to every selected preset.</summary>
    public static readonly Option<string[]> Set = new("--set")
    {
        Description = "Override a switch in every selected preset (see 'uvmsim policies'). Repeatable.",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
        HelpName = "SWITCH=VALUE",
    };

    /// <summary><c>--no-diagnostics</c>: run with KASSERTs off whatever the scenario's machine line says.</summary>
    public static readonly Option<bool> NoDiagnostics = new("--no-diagnostics")
    {
        Description = "Turn kernel diagnostics (KASSERT) off.",
    };

    /// <summary><c>--trace</c>: print every line's result and what it changed.</summary>
    public static readonly Option<bool> Trace = new("--trace")
    {
        Description = "Print each line's result, value and what it changed.",
    };

    /// <summary><c>--format text|json</c>.</summary>
    public static readonly Option<string> Format = CreateFormat();

    /// <summary>The JUnit spelling of <c>--format</c>: a CI system shows one test case per scenario and policy.</summary>
    public const string Junit = "junit";

    /// <summary><c>--format text|json|junit</c>, for <c>run</c>.</summary>
    public static readonly Option<string> FormatWithJunit = CreateFormat(Junit);

    /// <summary>The scenario files of <c>run</c> and <c>matrix</c>.</summary>
    public static readonly Argument<string[]> Files = new("FILE")
    {
        Description = "Scenario files (.scn); a directory stands for its *.scn files (not its subdirectories).",
        Arity = ArgumentArity.OneOrMore,
    };

    private static Option<string> CreateFormat(params string[] more)
    {
        string[] formats = [Text, Json, .. more];
        var option = new Option<string>("--format")
        {
            Description = "Output format" + (more.Contains(Junit) ? " (junit: JUnit XML, one test case per scenario and policy)." : "."),
            DefaultValueFactory = _ => Text,
            HelpName = string.Join('|', formats),
        };
        option.AcceptOnlyFromAmong(formats);
        return option;
    }
}
