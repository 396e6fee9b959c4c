using UvmSim.Policies;

namespace UvmSim.Scenarios.Syntax;

/// <summary>
/// When an alternative applies (SPEC §12.4, docs/scenarios.md): for named presets, or for a
/// switch value. Keying by a switch lets a new preset with known switch values inherit every
/// expectation without a scenario edit.
/// </summary>
public abstract record Condition
{
    /// <summary>Whether a run under <paramref name="policy"/> takes this alternative.</summary>
    public abstract bool Holds(Policy policy);
}

/// <summary><c>PRESET[,PRESET]:</c> — holds when the run's base preset is one of these.</summary>
public sealed record PresetCondition(EquatableList<string> Presets) : Condition
{
    /// <inheritdoc/>
    public override bool Holds(Policy policy) => Presets.Contains(policy.Preset);

    /// <inheritdoc/>
    public override string ToString() => string.Join(',', Presets);
}

/// <summary>
/// <c>SWITCH=VALUE[,VALUE]:</c> — holds when the run's actual value of the switch (its preset's,
/// or a <c>--set</c> override) is one of these.
/// </summary>
public sealed record SwitchCondition(string Switch, EquatableList<string> Values) : Condition
{
    /// <inheritdoc/>
    public override bool Holds(Policy policy)
    {
        foreach (var (name, value) in policy.Switches)
        {
            if (name == Switch)
            {
                return Values.Contains(value);
            }
        }
        throw new ArgumentException($"unknown switch '{Switch}'", nameof(policy));
    }

    /// <inheritdoc/>
    public override string ToString() => Switch + "=" + string.Join(',', Values);
}

/// <summary>One <c>CONDITION: VALUE</c> alternative.</summary>
public sealed record Alternative<T>(Condition When, T Value)
    where T : class
{
    /// <summary>An alternative for the named presets (<c>netbsd-8,thorpej-2019: VALUE</c>).</summary>
    public Alternative(EquatableList<string> presets, T value)
        : this(new PresetCondition(presets), value)
    {
    }
}

/// <summary>
/// Per-policy alternatives with an optional default (<c>netbsd-8: EIO | wiring=split: 0 | ENOMEM</c>):
/// one scenario line states what every policy should do.
/// </summary>
public abstract record ByPreset<T>(EquatableList<Alternative<T>> Alternatives, T? Default)
    where T : class
{
    /// <summary>
    /// The value for a run under <paramref name="policy"/>: the first alternative whose condition
    /// holds, else the default, else null (a call then expects success, a check is skipped).
    /// </summary>
    public T? For(Policy policy) => Pick(Alternatives, Default, policy);

    /// <summary>The first alternative of <paramref name="alternatives"/> that holds, else <paramref name="fallback"/>.</summary>
    internal static T? Pick(EquatableList<Alternative<T>> alternatives, T? fallback, Policy policy)
    {
        foreach (var alternative in alternatives)
        {
            if (alternative.When.Holds(policy))
            {
                return alternative.Value;
            }
        }
        return fallback;
    }
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
