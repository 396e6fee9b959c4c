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

    /// <summary><c>--out DIR</c>.</summary>
    public static readonly Option<string> Out = new("--out")
    {
        Description = "Where the shrunk reproducer is written (default ./found/).",
        DefaultValueFactory = _ => "found",
        HelpName = "DIR",
    };

    /// <summary><c>--shard I/N</c>: run one shard of a search and write its shard file to <c>--out</c> (docs/scale-out.md).</summary>
    public static readonly Option<string?> Shard = new("--shard")
    {
        Description = "Run shard I of N (from 0) and write DIR/shard-I-of-N.json for 'uvmsim merge DIR' (" + UvmSim.Exploration.Sharding.ShardSpec.Expected + ").",
        HelpName = "I/N",
    };

    /// <summary>The shard named by <c>--shard</c>, or null; <paramref name="error"/> says what is expected.</summary>
    public static UvmSim.Exploration.Sharding.ShardSpec? ParseShard(ParseResult parse, out string? error)
    {
        error = null;
        return parse.GetValue(Shard) is { } text ? UvmSim.Exploration.Sharding.ShardSpec.Parse(text, out error) : null;
    }

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
