using UvmSim.Map;

namespace UvmSim.Wiring;

/// <summary>
/// The one place that decides whether a change flips an entry's wiring (SPEC §4.2): only a
/// flip to wired fault-wires the entry and only a flip to unwired unwires it, so each wired
/// entry holds exactly one wiring on each of its resident pages.
/// </summary>
public static class WiringChanges
{
    /// <summary>How <c>IsWired</c> moves if the entry's bit becomes <paramref name="newMlocked"/> and its count moves by <paramref name="countDelta"/>.</summary>
    public static Flip Of(MapEntry entry, bool newMlocked, int countDelta)
    {
        bool before = entry.IsWired;
        bool after = entry.WiredCount + countDelta != 0 || newMlocked;
        return before == after ? Flip.None : after ? Flip.ToWired : Flip.ToUnwired;
    }

    /// <summary>Direction of a flip.</summary>
    public enum Flip
    {
        /// <summary>Still wired, or still unwired.</summary>
        None,
        /// <summary>Becomes wired: fault-wire it.</summary>
        ToWired,
        /// <summary>Becomes unwired: unwire it.</summary>
        ToUnwired,
    }
}
