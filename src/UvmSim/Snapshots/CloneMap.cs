namespace UvmSim.Snapshots;

/// <summary>
/// The originals already copied while a kernel is copied, and their copies: state that
/// several holders share (an amap two entries reference, an anon two amaps share after
/// <c>fork</c>, the pmap a pv list names) must come out shared the same way, so each
/// original is copied once and every later holder gets that copy. Links that point back
/// up (an amap's users, which are entries) are set by <see cref="Later"/> actions once
/// everything they name exists.
/// </summary>
/// <remarks>One instance can be reused for copy after copy (<see cref="Clear"/>), so a copy allocates only the copied state.</remarks>
public sealed class CloneMap
{
    private readonly Dictionary<object, object> _copies = new(ReferenceEqualityComparer.Instance);
    private readonly List<(object Target, object Source, Action<object, object, CloneMap> Fix)> _later = [];

    /// <summary>The copy of <paramref name="original"/>, made by <paramref name="copy"/> the first time it is asked for.</summary>
    public T Of<T>(T original, Func<T, CloneMap, T> copy)
        where T : class
    {
        if (_copies.TryGetValue(original, out object? done))
        {
            return (T)done;
        }
        T made = copy(original, this);
        _copies[original] = made;
        return made;
    }

    /// <summary>Records <paramref name="copy"/> as the copy of <paramref name="original"/> before its own parts are copied (cycles).</summary>
    public void Add<T>(T original, T copy)
        where T : class => _copies.Add(original, copy);

    /// <summary>The copy already made of <paramref name="original"/>; it is an error to ask for one not made.</summary>
    public T Made<T>(T original)
        where T : class =>
        _copies.TryGetValue(original, out object? done)
            ? (T)done
            : throw new InvalidOperationException($"a {typeof(T).Name} was referenced but never copied: the snapshot misses a holder");

    /// <summary>The copy already made of <paramref name="original"/>, if any.</summary>
    public bool TryMade<T>(T original, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? copy)
        where T : class
    {
        bool found = _copies.TryGetValue(original, out object? done);
        copy = (T?)done;
        return found;
    }

    /// <summary>Runs <paramref name="fix"/> on <paramref name="target"/> and its <paramref name="source"/> when <see cref="Finish"/> is called.</summary>
    public void Later(object target, object source, Action<object, object, CloneMap> fix) => _later.Add((target, source, fix));

    /// <summary>Runs the deferred links, in the order they were asked for.</summary>
    public void Finish()
    {
        for (int i = 0; i < _later.Count; i++)
        {
            _later[i].Fix(_later[i].Target, _later[i].Source, this);
        }
        _later.Clear();
    }

    /// <summary>Forgets every pair, keeping the table's storage for the next copy.</summary>
    public void Clear()
    {
        _copies.Clear();
        _later.Clear();
    }
}
