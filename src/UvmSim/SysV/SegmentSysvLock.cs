using UvmSim.Map;
using UvmSim.Objects;
using UvmSim.Wiring;

namespace UvmSim.SysV;

/// <summary>
/// The segment-scoped lock of <c>dual</c> (SPEC §8.4): the segment owns its wiring. While
/// locked, the object is wired once and every attachment entry — an entry mapping the
/// object itself inside one of its attachments, in any process — holds exactly one record,
/// a balanced wiring that no POSIX call can steal.
/// </summary>
public sealed class SegmentSysvLock(IShmHost kernel) : ISysvLock, IShmProcessWalk
{
    /// <inheritdoc/>
    public Errno Lock(IShmProcess caller, Segment segment)
    {
        if (segment.Locked)
        {
            return Errno.None;
        }
        if (ObjectWiring.Wire(kernel.Vm, segment) != Errno.None)
        {
            return Errno.ENOMEM;
        }
        // No entry holds a record while the segment is unlocked, so the record bit itself
        // says which entries this walk has done (a stale attachment and a newer one at the
        // same address share an entry, which still gets one record).
        if (!Records(segment, add: true))
        {
            Records(segment, add: false);
            ObjectWiring.Unwire(kernel.Vm, segment);
            return Errno.ENOMEM;
        }
        segment.Locked = true;
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Unlock(IShmProcess caller, Segment segment)
    {
        if (!segment.Locked)
        {
            return Errno.None;
        }
        Records(segment, add: false);
        ObjectWiring.Unwire(kernel.Vm, segment);
        segment.Locked = false;
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Attached(IShmProcess p, Attachment attachment) =>
        !attachment.Segment.Locked || ChangeRecords(p, attachment, add: true, stopAtFailure: true) ? Errno.None : Errno.ENOMEM;

    /// <inheritdoc/>
    public void Forked(IShmProcess child)
    {
        foreach (Attachment a in child.Attachments)
        {
            if (a.Segment.Locked)
            {
                ChangeRecords(child, a, add: true, stopAtFailure: false); // a child's record that fails to wire is skipped (§3.5)
            }
        }
    }

    /// <inheritdoc/>
    public UvmObject? DetachFilter(Segment segment) => segment.Object;

    /// <summary>
    /// Gives every attachment entry of the segment in every live process a record, or takes
    /// every record away.
    /// =&gt; false when adding a record failed (the walk stops there).
    /// </summary>
    private bool Records(Segment segment, bool add)
    {
        _walkSegment = segment;
        _walkAdd = add;
        return kernel.WalkLiveProcesses(this);
    }

    private Segment? _walkSegment;
    private bool _walkAdd;

    /// <summary>One process of <see cref="Records"/>' walk (the lock is its own walk, so a lock allocates nothing).</summary>
    bool IShmProcessWalk.Visit(IShmProcess p)
    {
        foreach (Attachment a in p.Attachments)
        {
            if (a.Segment == _walkSegment && !ChangeRecords(p, a, _walkAdd, stopAtFailure: true))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Adds a record to each attachment entry of <paramref name="a"/> in <paramref name="p"/>
    /// that has none, or drops each one's record. A record wiring never clips (it covers its
    /// entry exactly), so the map can be walked while records change.
    /// =&gt; false when a record failed to wire and <paramref name="stopAtFailure"/> ended the walk there.
    /// </summary>
    private bool ChangeRecords(IShmProcess p, Attachment a, bool add, bool stopAtFailure)
    {
        for (MapEntry? e = p.Space.Map.LookupAtOrAfter(a.Va); e is not null && e.Start < a.Va + a.Size; e = e.Next)
        {
            if (!IsAttachmentEntry(e, a.Segment) || e.SegmentRecord == add)
            {
                continue;
            }
            if (!add)
            {
                DropRecord(p, e);
            }
            else if (AddRecord(p, e) != Errno.None && stopAtFailure)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Whether <paramref name="e"/>, inside an attachment of <paramref name="s"/>, is an
    /// attachment entry (§8.4): it maps the segment's object itself, not a copy-on-write copy.
    /// </summary>
    public static bool IsAttachmentEntry(MapEntry e, Segment s) => e.Object == s.Object && !e.CopyOnWrite;

    /// <inheritdoc/>
    public bool WiresObject => true;

    /// <inheritdoc/>
    /// <remarks>Every attachment entry holds a record exactly while the segment is locked (§8.4); other entries in the range (copies) are not its concern.</remarks>
    public bool? HoldsRecord(MapEntry entry, Segment segment) =>
        IsAttachmentEntry(entry, segment) ? segment.Locked : null;

    private Errno AddRecord(IShmProcess p, MapEntry e) =>
        kernel.Wiring.Wire(p.Space, e.Start, e.End, WireFlags.Record);

    private void DropRecord(IShmProcess p, MapEntry e) =>
        kernel.Wiring.Unwire(p.Space, e.Start, e.End, WireFlags.Record);

    /// <inheritdoc/>
    public void Destroying(Segment segment) { }

    /// <inheritdoc/>
    public bool CountsEntries => false;

    /// <inheritdoc/>
    public bool WiresResidentOnly => false;
}
