namespace UvmSim.Undo;

// Single changes to big collections, logged as the change and its inverse instead of a copy
// of the collection: the owner registry's list of owners and stack of free ids, and the pv
// table's array of lists. A list or stack is compared by its elements (StateComparer), so
// undoing an Add by a RemoveAt leaves it equal, spare capacity aside.

/// <summary>An element of an array of references or a list set: puts back the old reference.</summary>
internal sealed class SlotRestorer<T> : Restorer
    where T : class?
{
    public static readonly SlotRestorer<T> Instance = new();

    public override void Restore(in UndoLog.Entry e, UndoLog log)
    {
        switch (e.Target)
        {
            case T[] array:
                array[e.Index] = (T)e.Saved!;
                break;
            case List<T> list:
                list[e.Index] = (T)e.Saved!;
                break;
            default:
                throw new InvalidOperationException($"a slot of a {e.Target.GetType().Name} cannot be restored");
        }
    }
}

/// <summary>An element added at the end of a list: removes it.</summary>
internal sealed class ListAddRestorer<T> : Restorer
{
    public static readonly ListAddRestorer<T> Instance = new();

    public override void Restore(in UndoLog.Entry e, UndoLog log)
    {
        var list = (List<T>)e.Target;
        list.RemoveAt(list.Count - 1);
    }
}

/// <summary>A stack of ints pushed (undone by a pop) or popped (undone by pushing the value back).</summary>
internal sealed class IntStackRestorer : Restorer
{
    public static readonly IntStackRestorer Pushed = new(), Popped = new();

    public override void Restore(in UndoLog.Entry e, UndoLog log)
    {
        var stack = (Stack<int>)e.Target;
        if (ReferenceEquals(this, Pushed))
        {
            stack.Pop();
        }
        else
        {
            stack.Push(e.Index);
        }
    }
}
