using UvmSim.Policies;

namespace UvmSim.Exploration.Design;

/// <summary>
/// A design table indexed by position in the lattice: each combination is a code, the
/// mixed-radix number of its varied switches' value indices (the first varied switch the
/// most significant digit). Neighbours differ in one digit.
/// </summary>
internal sealed class LatticeSpace
{
    private readonly Dictionary<int, DesignRow> _rows = [];
    private readonly int[] _radix;
    private readonly int[] _weight;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _base;
    private readonly Dictionary<string, int> _varied;

    public LatticeSpace(Policy basePolicy, IReadOnlyList<string> vary, IReadOnlyList<DesignRow> rows)
    {
        Vary = vary;
        Values = [.. vary.Select(s => Policy.ValuesOf(s) ?? throw new ArgumentException($"unknown switch '{s}'", nameof(vary)))];
        _base = basePolicy.Switches;
        _varied = vary.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.Ordinal);
        _radix = [.. Values.Select(v => v.Count)];
        _weight = new int[vary.Count];
        int w = 1;
        for (int i = vary.Count - 1; i >= 0; i--)
        {
            _weight[i] = w;
            w *= _radix[i];
        }
        Size = w;
        BaseCode = Enumerable.Range(0, vary.Count).Sum(i => _weight[i] * IndexOf(i, Switch(_base, vary[i])));
        foreach (DesignRow r in rows)
        {
            if (Contains(r))
            {
                _rows[CodeOf(r)] = r;
            }
        }
        SafeCodes = [.. _rows.Where(p => p.Value.Clean).Select(p => p.Key).Order()];
    }

    public IReadOnlyList<string> Vary { get; }

    public IReadOnlyList<IReadOnlyList<string>> Values { get; }

    /// <summary>Combinations in the lattice.</summary>
    public int Size { get; }

    /// <summary>Combinations the table has.</summary>
    public int Present => _rows.Count;

    /// <summary>The base preset's position.</summary>
    public int BaseCode { get; }

    /// <summary>The clean combinations, ascending.</summary>
    public IReadOnlyList<int> SafeCodes { get; }

    public int Digit(int code, int i) => code / _weight[i] % _radix[i];

    public int WithDigit(int code, int i, int v) => code + ((v - Digit(code, i)) * _weight[i]);

    /// <summary>Whether <paramref name="r"/> belongs to this lattice: every unvaried switch as in the base, every varied one a legal value.</summary>
    public bool Contains(DesignRow r) =>
        _base.All(p => r.Switches.TryGetValue(p.Key, out string? v) && (_varied.TryGetValue(p.Key, out int i) ? Values[i].Contains(v) : v == p.Value));

    public int CodeOf(DesignRow r) => Enumerable.Range(0, Vary.Count).Sum(i => _weight[i] * IndexOf(i, r.Switches[Vary[i]]));

    public DesignRow? RowAt(int code) => _rows.GetValueOrDefault(code);

    /// <summary>Safe: present and clean. Missing combinations are not safe (and not unsafe: see <see cref="IsUnsafe"/>).</summary>
    public bool IsSafe(int code) => _rows.TryGetValue(code, out DesignRow? r) && r.Clean;

    public bool IsUnsafe(int code) => _rows.TryGetValue(code, out DesignRow? r) && !r.Clean;

    /// <summary>Every combination one switch away.</summary>
    public IEnumerable<int> Neighbours(int code)
    {
        for (int i = 0; i < Vary.Count; i++)
        {
            for (int v = 0; v < _radix[i]; v++)
            {
                if (v != Digit(code, i))
                {
                    yield return WithDigit(code, i, v);
                }
            }
        }
    }

    /// <summary>Switch <paramref name="i"/> never changes safety between two present combinations.</summary>
    public bool IsIrrelevant(int i)
    {
        foreach (var (code, row) in _rows)
        {
            for (int v = 0; v < _radix[i]; v++)
            {
                if (_rows.TryGetValue(WithDigit(code, i, v), out DesignRow? other) && other.Clean != row.Clean)
                {
                    return false;
                }
            }
        }
        return true;
    }

    /// <summary>No switch that differs from the base can go back to the base value and leave the combination safe.</summary>
    public bool IsMinimal(int code)
    {
        for (int i = 0; i < Vary.Count; i++)
        {
            int b = Digit(BaseCode, i);
            if (Digit(code, i) != b && IsSafe(WithDigit(code, i, b)))
            {
                return false;
            }
        }
        return true;
    }

    private int IndexOf(int i, string value)
    {
        for (int v = 0; v < Values[i].Count; v++)
        {
            if (Values[i][v] == value)
            {
                return v;
            }
        }
        throw new ArgumentException($"switch '{Vary[i]}' has no value '{value}'");
    }

    private static string Switch(IReadOnlyList<KeyValuePair<string, string>> switches, string name) =>
        switches.First(p => p.Key == name).Value;
}
