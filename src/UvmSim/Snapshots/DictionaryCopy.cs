using System.Linq.Expressions;
using System.Reflection;

namespace UvmSim.Snapshots;

/// <summary>
/// Copies a <see cref="Dictionary{TKey, TValue}"/> together with its internal layout: the
/// slots a removal left free and the order they will be reused in. A dictionary enumerates
/// in slot order and fills the most recently freed slot first, so a plain copy (which packs
/// the entries) enumerates alike today but differently after the next removal and insertion:
/// the live processes (<c>exit</c> then <c>fork</c>) or segments (<c>IPC_RMID</c> then
/// <c>shmget</c>) would be walked in another order than on the kernel that was copied,
/// and the walk order reaches frame stamps, the page daemon and the state hash.
/// </summary>
/// <remarks>
/// The copy is a new dictionary given every private field of the source, its arrays
/// (<c>_buckets</c>, <c>_entries</c>) as copies and its cached key and value views left out;
/// the assignments are compiled once per closed type. If a runtime renames the fields the
/// type initializer throws, and the snapshot tests fail rather than copy wrongly.
/// </remarks>
public static class DictionaryCopy
{
    /// <summary>An independent dictionary with the same entries in the same slots, values as they are.</summary>
    public static Dictionary<TKey, TValue> Of<TKey, TValue>(Dictionary<TKey, TValue> source)
        where TKey : notnull => Copier<TKey, TValue>.Copy(source);

    /// <summary>
    /// <see cref="Of{TKey, TValue}(Dictionary{TKey, TValue})"/> with every value replaced by
    /// <paramref name="copyValue"/>'s copy of it, in place, so the layout stays.
    /// </summary>
    public static Dictionary<TKey, TValue> Of<TKey, TValue>(Dictionary<TKey, TValue> source, Func<TValue, CloneMap, TValue> copyValue, CloneMap map)
        where TKey : notnull
    {
        Dictionary<TKey, TValue> copy = Copier<TKey, TValue>.Copy(source);
        foreach (var (key, value) in source)
        {
            copy[key] = copyValue(value, map);
        }
        return copy;
    }

    /// <summary>A copy of <paramref name="source"/> by memmove (Array.Clone and the untyped Array.Copy are several times slower on small arrays).</summary>
    private static T[] CopyArray<T>(T[] source) => source.AsSpan().ToArray();

    /// <summary>The compiled copy for one closed dictionary type.</summary>
    private static class Copier<TKey, TValue>
        where TKey : notnull
    {
        public static readonly Func<Dictionary<TKey, TValue>, Dictionary<TKey, TValue>> Copy = Compile<TKey, TValue>();
    }

    private static Func<Dictionary<TKey, TValue>, Dictionary<TKey, TValue>> Compile<TKey, TValue>()
        where TKey : notnull
    {
        // copy = new Dictionary(); then every field of source into copy: arrays as new arrays
        // (a memmove, where Array.Clone's generic object copy took most of the time),
        // the cached key and value views left null, everything else as it is.
        Type type = typeof(Dictionary<TKey, TValue>);
        FieldInfo[] fields = type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        foreach (string name in new[] { "_buckets", "_entries", "_keys", "_values", "_count", "_freeList" })
        {
            _ = fields.SingleOrDefault(f => f.Name == name) ?? throw new MissingFieldException(type.FullName, name);
        }
        MethodInfo arrayCopy = typeof(DictionaryCopy).GetMethod(nameof(CopyArray), BindingFlags.Static | BindingFlags.NonPublic)!;
        ParameterExpression source = Expression.Parameter(type, "source");
        ParameterExpression copy = Expression.Variable(type, "copy");
        var body = new List<Expression> { Expression.Assign(copy, Expression.New(type)) };
        foreach (FieldInfo f in fields)
        {
            MemberExpression from = Expression.Field(source, f), to = Expression.Field(copy, f);
            if (f.Name is "_keys" or "_values")
            {
                continue;
            }
            if (f.FieldType.IsArray)
            {
                body.Add(Expression.IfThen(
                    Expression.NotEqual(from, Expression.Constant(null, f.FieldType)),
                    Expression.Assign(to, Expression.Call(arrayCopy.MakeGenericMethod(f.FieldType.GetElementType()!), from))));
            }
            else
            {
                body.Add(Expression.Assign(to, from));
            }
        }
        body.Add(copy);
        return Expression.Lambda<Func<Dictionary<TKey, TValue>, Dictionary<TKey, TValue>>>(Expression.Block([copy], body), source).Compile();
    }
}
