using System.Globalization;
using System.Text;
using UvmSim.Kernel;
using UvmSim.Map;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Scenarios.Running;

/// <summary>
/// What a user-level observer could see after a line (SPEC §17.8, the digest): per process the
/// locked bytes and, per bound mapping name, one code per page; per bound segment name its
/// exists / locked / dest / nattch. <c>uvmsim kernel</c> compares the model's digest with the one
/// the emitted program reads from the kernel (smaps, status, mincore, /proc/sysvipc/shm), so both
/// print it as <see cref="Format"/> and the kernel's is read back with <see cref="Parse"/>.
/// </summary>
/// <param name="Procs">By process name (ordinal order).</param>
/// <param name="Segments">By the name <c>shmget</c> bound (ordinal order).</param>
public sealed record ObservedDigest(
    IReadOnlyDictionary<string, ObservedProcess> Procs,
    IReadOnlyDictionary<string, ObservedSegment> Segments)
{
    /// <summary>
    /// At most this many pages of a name's extent are observed, on both sides (SPEC §17.1's
    /// 16 MiB per mapping at 4 KiB pages); the emitted program gets the same number.
    /// </summary>
    public const int MaxPages = 4096;

    /// <summary>The page codes (SPEC §17.8): unmapped, mapped, resident, locked, locked and resident, on-fault, on-fault and resident.</summary>
    public const char Unmapped = '-', Mapped = '.', Resident = 'r', Locked = 'l', LockedResident = 'L', OnFault = 'f', OnFaultResident = 'F';

    /// <summary>
    /// The code of one page from what is known of it: no entry, or its entry's lock flags and
    /// whether a page is there. The kernel's side computes the same from smaps and mincore.
    /// </summary>
    public static char Code(bool mapped, bool locked, bool onFault, bool resident) =>
        !mapped ? Unmapped
        : onFault ? (resident ? OnFaultResident : OnFault)
        : locked ? (resident ? LockedResident : Locked)
        : resident ? Resident : Mapped;

    /// <summary>
    /// The one-line form both sides print: <c>proc A locked 8192 a=LL-- b=.. | proc B locked 0 |
    /// segment s yes locked=no dest=no nattch=1 | segment t no</c>, processes then segments, each
    /// by name in ordinal order, so equal digests have equal texts.
    /// </summary>
    public string Format()
    {
        var parts = new List<string>();
        foreach (var (name, p) in Procs.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var b = new StringBuilder($"proc {name} locked {p.Locked.ToString(CultureInfo.InvariantCulture)}");
            foreach (var (range, codes) in p.Ranges.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                b.Append(' ').Append(range).Append('=').Append(codes);
            }
            parts.Add(b.ToString());
        }
        foreach (var (name, s) in Segments.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            parts.Add(s.Exists
                ? $"segment {name} yes locked={YesNo(s.Locked)} dest={YesNo(s.Dest)} nattch={s.Nattch.ToString(CultureInfo.InvariantCulture)}"
                : $"segment {name} no");
        }
        return string.Join(" | ", parts);
    }

    /// <summary>The digest as a few readable lines (the text output of a differing line).</summary>
    public IEnumerable<string> Describe()
    {
        foreach (var (name, p) in Procs.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            yield return $"{name}: locked {p.Locked} bytes"
                + string.Concat(p.Ranges.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $", {kv.Key} [{kv.Value}]"));
        }
        foreach (var (name, s) in Segments.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            yield return s.Exists
                ? $"segment {name}: exists, locked {YesNo(s.Locked)}, dest {YesNo(s.Dest)}, nattch {s.Nattch}"
                : $"segment {name}: gone";
        }
    }

    /// <summary>Reads <see cref="Format"/>'s text; null when it is not one (<paramref name="error"/> says where).</summary>
    public static ObservedDigest? Parse(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        error = null;
        var procs = new SortedDictionary<string, ObservedProcess>(StringComparer.Ordinal);
        var segments = new SortedDictionary<string, ObservedSegment>(StringComparer.Ordinal);
        foreach (string part in text.Length == 0 ? [] : text.Split(" | "))
        {
            string[] t = part.Split(' ');
            if (t is ["proc", var name, "locked", var bytes, ..] && ulong.TryParse(bytes, NumberStyles.None, CultureInfo.InvariantCulture, out ulong locked))
            {
                var ranges = new SortedDictionary<string, string>(StringComparer.Ordinal);
                foreach (string r in t.Skip(4))
                {
                    int eq = r.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0 || !r[(eq + 1)..].All(IsCode) || !ranges.TryAdd(r[..eq], r[(eq + 1)..]))
                    {
                        error = $"bad range '{r}'";
                        return null;
                    }
                }
                if (!procs.TryAdd(name, new ObservedProcess(locked, ranges)))
                {
                    error = $"process {name} twice";
                    return null;
                }
            }
            else if (t is ["segment", var seg, "no"] && segments.TryAdd(seg, ObservedSegment.Gone))
            {
            }
            else if (t is ["segment", var s2, "yes", var l, var d, var n]
                && Word(l, "locked=") is { } sl && Word(d, "dest=") is { } sd
                && n.StartsWith("nattch=", StringComparison.Ordinal)
                && long.TryParse(n.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out long nattch)
                && segments.TryAdd(s2, new ObservedSegment(true, sl, sd, nattch)))
            {
            }
            else
            {
                error = $"bad part '{part}'";
                return null;
            }
        }
        return new ObservedDigest(procs, segments);
    }

    /// <summary>
    /// The model's digest now: every live process of <paramref name="procs"/>, with a code string
    /// for every extent of <paramref name="names"/> in it, and every segment of
    /// <paramref name="names"/>. Locked bytes leave out the image (SPEC §17.8: <c>VmLck</c> less the
    /// image's locked part): the policy's accounting less the image's lockable pages while
    /// <c>mlockall(MCL_CURRENT)</c> holds them.
    /// </summary>
    public static ObservedDigest Of(Kernel.Kernel kernel, IEnumerable<KeyValuePair<string, Process?>> procs, ObservedNames names)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(procs);
        ArgumentNullException.ThrowIfNull(names);
        ulong page = (ulong)kernel.PageSize;
        ulong image = (ulong)kernel.Vm.Config.ImageLockable * page;
        var result = new SortedDictionary<string, ObservedProcess>(StringComparer.Ordinal);
        foreach (var (name, p) in procs)
        {
            if (p is not { Alive: true })
            {
                continue;
            }
            ulong locked = kernel.Locked(p);
            if (p.ImageLocked)
            {
                locked -= Math.Min(locked, image);
            }
            var ranges = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (range, (start, length)) in names.Extents)
            {
                ranges[range] = Codes(kernel, p, start, length);
            }
            result[name] = new ObservedProcess(locked, ranges);
        }
        var segments = new SortedDictionary<string, ObservedSegment>(StringComparer.Ordinal);
        foreach (var (name, id) in names.Segments)
        {
            SysV.Segment? s = kernel.Shm.FindEver(id);
            segments[name] = s is null || s.Freed ? ObservedSegment.Gone : new ObservedSegment(true, s.Locked, s.Removed, s.Nattch);
        }
        return new ObservedDigest(result, segments);
    }

    /// <summary>One code per page of [start, start + length) in <paramref name="p"/>'s map, at most <see cref="MaxPages"/>.</summary>
    private static string Codes(Kernel.Kernel kernel, Process p, ulong start, ulong length)
    {
        ulong page = (ulong)kernel.PageSize;
        ulong first = start & ~(page - 1);
        ulong pages = Pages(start, length, page);
        var b = new StringBuilder((int)pages);
        for (ulong i = 0; i < pages; i++)
        {
            ulong va = first + i * page;
            MapEntry? e = p.Space.Map.Lookup(va);
            b.Append(e is null ? Unmapped : Code(true, e.Mlocked, e.Mlocked && e.OnFault, kernel.Faults.PageAt(e, va) >= 0));
        }
        return b.ToString();
    }

    /// <summary>The pages [start, start + length) spans, at most <see cref="MaxPages"/> (the C side computes the same).</summary>
    public static ulong Pages(ulong start, ulong length, ulong page)
    {
        ulong off = start & (page - 1);
        ulong n = length + off;
        if (n < length || n > ulong.MaxValue - (page - 1))
        {
            return MaxPages;
        }
        return Math.Min((n + page - 1) / page, MaxPages);
    }

    private static bool IsCode(char c) => c is Unmapped or Mapped or Resident or Locked or LockedResident or OnFault or OnFaultResident;

    private static string YesNo(bool b) => b ? "yes" : "no";

    private static bool? Word(string token, string key) =>
        !token.StartsWith(key, StringComparison.Ordinal) ? null
        : token[key.Length..] switch { "yes" => true, "no" => false, _ => null };
}

