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
/// The copy is the dictionary object copied member by member with its two arrays copied
/// (<c>_buckets</c>, <c>_entries</c>) and its cached key and value views dropped; accessors
/// for these private fields are compiled once per closed type. If a runtime renames them
/// the type initializer throws, and the snapshot tests fail rather than copy wrongly.
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

    /// <summary>The compiled copy for one closed dictionary type.</summary>
    private static class Copier<TKey, TValue>
        where TKey : notnull
    {
        public static readonly Func<Dictionary<TKey, TValue>, Dictionary<TKey, TValue>> Copy = Compile<TKey, TValue>();
    }

    private static Func<Dictionary<TKey, TValue>, Dictionary<TKey, TValue>> Compile<TKey, TValue>()
        where TKey : notnull
    {
        const BindingFlags Instance = BindingFlags.Instance | BindingFlags.NonPublic;
        Type type = typeof(Dictionary<TKey, TValue>);
        FieldInfo Field(string name) => type.GetField(name, Instance)
            ?? throw new MissingFieldException(type.FullName, name);
        MethodInfo memberwise = typeof(object).GetMethod("MemberwiseClone", Instance)!;
        MethodInfo arrayClone = typeof(Array).GetMethod(nameof(Array.Clone))!;

        ParameterExpression source = Expression.Parameter(type, "source");
        ParameterExpression copy = Expression.Variable(type, "copy");
        var body = new List<Expression> { Expression.Assign(copy, Expression.Convert(Expression.Call(source, memberwise), type)) };
        foreach (string name in new[] { "_buckets", "_entries" })
        {
            FieldInfo f = Field(name);
            MemberExpression field = Expression.Field(copy, f);
            body.Add(Expression.IfThen(
                Expression.NotEqual(field, Expression.Constant(null, f.FieldType)),
                Expression.Assign(field, Expression.Convert(Expression.Call(field, arrayClone), f.FieldType))));
        }
        foreach (string name in new[] { "_keys", "_values" })
        {
            FieldInfo f = Field(name);
            body.Add(Expression.Assign(Expression.Field(copy, f), Expression.Constant(null, f.FieldType)));
        }
        body.Add(copy);
        return Expression.Lambda<Func<Dictionary<TKey, TValue>, Dictionary<TKey, TValue>>>(Expression.Block([copy], body), source).Compile();
    }
}
