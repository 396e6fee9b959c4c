using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace UvmSim.Undo;

/// <summary>Puts back one kind of saved state (an object's fields, an array, an element).</summary>
/// <remarks>Each restorer has a number, under which every log keeps its pool of saved copies.</remarks>
internal abstract class Restorer
{
    private static int s_next;

    public readonly int Id = Interlocked.Increment(ref s_next) - 1;

    public abstract void Restore(in UndoLog.Entry e, UndoLog log);
}

/// <summary>
/// Saving an object's fields, by its runtime type. The copy of every field is compiled once
/// per type, so a field added to the model later is saved without anyone listing it.
/// </summary>
internal static class Fields
{
    private static readonly ConcurrentDictionary<Type, Action<object, UndoLog>> s_byType = new();

    public static void Save<T>(T o, UndoLog log)
        where T : class
    {
        if (o.GetType() == typeof(T)) // a comparison of type handles, no reflection
        {
            FieldRestorer<T>.Instance.Save(o, log);
        }
        else
        {
            SaveObject(o, log);
        }
    }

    public static void SaveObject(object o, UndoLog log) =>
        s_byType.GetOrAdd(o.GetType(), static t => typeof(FieldRestorer<>).MakeGenericType(t)
            .GetMethod(nameof(FieldRestorer<object>.SaveBoxed), BindingFlags.Static | BindingFlags.Public)!
            .CreateDelegate<Action<object, UndoLog>>())(o, log);

    /// <summary>
    /// The collections an object owns and that change in place: saved with it. Anything else
    /// it references is a model object with its own hooks, or immutable.
    /// </summary>
    public static bool IsOwnedCollection(Type t) => t.IsArray || (t.IsGenericType && t.GetGenericTypeDefinition() is var d
        && (d == typeof(List<>) || d == typeof(Dictionary<,>) || d == typeof(HashSet<>) || d == typeof(Stack<>) || d == typeof(Queue<>)));
}

/// <summary>Saves and restores the instance fields of a <typeparamref name="T"/>, and what it owns.</summary>
internal sealed class FieldRestorer<T> : Restorer
    where T : class
{
    public static readonly FieldRestorer<T> Instance = new();

    // Field initializers, not a static constructor: shared generic code would otherwise
    // check the class's initialization on every call (a helper call per touch).
    private static readonly (Action<T, T> Copy, Action<T, UndoLog>? Owned) s_compiled = Compile();
    private static readonly Action<T, T> s_copy = s_compiled.Copy;
    private static readonly Action<T, UndoLog>? s_owned = s_compiled.Owned;

    private static (Action<T, T>, Action<T, UndoLog>?) Compile()
    {
        var fields = new List<FieldInfo>();
        for (Type? t = typeof(T); t is not null && t != typeof(object); t = t.BaseType)
        {
            fields.AddRange(t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly));
        }
        ParameterExpression from = Expression.Parameter(typeof(T), "from"), to = Expression.Parameter(typeof(T), "to");
        var copies = fields.Where(f => !f.IsInitOnly).Select(f => (Expression)Expression.Assign(Expression.Field(to, f), Expression.Field(from, f))).ToList();
        Action<T, T> copy = copies.Count == 0
            ? static (_, _) => { }
            : Expression.Lambda<Action<T, T>>(Expression.Block(copies), from, to).Compile();
        ParameterExpression o = Expression.Parameter(typeof(T), "o"), log = Expression.Parameter(typeof(UndoLog), "log");
        var owned = new List<Expression>();
        foreach (FieldInfo f in fields.Where(f => Fields.IsOwnedCollection(f.FieldType) && f.GetCustomAttribute<LoggedApartAttribute>() is null))
        {
            MethodInfo save = f.FieldType.IsArray
                ? typeof(ArrayRestorer<>).MakeGenericType(f.FieldType.GetElementType()!).GetMethod(nameof(ArrayRestorer<int>.Save))!
                : typeof(FieldRestorer<>).MakeGenericType(f.FieldType).GetMethod(nameof(SaveOwned))!;
            MemberExpression value = Expression.Field(o, f);
            owned.Add(Expression.IfThen(Expression.NotEqual(value, Expression.Constant(null, f.FieldType)), Expression.Call(save, value, log)));
        }
        return (copy, owned.Count == 0 ? null : Expression.Lambda<Action<T, UndoLog>>(Expression.Block(owned), o, log).Compile());
    }

    public void Save(T o, UndoLog log)
    {
        ref object? slot = ref log.PoolOf(Id);
        var pool = Unsafe.As<Stack<T>?>(slot) ?? (Stack<T>)(slot = new Stack<T>());
        T saved = pool.Count > 0 ? pool.Pop() : (T)RuntimeHelpers.GetUninitializedObject(typeof(T));
        s_copy(o, saved);
        log.Add(this, o, saved, 0);
        s_owned?.Invoke(o, log);
    }

    public static void SaveOwned(T o, UndoLog log) => Instance.Save(o, log);

    public static void SaveBoxed(object o, UndoLog log) => Instance.Save((T)o, log);

    public override void Restore(in UndoLog.Entry e, UndoLog log)
    {
        T saved = Unsafe.As<T>(e.Saved!);
        s_copy(saved, Unsafe.As<T>(e.Target));
        Unsafe.As<Stack<T>>(log.PoolOf(Id))!.Push(saved);
    }
}

