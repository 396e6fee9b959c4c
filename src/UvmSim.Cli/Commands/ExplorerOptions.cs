using System.CommandLine;
using UvmSim.Policies;

namespace UvmSim.Cli.Commands;

/// <summary>Options the explorer commands share (SPEC §13): one policy, the universe, where reproducers go.</summary>
internal static class ExplorerOptions
{
    /// <summary><c>--policy P</c>: exactly one policy (default <c>dual</c>).</summary>
    public static readonly Option<string> Policy = new("--policy", "-p")
    {
        Description = "The preset to search: netbsd-8, thorpej-2019, netbsd-9 or dual (default).",
        DefaultValueFactory = _ => PresetNames.Dual,
        HelpName = "P",
    };

    /// <summary><c>--procs K</c>.</summary>
    public static readonly Option<int?> Procs = new("--procs") { Description = "Processes at the start (1-8).", HelpName = "K" };

    /// <summary><c>--frames N</c>: frames in the simulated machine (an extension; small keeps audits cheap).</summary>
    public static readonly Option<int?> Frames = new("--frames") { Description = "Frames in the simulated machine.", HelpName = "N" };

    /// <summary><c>--out DIR</c>.</summary>
    public static readonly Option<string> Out = new("--out")
    {
        Description = "Where the shrunk reproducer is written (default ./found/).",
        DefaultValueFactory = _ => "found",
        HelpName = "DIR",
    };

    /// <summary>The policy named, with <c>--set</c> overrides, or a usage message.</summary>
    public static Policy? Resolve(string name, string[]? sets, out string? error)
    {
        if (name.Contains(',', StringComparison.Ordinal) || name == PolicySelection.All)
        {
            error = $"--policy takes exactly one preset here ({string.Join(", ", PresetNames.Named)}), not '{name}'";
            return null;
        }
        return PolicySelection.Resolve([name], sets, out error)?[0];
    }
}
