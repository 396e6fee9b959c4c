using UvmSim.Map;
using UvmSim.Policies;
using UvmSim.Wiring;

namespace UvmSim.Kernel.Limits;

/// <summary>
/// Switch <c>relock-counts</c> (SPEC §5.3): what the mlock family counts against
/// <c>wiredmax</c> and <c>RLIMIT_MEMLOCK</c>, and what <c>check locked</c> reads.
/// </summary>
public interface IMemlockAccounting
{
    /// <summary>Bytes the process holds locked (<c>locked</c>).</summary>
    ulong Locked(Process p);

    /// <summary>What locking <c>[start, end)</c> asks for, and what counts as locked meanwhile.</summary>
    (ulong Request, ulong Locked) ForRange(Process p, ulong start, ulong end);

    /// <summary>What <c>mlockall(MCL_CURRENT)</c> asks for.</summary>
    ulong ForAll(Process p);

    /// <summary>
    /// Whether a limit of 0 switches test (3) off (NetBSD, for mlockall and mmap) rather than
    /// forbidding anything new; and whether a request of 0 passes without testing.
    /// </summary>
    bool ZeroLimitDisables { get; }

    /// <inheritdoc cref="ZeroLimitDisables"/>
    bool EmptyRequestPasses { get; }

    /// <summary>
    /// Whether a <c>fixed</c> mapping passes the tests before it replaces what is there
    /// (exact), or replaces first so that failing leaves a hole (NetBSD, §15).
    /// </summary>
    bool TestsBeforeReplacing { get; }

    /// <summary>Whether the global <c>wiredmax</c> test applies (NetBSD's <c>uvmexp.wiredmax</c>; Linux has none).</summary>
    bool TestsWiredMax { get; }
}

/// <summary>Chooses the accounting for a switch value.</summary>
public static class MemlockAccounting
{
    /// <summary>The accounting for <paramref name="value"/> under the <paramref name="wiring"/> semantics.</summary>
    public static IMemlockAccounting For(RelockCountsSwitch value, IWiringSemantics wiring, int pageSize, long imageLockable = 0, long imageTotal = 0) => value switch
    {
        RelockCountsSwitch.Yes => new WiredTranslationAccounting(pageSize),
        RelockCountsSwitch.No => new ExactAccounting(wiring),
        RelockCountsSwitch.Vma => new VmaAccounting(wiring, pageSize, imageLockable, imageTotal),
        _ => throw new NotSupportedException($"relock-counts={value} has no accounting"),
    };
}

/// <summary>
/// NetBSD's accounting (<c>relock-counts=yes</c>): the request is the rounded range, and
/// <c>locked</c> is the process's wired translations (<c>pmap_wired_count</c>), so re-locking
/// counts again and SysV and transient wirings count too.
/// </summary>
public sealed class WiredTranslationAccounting(int pageSize) : IMemlockAccounting
{
    /// <inheritdoc/>
    public ulong Locked(Process p) => (ulong)p.Space.Pmap.WiredCount * (ulong)pageSize;

    /// <inheritdoc/>
    public (ulong Request, ulong Locked) ForRange(Process p, ulong start, ulong end) => (end - start, Locked(p));

    /// <inheritdoc/>
    public ulong ForAll(Process p)
    {
        ulong request = 0;
        for (MapEntry? e = p.Space.Map.First; e is not null; e = e.Next)
        {
            if (e.Protection != Protection.None && !e.IsWired)
            {
                request += e.Size;
            }
        }
        return request;
    }

    /// <inheritdoc/>
    public bool ZeroLimitDisables => true;

    /// <inheritdoc/>
    public bool EmptyRequestPasses => false;

    /// <inheritdoc/>
    public bool TestsBeforeReplacing => false;

    /// <inheritdoc/>
    public bool TestsWiredMax => true;
}

/// <summary>
/// Exact accounting (<c>relock-counts=no</c>): the request is the bytes not yet POSIX-locked,
/// and <c>locked</c> the bytes of the process's POSIX-locked entries, as the wiring semantics
/// say (<see cref="IWiringSemantics.IsPosixLocked"/>).
/// </summary>
public sealed class ExactAccounting(IWiringSemantics wiring) : IMemlockAccounting
{
    private bool IsPosixLocked(MapEntry e) => wiring.IsPosixLocked(e);