/// <summary>One process in a digest: locked bytes beyond the image, and codes by mapping name.</summary>
public sealed record ObservedProcess(ulong Locked, IReadOnlyDictionary<string, string> Ranges);

/// <summary>One segment in a digest (SPEC §17.8); a segment that is gone has only <c>Exists</c> false.</summary>
public sealed record ObservedSegment(bool Exists, bool Locked, bool Dest, long Nattch)
{
    /// <summary>A freed (or never found) segment.</summary>
    public static readonly ObservedSegment Gone = new(false, false, false, 0);
}

/// <summary>
/// The names a digest covers, kept as a run binds and unbinds them (SPEC §17.8): each name a
/// successful <c>mmap</c>, <c>shmat</c> or <c>brk</c> bound, with the extent the call mapped (its
/// value and length; a segment's requested size for <c>shmat</c>), and each name <c>shmget</c>
/// bound. A name rebound by another call, or unbound by a failing one, leaves.
/// </summary>
public sealed class ObservedNames
{
    private readonly SortedDictionary<string, (ulong Start, ulong Length)> _extents = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, ulong> _segments = new(StringComparer.Ordinal);

    /// <summary>Mapping names and their extents.</summary>
    public IEnumerable<KeyValuePair<string, (ulong Start, ulong Length)>> Extents => _extents;

    /// <summary>Segment names and their ids.</summary>
    public IEnumerable<KeyValuePair<string, ulong>> Segments => _segments;

    /// <summary>
    /// <paramref name="call"/> bound <paramref name="name"/> to <paramref name="value"/>;
    /// <paramref name="eval"/> evaluates its arguments as the run did.
    /// </summary>
    public void Bound(string name, Call call, ulong value, Func<Expr, ulong> eval, Kernel.Kernel kernel)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(eval);
        ArgumentNullException.ThrowIfNull(kernel);
        Unbound(name);
        // Only these calls name something observable; any other binding (a fork's pid) names nothing.
        if (call is MmapCall m)
        {
            _extents[name] = (value, eval(m.Length));
        }
        else if (call is BrkCall b)
        {
            _extents[name] = (value, eval(b.Length));
        }
        else if (call is ShmatCall s)
        {
            _extents[name] = (value, kernel.Shm.FindEver(eval(s.Id))?.RequestedSize ?? 0);
        }
        else if (call is ShmgetCall)
        {
            _segments[name] = value;
        }
    }

    /// <summary><paramref name="name"/> is no longer bound.</summary>
    public void Unbound(string name)
    {
        _extents.Remove(name);
        _segments.Remove(name);
    }
}
