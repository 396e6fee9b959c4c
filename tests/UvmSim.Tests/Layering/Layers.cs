namespace UvmSim.Tests.Layering;

/// <summary>
/// The layering written in <c>src/UvmSim/layers.txt</c>: layers lowest first, each with the
/// namespaces it holds. A namespace belongs to the layer of its longest listed prefix; the
/// root namespace covers only itself, so a new namespace must be listed.
/// </summary>
internal sealed class Layers
{
    private readonly List<(string Name, string[] Namespaces)> _layers;
    private readonly string _root;

    private Layers(List<(string, string[])> layers, string root)
    {
        _layers = layers;
        _root = root;
    }

    /// <summary>The layer names, lowest first.</summary>
    public IReadOnlyList<string> Names => _layers.Select(l => l.Name).ToList();

    /// <summary>Reads the file's text; throws <see cref="FormatException"/> naming the line for a malformed one.</summary>
    public static Layers Parse(string text)
    {
        var layers = new List<(string, string[])>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            string[] namespaces = colon < 0 ? [] : line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (colon <= 0 || namespaces.Length == 0)
            {
                throw new FormatException($"layers.txt:{i + 1}: expected LAYER: NAMESPACE..., got '{line}'");
            }
            foreach (string ns in namespaces)
            {
                if (!seen.Add(ns))
                {
                    throw new FormatException($"layers.txt:{i + 1}: namespace {ns} is listed twice");
                }
            }
            layers.Add((line[..colon].Trim(), namespaces));
        }
        if (layers.Count == 0)
        {
            throw new FormatException("layers.txt: no layers");
        }
        return new Layers(layers, layers[0].Item2[0]);
    }

    /// <summary>The index of <paramref name="ns"/>'s layer (0 = lowest), or -1 when no line covers it.</summary>
    public int LayerOf(string ns)
    {
        int best = -1, bestLength = -1;
        for (int i = 0; i < _layers.Count; i++)
        {
            foreach (string prefix in _layers[i].Namespaces)
            {
                bool covers = ns == prefix || (prefix != _root && ns.StartsWith(prefix + ".", StringComparison.Ordinal));
                if (covers && prefix.Length > bestLength)
                {
                    best = i;
                    bestLength = prefix.Length;
                }
            }
        }
        return best;
    }

    /// <summary>The name of layer <paramref name="index"/>.</summary>
    public string NameOf(int index) => _layers[index].Name;

    /// <summary>
    /// Every edge that breaks the layering: one that goes to a higher layer, or touches a
    /// namespace no line covers. Edges outside the model (System, packages) are ignored.
    /// </summary>
    public List<string> Violations(IEnumerable<Dependency> edges)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Dependency d in edges)
        {
            if (!InModel(d.FromNamespace) || !InModel(d.ToNamespace))
            {
                continue;
            }
            int from = LayerOf(d.FromNamespace), to = LayerOf(d.ToNamespace);
            if (from < 0 || to < 0)
            {
                found.Add($"{(from < 0 ? d.FromNamespace : d.ToNamespace)} is in no line of layers.txt ({d})");
            }
            else if (to > from)
            {
                found.Add($"upward reference: {NameOf(from)} -> {NameOf(to)}: {d}");
            }
        }
        return [.. found];
    }

    private bool InModel(string ns) => ns == _root || ns.StartsWith(_root + ".", StringComparison.Ordinal);
}

/// <summary>One use of a type by another: <c>From</c> mentions <c>To</c> (in a signature, a field or a method body).</summary>
internal readonly record struct Dependency(string From, string FromNamespace, string To, string ToNamespace)
{
    public override string ToString() => $"{From} uses {To}";
}
