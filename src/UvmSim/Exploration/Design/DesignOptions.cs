using UvmSim.Policies;

namespace UvmSim.Exploration.Design;

/// <summary>
/// What <c>uvmsim design</c> searches (docs/design.md): the base policy, the switches varied
/// over all their values, and one universe every combination is explored in, so the
/// combinations differ in their switches only.
/// </summary>
/// <param name="Base">The preset the unvaried switches come from; "toward base" in the analysis means toward its values.</param>
/// <param name="Vary">The varied switches, in table order (<see cref="Policy.SwitchNames"/>).</param>
/// <param name="Depth">The exhaustive explorer's depth.</param>
/// <param name="Procs">Processes at the start.</param>
/// <param name="MappingPages">Pages of each mapping and segment the alphabet creates.</param>
/// <param name="Frames">Frames of the simulated machine.</param>
/// <param name="Transient">Whether vslock/vsunlock are in the alphabet.</param>
/// <param name="Ops">Extra op groups in the alphabet (all by default: each reaches a switch's failure).</param>
/// <param name="FuzzSteps">Seeded fuzz calls run after a clean exhaustive search (0: none).</param>
/// <param name="Seed">The fuzzer's seed.</param>
/// <param name="Diagnostics">KASSERTs on (null: the machine's default, on).</param>
public sealed record DesignOptions(
    Policy Base,
    IReadOnlyList<string> Vary,
    int Depth,
    int Procs = 1,
    int MappingPages = 2,
    int Frames = 32,
    bool Transient = false,
    OpGroups Ops = OpGroups.All,
    long FuzzSteps = 0,
    int Seed = 1,
    bool? Diagnostics = null)
{
    /// <summary>The universe of one combination.</summary>
    public Universe UniverseFor(Policy combination) => new(combination, Frames, Procs, Diagnostics);

    /// <summary>The exhaustive search of one combination (one job: the combinations are what run in parallel).</summary>
    public ExploreOptions ExploreFor(Policy combination) =>
        new(UniverseFor(combination), Depth, Transient, MappingPages, Jobs: 1, Ops: Ops);
}