/// <summary>Saves and restores a whole array (an owned collection's storage).</summary>
internal sealed class ArrayRestorer<T> : Restorer
{
    public static readonly ArrayRestorer<T> Instance = new();

    public static void Save(T[] array, UndoLog log)
    {
        if (array.Length == 0)
        {
            return;
        }
        // Saved copies are pooled by the power of two that holds them.
        int bucket = BitOperations.Log2(BitOperations.RoundUpToPowerOf2((uint)array.Length));
        ref object? slot = ref log.PoolOf(Instance.Id);
        var pools = Unsafe.As<Stack<T[]>[]?>(slot) ?? (Stack<T[]>[])(slot = new Stack<T[]>[33]);
        Stack<T[]> pool = pools[bucket] ??= new Stack<T[]>();
        T[] saved = pool.Count > 0 ? pool.Pop() : new T[1 << bucket];
        array.AsSpan().CopyTo(saved);
        log.Add(Instance, array, saved, array.Length);
    }

    public override void Restore(in UndoLog.Entry e, UndoLog log)
    {
        T[] saved = Unsafe.As<T[]>(e.Saved!);
        saved.AsSpan(0, e.Index).CopyTo(Unsafe.As<T[]>(e.Target));
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            saved.AsSpan(0, e.Index).Clear();
        }
        Unsafe.As<Stack<T[]>[]>(log.PoolOf(Instance.Id))![BitOperations.Log2((uint)saved.Length)].Push(saved);
    }
}

/// <summary>
/// Saves and restores single elements of an array of small structs (frames): the old value
/// travels in the entry itself, so there is nothing to allocate or to keep in step.
/// </summary>
internal sealed class ElementRestorer<T> : Restorer
    where T : struct
{
    public static readonly ElementRestorer<T> Instance = Unsafe.SizeOf<T>() > Unsafe.SizeOf<UndoLog.Payload>() || RuntimeHelpers.IsReferenceOrContainsReferences<T>()
        ? throw new NotSupportedException($"{typeof(T).Name} is not a small plain struct: log its holder with Touch")
        : new();

    public static void Save(T[] array, int index, UndoLog log)
    {
        UndoLog.Payload old = default;
        Unsafe.As<UndoLog.Payload, T>(ref old) = array[index];
        log.Add(Instance, array, null, index, old);
    }

    public override void Restore(in UndoLog.Entry e, UndoLog log)
    {
        UndoLog.Payload old = e.Old;
        ((T[])e.Target)[e.Index] = Unsafe.As<UndoLog.Payload, T>(ref old);
    }
}
