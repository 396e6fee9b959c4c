using System.Runtime.CompilerServices;

namespace UvmSim.Undo;

/// <summary>
/// A log of how to put the model back as it was (docs/performance.md, "The undo log"): the
/// explorer marks a state, applies a call, audits and hashes, and undoes back to the mark,
/// instead of replaying the state's calls on a fresh kernel or copying its kernel.
/// </summary>
/// <remarks>
/// Every type that holds kernel state says, before it changes, what it is about to change:
/// <see cref="Set{TOwner, T}"/> for one field (a property's setter: the old value alone),
/// <see cref="Touch{T}"/> for an object (its fields, and the arrays and collections it
/// holds directly, are saved once per mark), <see cref="Element{T}"/> for one element of an
/// array of structs (frames); a constructor says <see cref="Fresh"/>, so a new object's
/// writes are not saved. Undoing restores the entries last first, so an object touched
/// twice ends as it was at the first touch, and a dictionary gets back its internal arrays
/// and free list as they were, with its enumeration order (DictionaryCopy's concern).
/// The log of the calling thread is active between <see cref="Activate"/> and
/// <see cref="Deactivate"/>; without one every hook is a read of a static flag.
/// Saved copies and element stacks are pooled, so a log in steady state allocates nothing.
/// A <see cref="Counter"/> is a log that keeps nothing and only counts the changes.
/// A collection is logged either whole (<see cref="Touch{T}"/>) or change by change
/// (<see cref="Added{T}"/>, <see cref="Slot{T}(List{T}, int)"/>, …; <c>[LoggedApart]</c>),
/// never both: a change logged after a whole save of the same mark assumes a shape that
/// unlogged changes under the save may have altered.
/// =&gt; objects allocated after a mark need no touch: undo drops every reference to them.
/// </remarks>
public sealed class UndoLog
{
    /// <summary>Set once any log has been activated, so the model without one pays a static read.</summary>
    private static volatile bool s_used;

    [ThreadStatic]
    private static UndoLog? t_active;

    private Entry[] _entries = new Entry[1024];
    private int _count;
    private object? _last;

    /// <summary>
    /// The objects and arrays saved whole lately, by address: one save restores an object
    /// however often the call changes it, so a second touch costs a compare. Only those of the
    /// current epoch count; a mark, an undo or a clear starts a new one. Forgetting a save
    /// (two objects in one place, or one moved by the collector) only saves it again, which
    /// undoes correctly: the later copy is restored first, the first one last.
    /// </summary>
    private readonly Recent[] _recent = new Recent[RecentSlots];
    private long _epoch = 1;
    private const int RecentSlots = 64;

    private struct Recent
    {
        public object? Object;
        public long Epoch;
    }
    private object?[] _pools = new object?[64];

    /// <summary>A counter (<see cref="Counter"/>) keeps no entry: it notes a change to anything but <see cref="_except"/>.</summary>
    private bool _counting;
    private object? _except;
    private bool _changed;

    /// <summary>What undoing one entry needs: who restores it, what, from what.</summary>
    internal struct Entry
    {
        public Restorer Restorer;
        public object Target;
        public object? Saved;
        public int Index;
        public Payload Old;
    }

    /// <summary>Room for an old array element of up to 16 bytes (a frame).</summary>
    internal struct Payload
    {
        public long A;
        public long B;
    }

    /// <summary>Entries recorded and not yet undone (a mark is one of these positions).</summary>
    public int Count => _count;

    /// <summary>
    /// A log that keeps nothing and only tells whether a call changed the model: every hook
    /// counts instead of saving (the fuzzer: a call that changed nothing left the state it
    /// found, whose hash and audit are known, as the explorer's walk takes it from a real log).
    /// </summary>
    public static UndoLog Counter() => new() { _counting = true };

    /// <summary>Starts counting the changes to anything but <paramref name="except"/> (a driver's own bookkeeping).</summary>
    public void CountFrom(object except)
    {
        _except = except;
        _changed = false;
        NewEpoch();
    }

    /// <summary>Whether anything but the object given to <see cref="CountFrom"/> changed since.</summary>
    public bool Changed => _changed;

    private void Counted(object target) => _changed |= !ReferenceEquals(target, _except);

    /// <summary>The log of this thread, if one is active.</summary>
    public static UndoLog? Active => s_used ? t_active : null;

    /// <summary>
    /// <see cref="Element{T}"/> for a hot loop that asked <see cref="Active"/> once before it
    /// (the frame runs): without a log the loop then pays nothing per element.
    /// </summary>
    public void SaveElement<T>(T[] array, int index)
        where T : struct => ElementRestorer<T>.Save(array, index, this);

