using System.Collections;
using System.Reflection;
using UvmSim.Physical;

namespace UvmSim.Tests.Snapshots;

/// <summary>
/// Compares two object graphs field by field, through every private field of every type,
/// requiring the references to correspond one to one (what one graph shares, the other
/// shares the same way). Written by reflection so that a field added to the model later is
/// compared without anyone remembering to: a snapshot that forgets to copy it fails here.
/// </summary>
/// <remarks>
/// Collections are compared by what they hold, not by spare capacity: lists and stacks in
/// order, hash sets as sets (the model only looks elements up in them). Dictionaries are
/// compared through their internals (buckets, entries, free list), because their layout
/// decides the order later insertions enumerate in. Fields named in <see cref="Scratch"/>
/// hold no state: they are cleared before every use.
/// </remarks>
internal sealed class StateComparer
{
    /// <summary>Type name and field name of scratch buffers, reused between calls and cleared before use.</summary>
    private static readonly HashSet<(string Type, string Field)> Scratch =
    [
        ("PvTable", "_spare"),
        ("Dictionary`2", "_keys"),
        ("Dictionary`2", "_values"),
        ("Dictionary`2", "_version"),
        ("SegmentSysvLock", "_walkSegment"), // the arguments of the walk in progress, set before each
        ("SegmentSysvLock", "_walkAdd"),
        ("ShmTable", "_entryCount"), // Linux's nattch walk: started afresh by each count
    ];

    private readonly Dictionary<object, object> _aToB = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<object, object> _bToA = new(ReferenceEqualityComparer.Instance);
    private readonly List<string> _differences = [];

    /// <summary>The first differences between <paramref name="a"/> and <paramref name="b"/> (empty when equal).</summary>
    public static IReadOnlyList<string> Differences(object a, object b)
    {
        var c = new StateComparer();
        c.Compare(a, b, "kernel");
        return c._differences;
    }

    private void Differ(string path, string what)
    {
        if (_differences.Count < 20)
        {
            _differences.Add($"{path}: {what}");
        }
    }

    private void Compare(object? a, object? b, string path)
    {
        if (_differences.Count >= 20)
        {
            return;
        }
        if (a is null || b is null)
        {
            if (a is not null || b is not null)
            {
                Differ(path, $"{a ?? "null"} vs {b ?? "null"}");
            }
            return;
        }
        Type t = a.GetType();
        if (t != b.GetType())
        {
            Differ(path, $"type {t.Name} vs {b.GetType().Name}");
            return;
        }
        if (t.IsPrimitive || t.IsEnum || a is string || a is decimal)
        {
            if (!a.Equals(b))
            {
                Differ(path, $"{a} vs {b}");
            }
            return;
        }
        if (a is Delegate || a is Type || a is IEqualityComparer)
        {
            return; // behaviour, not state (comparers are stateless singletons)
        }
        if (a is FramePool framesA && b is FramePool framesB)
        {
            // Frames are made as first needed (FramePool.Made): make all on both sides, so two
            // equal pools compare equal whichever frames each was asked for.
            _ = framesA[framesA.Count - 1];
            _ = framesB[framesB.Count - 1];
        }
        if (!t.IsValueType)
        {
            bool seenA = _aToB.TryGetValue(a, out object? mappedB), seenB = _bToA.TryGetValue(b, out object? mappedA);
            if (seenA || seenB)
            {
                if (!ReferenceEquals(mappedB, b) || !ReferenceEquals(mappedA, a))
                {
                    Differ(path, "shared differently");
                }
                return;
            }
            _aToB[a] = b;
            _bToA[b] = a;
        }
        if (a is Array arrA)
        {
            var arrB = (Array)b;
            if (arrA.Length != arrB.Length)
            {
                Differ(path, $"length {arrA.Length} vs {arrB.Length}");
                return;
            }
            for (int i = 0; i < arrA.Length; i++)
            {
                Compare(arrA.GetValue(i), arrB.GetValue(i), $"{path}[{i}]");
            }
            return;
        }
        if (t.IsGenericType && (t.GetGenericTypeDefinition() == typeof(List<>) || t.GetGenericTypeDefinition() == typeof(Stack<>)))
        {
            var la = ((IEnumerable)a).Cast<object?>().ToList();
            var lb = ((IEnumerable)b).Cast<object?>().ToList();
            if (la.Count != lb.Count)
            {
                Differ(path, $"count {la.Count} vs {lb.Count}");
                return;
            }
            for (int i = 0; i < la.Count; i++)
            {
                Compare(la[i], lb[i], $"{path}[{i}]");
            }
            return;
        }
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(HashSet<>))
        {
            var sa = ((IEnumerable)a).Cast<object>().Select(x => x.ToString()).Order().ToList();
            var sb = ((IEnumerable)b).Cast<object>().Select(x => x.ToString()).Order().ToList();
            if (!sa.SequenceEqual(sb))
            {
                Differ(path, $"set {{{string.Join(",", sa)}}} vs {{{string.Join(",", sb)}}}");
            }
            return;
        }
        for (Type? type = t; type is not null && type != typeof(object); type = type.BaseType)
        {
            foreach (FieldInfo f in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (Scratch.Contains((type.Name, f.Name)))
                {
                    continue;
                }
                Compare(f.GetValue(a), f.GetValue(b), $"{path}.{FieldName(f)}");
            }
        }
    }

    private static string FieldName(FieldInfo f) =>
        f.Name.StartsWith('<') ? f.Name[1..f.Name.IndexOf('>')] : f.Name;
}
