using UvmSim.Undo;
using UvmSim.Objects;

namespace UvmSim.SysV;

/// <summary>A SysV shared memory segment (<c>struct shmid_ds</c> plus its anonymous object).</summary>
public sealed partial class Segment
{
    internal Segment(int id, int slot, ulong key, ulong requestedSize, ulong size, AnonObject obj, uint uid, uint gid, uint mode)
    {
        UndoLog.Fresh(this);
        Id = id;
        Slot = slot;
        Key = key;
        RequestedSize = requestedSize;
        Size = size;
        Object = obj;
        Uid = CreatorUid = uid;
        Gid = CreatorGid = gid;
        Mode = mode;
    }

    /// <summary><c>seq × 65536 + slot</c>.</summary>
    public int Id { get; }

    /// <summary>Table slot.</summary>
    public int Slot { get; }

    /// <summary>The key; 0 (<c>IPC_PRIVATE</c>) once removed.</summary>
    public ulong Key { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>Size asked for at creation (<c>shm_segsz</c>), unrounded.</summary>
    public ulong RequestedSize { get; }

    /// <summary>Size rounded to pages.</summary>
    public ulong Size { get; }

    /// <summary>The backing anonymous object.</summary>
    public AnonObject Object { get; }

    /// <summary>Owner uid.</summary>
    public uint Uid { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>Owner gid.</summary>
    public uint Gid { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>Creator uid.</summary>
    public uint CreatorUid { get; }

    /// <summary>Creator gid.</summary>
    public uint CreatorGid { get; }

    /// <summary>Permission bits (0777).</summary>
    public uint Mode { get; internal set => UndoLog.Set(this, ref field, value); }

    private int _nattch;

    /// <summary>
    /// Attachments in every process, stale ones included; under <c>sysv=shmem</c> the number
    /// of attachment entries in every process, counted when read (Linux counts VMAs, SPEC §17.3).
    /// </summary>
    public int Nattch
    {
        get => EntryCounter?.Invoke(this) ?? _nattch;
        internal set
        {
            UndoLog.Touch(this);
            _nattch = value;
        }
    }

    /// <summary>Set where nattch counts entries (<see cref="ISysvLock.CountsEntries"/>).</summary>
    internal Func<Segment, int>? EntryCounter { get; set => UndoLog.Set(this, ref field, value); }

    /// <summary>The locked mark (<c>SHMSEG_WIRED</c>).</summary>
    public bool Locked { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>Marked for removal (<c>IPC_RMID</c>); freed at the last detach.</summary>
    public bool Removed { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>Freed: gone from the table.</summary>
    public bool Freed { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>Under <c>sysv=shmem</c>: the uid charged for the lock (<c>mlock_ucounts</c>), or null.</summary>
    public uint? ChargedUid { get; internal set => UndoLog.Set(this, ref field, value); }

    /// <summary>The auditor's record of whether <c>ObjWire</c> holds the object now (§10).</summary>
    public bool ObjectWired { get; internal set => UndoLog.Set(this, ref field, value); }
}