    /// <summary>Makes this log record this thread's changes to the model.</summary>
    public void Activate()
    {
        s_used = true;
        t_active = this;
    }

    /// <summary>Stops recording on this thread (the entries stay, to be undone or dropped).</summary>
    public static void Deactivate() => t_active = null;

    /// <summary>The position to undo back to; objects touched after it are saved again.</summary>
    public int Mark()
    {
        NewEpoch();
        return _count;
    }

    /// <summary>
    /// Whether nothing but <paramref name="only"/> (its fields, logged whole or one by one) changed since
    /// <paramref name="mark"/>: a search asks whether a call left the kernel as it was, when the
    /// driver that made the call keeps its own bookkeeping.
    /// </summary>
    public bool NothingBut(int mark, object only)
    {
        for (int i = mark; i < _count; i++)
        {
            if (!ReferenceEquals(_entries[i].Target, only))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The entries recorded since <paramref name="mark"/>: what a call logged (the bench's census, <c>bench/UvmSim.Bench/UndoCensus.cs</c>).</summary>
    internal ReadOnlySpan<Entry> Since(int mark) => _entries.AsSpan(mark, _count - mark);

    /// <summary>Restores what was changed since <paramref name="mark"/>, last change first.</summary>
    public void Undo(int mark)
    {
        Entry[] entries = _entries;
        while (_count > mark)
        {
            ref Entry e = ref entries[--_count];
            e.Restorer.Restore(in e, this);
            e = default;
        }
        NewEpoch();
    }

    /// <summary>Forgets every entry without restoring anything (the changes are kept).</summary>
    public void Clear()
    {
        Array.Clear(_entries, 0, _count);
        _count = 0;
        NewEpoch();
    }

    private void NewEpoch()
    {
        _last = null;
        _epoch++;
    }

    /// <summary>Whether <paramref name="o"/> is not known to be saved since the mark; it is, from now on.</summary>
    private bool FirstSince(object o)
    {
        ref Recent r = ref RecentOf(o);
        if (r.Epoch == _epoch && ReferenceEquals(r.Object, o))
        {
            return false;
        }
        r.Object = o;
        r.Epoch = _epoch;
        return true;
    }

    /// <summary>Before <paramref name="o"/> changes: saves its fields and what it holds directly.</summary>
    public static void Touch<T>(T o)
        where T : class
    {
        if (s_used && t_active is { } log)
        {
            if (log._counting)
            {
                log.Counted(o);
            }
            else if (!ReferenceEquals(log._last, o) && log.FirstSince(o))
            {
                log._last = o;
                Fields.Save(o, log);
            }
        }
    }

    /// <summary>
    /// Sets <paramref name="field"/> of <paramref name="owner"/> to <paramref name="value"/>,
    /// logging the field's old value alone (a property's setter: <c>set =&gt; UndoLog.Set(this,
    /// ref field, value)</c>). A write of the value the field holds changes nothing and logs
    /// nothing, so a call that sets what is set leaves the kernel unchanged for the search; an
    /// owner saved whole since the mark needs no more.
    /// </summary>
    public static void Set<TOwner, T>(TOwner owner, ref T field, T value)
        where TOwner : class
    {
        if (typeof(T).IsValueType ? EqualityComparer<T>.Default.Equals(field, value) : ReferenceEquals(field, value))
        {
            return;
        }
        if (s_used && t_active is { } log && !log.SavedWhole(owner))
        {
            if (log._counting)
            {
                log.Counted(owner);
            }
            else if (FieldSlotRestorer<T>.Fits)
            {
                FieldSlotRestorer<T>.Save(owner, ref field, log);
            }
            else
            {
                Touch(owner);
            }
        }
        field = value;
    }

    /// <summary>
    /// The collection in <paramref name="field"/> of <paramref name="owner"/>, about to change:
    /// made first if the field holds none (the field logged alone, so an undo puts the null
    /// back), then saved whole. For the tables and lists an owner makes with their first element.
    /// </summary>
    public static T Changing<TOwner, T>(TOwner owner, ref T? field)
        where TOwner : class
        where T : class, new()
    {
        T collection = Made(owner, ref field);
        Touch(collection);
        return collection;
    }

    /// <summary>
    /// The collection in <paramref name="field"/> of <paramref name="owner"/>, made first if the
    /// field holds none (the field logged alone, so an undo puts the null back). Its changes
    /// are the caller's to log: whole (<see cref="Changing{TOwner, T}"/>) or one by one (<see cref="Added{T}"/>).
    /// </summary>
    public static T Made<TOwner, T>(TOwner owner, ref T? field)
        where TOwner : class
        where T : class, new()
    {
        T? collection = field;
        if (collection is null)
        {
            collection = new T();
            Set(owner, ref field, collection);
        }
        return collection;
    }

    /// <summary>
    /// Says <paramref name="o"/> was just made (its constructor calls this first): undoing drops
    /// every reference to an object made after the mark, so what its initializers and later
    /// setters write until the next mark need not be saved. Forgetting it (another object
    /// taking its place in the table of recent saves) only logs those writes after all.
    /// </summary>
    public static void Fresh(object o)
    {
        if (s_used && t_active is { } log)
        {
            log.FirstSince(o);
        }
    }

    /// <summary>Whether <paramref name="o"/> is known to be saved whole since the mark (<see cref="FirstSince"/>, without recording it).</summary>
    private bool SavedWhole(object o)
    {
        if (ReferenceEquals(_last, o))
        {
            return true;
        }
        ref Recent r = ref RecentOf(o);
        return r.Epoch == _epoch && ReferenceEquals(r.Object, o);
    }

    /// <summary>The slot of the table of recent saves that <paramref name="o"/>'s address falls in.</summary>
    private ref Recent RecentOf(object o)
    {
        nint at = Unsafe.As<object, nint>(ref o);
        return ref _recent[(int)((at >> 4) ^ (at >> 11)) & (RecentSlots - 1)];
    }

    /// <summary>Before element <paramref name="index"/> of <paramref name="array"/> changes.</summary>
    public static void Element<T>(T[] array, int index)
        where T : struct
    {
        if (s_used && t_active is { } log)
        {
            log.SaveElement(array, index);
        }
    }

    /// <summary>Before any element of <paramref name="array"/> changes: saves all of it.</summary>
    public static void TouchArray<T>(T[] array)
    {
        if (s_used && t_active is { } log)
        {
            if (log._counting)
            {
                log.Counted(array);
            }
            else if (!ReferenceEquals(log._last, array) && log.FirstSince(array))
            {
                log._last = array;
                ArrayRestorer<T>.Save(array, log);
            }
        }
    }


    /// <summary>The pool of saved copies of the restorer numbered <paramref name="id"/>, in this log.</summary>
    internal ref object? PoolOf(int id)
    {
        if (id >= _pools.Length)
        {
            Array.Resize(ref _pools, Math.Max(id + 1, _pools.Length * 2));
        }
        return ref _pools[id];
    }

    /// <summary>Before <paramref name="array"/>[<paramref name="index"/>] (a reference) is replaced.</summary>
    public static void Slot<T>(T[] array, int index)
        where T : class?
    {
        if (s_used && t_active is { } log)
        {
            log.Add(SlotRestorer<T>.Instance, array, array[index], index);
        }
    }

    /// <summary>Before <paramref name="list"/>[<paramref name="index"/>] (a reference) is replaced.</summary>
    public static void Slot<T>(List<T> list, int index)
        where T : class?
    {
        if (s_used && t_active is { } log)
        {
            log.Add(SlotRestorer<T>.Instance, list, list[index], index);
        }
    }

    /// <summary>After an element was added at the end of <paramref name="list"/>.</summary>
    public static void Added<T>(List<T> list)
    {
        if (s_used && t_active is { } log)
        {
            log.Add(ListAddRestorer<T>.Instance, list, null, 0);
        }
    }

    /// <summary>After <paramref name="stack"/> was pushed.</summary>
    public static void Pushed(Stack<int> stack)
    {
        if (s_used && t_active is { } log)
        {
            log.Add(IntStackRestorer.Pushed, stack, null, 0);
        }
    }

    /// <summary>After <paramref name="value"/> was popped from <paramref name="stack"/>.</summary>
    public static void Popped(Stack<int> stack, int value)
    {
        if (s_used && t_active is { } log)
        {
            log.Add(IntStackRestorer.Popped, stack, null, value);
        }
    }

    internal void Add(Restorer restorer, object target, object? saved, int index, Payload old = default)
    {
        if (_counting)
        {
            Counted(target);
            return;
        }
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }
        ref Entry e = ref _entries[_count++];
        e.Restorer = restorer;
        e.Target = target;
        e.Saved = saved;
        e.Index = index;
        e.Old = old;
    }
}
