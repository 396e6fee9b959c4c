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
/// One abstract call: a kind, the acting process (an index into the live ones) and small
/// integers the interpreter turns into arguments drawn mostly from live mappings,
/// segments and handles, sometimes deliberately bad. Plain data, so a sequence can be
/// generated, shrunk and replayed exactly.
/// </summary>
/// <remarks>
/// With <see cref="Exact"/> the range ops read their arguments literally, as the exhaustive
/// explorer's small alphabet needs: A is the index of the process's mapping, B its first
/// page, C's high bits (C &gt;&gt; 4) the number of pages; C's low bits keep their meaning.
/// </remarks>
public readonly record struct Op(OpKind Kind, int Proc, int A, int B, int C, bool Exact = false);
