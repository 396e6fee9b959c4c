using UvmSim.Undo;
namespace UvmSim.Objects;

/// <summary>
/// Maps the small integer a frame records as its owner back to the object or anon, so a
/// frame can stay a 16-byte struct (SPEC §14) and the page daemon can still find its owner.
/// </summary>
public sealed partial class OwnerRegistry
{
    [LoggedApart] // slot by slot (UndoLog.Slot, UndoLog.Added)
    private readonly List<object?> _owners = [];
    /// <summary>Ids given back, to reuse; made with the first (most universes free no owner before their first undo: issue 17).</summary>
    private Stack<int>? _freeIds;

    /// <summary>Gives <paramref name="anon"/> an id.</summary>
    public void Register(Anon anon) => anon.OwnerId = Take(anon);

    /// <summary>Gives <paramref name="obj"/> an id.</summary>
    public void Register(UvmObject obj) => obj.OwnerId = Take(obj);

    /// <summary>Forgets an anon whose last reference went away.</summary>
    public void Unregister(Anon anon) => Give(anon.OwnerId);

    /// <summary>Forgets an object whose last reference went away.</summary>
    public void Unregister(UvmObject obj) => Give(obj.OwnerId);

    /// <summary>The owner with id <paramref name="id"/>: a <see cref="UvmObject"/>, an <see cref="Anon"/>, or null.</summary>
    public object? this[int id] => id >= 0 && id < _owners.Count ? _owners[id] : null;

    private int Take(object owner)
    {
        if (_freeIds is not null && _freeIds.TryPop(out int id))
        {
            UndoLog.Popped(_freeIds, id);
            UndoLog.Slot(_owners, id);
            _owners[id] = owner;
            return id;
        }
        _owners.Add(owner);
        UndoLog.Added(_owners);
        return _owners.Count - 1;
    }

    private void Give(int id)
    {
        if (id >= 0 && id < _owners.Count && _owners[id] is not null)
        {
            UndoLog.Slot(_owners, id);
            _owners[id] = null;
            if (_freeIds is null)
            {
                UndoLog.Touch(this); // the field goes from null to a stack
                _freeIds = new();
            }
            _freeIds.Push(id);
            UndoLog.Pushed(_freeIds);
        }
    }
}
