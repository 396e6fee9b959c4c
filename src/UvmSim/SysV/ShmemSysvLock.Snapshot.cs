using UvmSim.Snapshots;

namespace UvmSim.SysV;

// Snapshots: the pages charged to each user by its locked segments (Linux's
// user_shm_lock accounting) are state: a copied kernel's lock strategy starts with them.
public sealed partial class ShmemSysvLock
{
    internal void CopyFrom(ShmemSysvLock source) => _charged = DictionaryCopy.Of(source._charged);
}