    /// <inheritdoc/>
    public ulong Locked(Process p)
    {
        ulong bytes = 0;
        for (MapEntry? e = p.Space.Map.First; e is not null; e = e.Next)
        {
            if (IsPosixLocked(e))
            {
                bytes += e.Size;
            }
        }
        return bytes;
    }

    /// <inheritdoc/>
    public (ulong Request, ulong Locked) ForRange(Process p, ulong start, ulong end)
    {
        ulong lockedInRange = 0;
        for (MapEntry? e = p.Space.Map.LookupAtOrAfter(start); e is not null && e.Start < end; e = e.Next)
        {
            if (IsPosixLocked(e))
            {
                lockedInRange += Math.Min(e.End, end) - Math.Max(e.Start, start);
            }
        }
        // A fixed mapping over locked pages asks only for the rest; its replaced locks still
        // count as locked, so the sum tested against the limit is the same either way.
        return (end - start - lockedInRange, Locked(p));
    }

    /// <inheritdoc/>
    public ulong ForAll(Process p)
    {
        ulong request = 0;
        for (MapEntry? e = p.Space.Map.First; e is not null; e = e.Next)
        {
            if (e.Protection != Protection.None && !IsPosixLocked(e))
            {
                request += e.Size;
            }
        }
        return request;
    }

    /// <inheritdoc/>
    public bool ZeroLimitDisables => false;

    /// <inheritdoc/>
    public bool EmptyRequestPasses => true;

    /// <inheritdoc/>
    public bool TestsBeforeReplacing => true;

    /// <inheritdoc/>
    public bool TestsWiredMax => true;
}

/// <summary>
/// Linux's <c>locked_vm</c> (<c>relock-counts=vma</c>, SPEC §17.4): V is every page of every
/// locked entry, <c>PROT_NONE</c>, absent and on-fault pages included, plus the image's lockable
/// pages while <c>mlockall(MCL_CURRENT)</c> holds it. A range asks for its pages less those
/// already locked (<c>count_mm_mlocked_page_nr</c>); <c>mlockall</c> asks for every mapped page
/// plus the image's total (<c>total_vm</c>), subtracting nothing. There is no wiredmax.
/// </summary>
public sealed class VmaAccounting(IWiringSemantics wiring, int pageSize, long imageLockable, long imageTotal) : IMemlockAccounting
{
    /// <inheritdoc/>
    public ulong Locked(Process p)
    {
        ulong bytes = p.ImageLocked ? (ulong)imageLockable * (ulong)pageSize : 0;
        for (MapEntry? e = p.Space.Map.First; e is not null; e = e.Next)
        {
            if (wiring.IsPosixLocked(e))
            {
                bytes += e.Size;
            }
        }
        return bytes;
    }

    /// <inheritdoc/>
    public (ulong Request, ulong Locked) ForRange(Process p, ulong start, ulong end)
    {
        ulong lockedInRange = 0;
        for (MapEntry? e = p.Space.Map.LookupAtOrAfter(start); e is not null && e.Start < end; e = e.Next)
        {
            if (wiring.IsPosixLocked(e))
            {
                lockedInRange += Math.Min(e.End, end) - Math.Max(e.Start, start);
            }
        }
        return (end - start - lockedInRange, Locked(p));
    }

    /// <inheritdoc/>
    public ulong ForAll(Process p)
    {
        ulong total = (ulong)imageTotal * (ulong)pageSize;
        for (MapEntry? e = p.Space.Map.First; e is not null; e = e.Next)
        {
            total += e.Size;
        }
        return total;
    }

    /// <inheritdoc/>
    public bool ZeroLimitDisables => false;

    /// <inheritdoc/>
    public bool EmptyRequestPasses => false;

    /// <inheritdoc/>
    public bool TestsBeforeReplacing => true;

    /// <inheritdoc/>
    public bool TestsWiredMax => false;
}
