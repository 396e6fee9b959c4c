using UvmSim.Snapshots;

namespace UvmSim.Objects;

// Snapshots: the registry names the copies of its owners, at the same ids, and reuses free
// ids in the same order, so new anons and objects get the ids they would have got.
public sealed partial class OwnerRegistry
{
    /// <summary>A copy whose owners are <paramref name="map"/>'s copies of this registry's.</summary>
    internal OwnerRegistry Copy(CloneMap map)
    {
        var copy = new OwnerRegistry();
        foreach (object? owner in _owners)
        {
            copy._owners.Add(owner switch
            {
                null => null,
                Anon a => Anon.CopyOf(a, map),
                UvmObject o => UvmObject.CopyOf(o, map),
                _ => throw new InvalidOperationException($"an owner of type {owner.GetType().Name} cannot be copied"),
            });
        }
        if (_freeIds is not null)
        {
            int[] free = _freeIds.ToArray(); // top first
            copy._freeIds = new Stack<int>(free.Length);
            for (int i = free.Length - 1; i >= 0; i--)
            {
                copy._freeIds.Push(free[i]);
            }
        }
        return copy;
    }
}
