namespace UvmSim.Scenarios.Syntax;

/// <summary>One <c>POLICY[,POLICY]: VALUE</c> alternative.</summary>
public sealed record Alternative<T>(EquatableList<string> Presets, T Value)
    where T : class;

/// <summary>
/// Per-preset alternatives with an optional default (<c>netbsd-8: EIO | 0</c>): one scenario
/// line states what every policy should do.
/// </summary>
public abstract record ByPreset<T>(EquatableList<Alternative<T>> Alternatives, T? Default)
    where T : class
{
    /// <summary>
    /// The value for a run of <paramref name="preset"/> (its base preset name): the alternative
    /// naming it, else the default, else null (a call then expects success, a check is skipped).
    /// </summary>
    public T? For(string preset) =>
        Alternatives.FirstOrDefault(a => a.Presets.Contains(preset))?.Value ?? Default;
}

/// <summary>The <c>=&gt; …</c> part of a call line.</summary>
public sealed record Expectation(EquatableList<Alternative<Outcome>> Alternatives, Outcome? Default)
    : ByPreset<Outcome>(Alternatives, Default)
{
    /// <summary>An expectation that is the same for every policy.</summary>
    public static Expectation Always(Outcome outcome) => new([], outcome);
}

/// <summary>The right-hand side of a check comparison.</summary>
public sealed record CheckExpectation(EquatableList<Alternative<CheckValue>> Alternatives, CheckValue? Default)
    : ByPreset<CheckValue>(Alternatives, Default)
{
    /// <summary>A right-hand side that is the same for every policy.</summary>
    public static CheckExpectation Always(CheckValue value) => new([], value);
}
