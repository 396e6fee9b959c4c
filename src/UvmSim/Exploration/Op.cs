namespace UvmSim.Exploration;

/// <summary>The calls the random driver issues: every call of SPEC §5.</summary>
public enum OpKind
{
    /// <summary>mmap</summary>
    Mmap, /** <summary>munmap</summary> */ Munmap, /** <summary>mprotect</summary> */ Mprotect,
    /// <summary>minherit</summary>
    Minherit, /** <summary>mlock</summary> */ Mlock, /** <summary>munlock</summary> */ Munlock,
    /// <summary>mlockall</summary>
    Mlockall, /** <summary>munlockall</summary> */ Munlockall, /** <summary>brk</summary> */ Brk,
    /// <summary>touch</summary>
    Touch, /** <summary>fork</summary> */ Fork, /** <summary>exec</summary> */ Exec, /** <summary>exit</summary> */ Exit,
    /// <summary>setrlimit</summary>
    Setrlimit, /** <summary>shmget</summary> */ Shmget, /** <summary>shmat</summary> */ Shmat,
    /// <summary>shmdt</summary>
    Shmdt, /** <summary>shmctl</summary> */ Shmctl, /** <summary>vslock</summary> */ Vslock,
    /// <summary>vsunlock</summary>
    Vsunlock, /** <summary>pagedaemon</summary> */ Pagedaemon,
    /// <summary>mlock2 (Linux, SPEC §17); C's low bit is <c>onfault</c>. Not in the default alphabets.</summary>
    Mlock2,
}

/// <summary>
/// One abstract call: a kind, the acting process (an index into the live ones) and three small
/// integers A, B, C that <see cref="OpInterpreter"/> turns into arguments drawn mostly from live
/// mappings, segments and handles, sometimes deliberately bad. Plain data, so a sequence can be
/// generated, shrunk and replayed exactly; strategies (<see cref="Explorer"/>, <see cref="Fuzzer"/>)
/// only choose ops, and <see cref="Engine"/> runs them.
/// </summary>
/// <remarks>
/// The packed fields. A range op (mmap's neighbours: munmap, mprotect, minherit, mlock,
/// munlock, touch, vslock) reads, in its random form:
/// <code>
///   A: bits 31..3 pages (% what fits)  | bits 2..0 mapping index (% own mappings)
///   B: bits 31..4 first page           | bit 3 +100 bytes (unaligned) | bits 3..0 = 1111: no mapping
///   C: bits 31..4 (unused)             | bits 3..0 the op's own flags (below)
/// </code>
/// and with <see cref="Exact"/> (the exhaustive explorer's small alphabet) literally:
/// <code>
///   A: the index of the process's mapping   B: its first page
///   C: bits 31..4 <see cref="ExactPages"/> (the number of pages) | bits 3..0 the op's own flags
/// </code>
/// The low flag bits of C (<see cref="FlagMask"/>): touch and vslock bit 0 = write; mmap bit 0
/// shared, bit 1 wired, bit 2 fixed; mprotect bits 1..0 the protection; minherit bits 1..0 the
/// inheritance; mlockall bits 1..0 the flags; shmat bit 0 read-only; shmctl C % 5 the command
/// (0 IPC_STAT, 1 IPC_RMID, 2 and 3 SHM_LOCK, or SHM_UNLOCK with bit 3, 4 SHM_UNLOCK).
/// </remarks>
public readonly record struct Op(OpKind Kind, int Proc, int A, int B, int C, bool Exact = false)
{
    /// <summary>Where the page count starts in C of an exact range op.</summary>
    public const int PagesShift = 4;

    /// <summary>The op's own flag bits in C.</summary>
    public const int FlagMask = (1 << PagesShift) - 1;

    /// <summary>An exact range op: <paramref name="pages"/> pages from page <paramref name="firstPage"/> of mapping <paramref name="mapping"/>.</summary>
    public static Op ExactRange(OpKind kind, int proc, int mapping, int firstPage, int pages, int flags = 0) =>
        new(kind, proc, mapping, firstPage, (pages << PagesShift) | (flags & FlagMask), Exact: true);

    /// <summary>The number of pages of an exact range op.</summary>
    public int ExactPages => C >> PagesShift;

    /// <summary>The op's own flag bits (C's low bits).</summary>
    public int Flags => C & FlagMask;
}
