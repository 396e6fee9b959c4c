using UvmSim.Kernel;
using UvmSim.Map;

namespace UvmSim.Scenarios.Syntax;

/// <summary>Where a flag set appears; each call accepts only its own words (SPEC §12.1).</summary>
public enum FlagContext
{
    /// <summary><c>mmap</c>: <c>private shared anon fixed wired</c>.</summary>
    Mmap,
    /// <summary><c>mlockall</c>: <c>current future</c>.</summary>
    Mlockall,
    /// <summary><c>shmget</c>: <c>create excl</c> plus mode bits.</summary>
    Shmget,
    /// <summary><c>shmat</c>: <c>rdonly rnd</c>.</summary>
    Shmat,
}

/// <summary>
/// The scenario language's fixed vocabulary: reserved words, errno names, flag words and
/// the small enumerations, in one place so parser and printer agree.
/// </summary>
public static class Keywords
{
    private static readonly HashSet<string> ReservedWords =
    [
        "proc", "machine", "sysctl", "check", "file", "at", "read", "write", "rdonly", "rnd",
        "private", "ok", "dead", "unbound", "panic", "yes", "no", "clean", "dirty",
    ];

    private static readonly Dictionary<string, Errno> ErrnoByName =
        Enum.GetValues<Errno>().Where(e => e != Errno.None).ToDictionary(e => e.ToString(), StringComparer.Ordinal);

    private static readonly Dictionary<FlagContext, Dictionary<string, ulong>> FlagWords = new()
    {
        [FlagContext.Mmap] = new(StringComparer.Ordinal)
        {
            ["private"] = Flags.MapPrivate, ["MAP_PRIVATE"] = Flags.MapPrivate,
            ["shared"] = Flags.MapShared, ["MAP_SHARED"] = Flags.MapShared,
            ["anon"] = Flags.MapAnon, ["MAP_ANON"] = Flags.MapAnon,
            ["fixed"] = Flags.MapFixed, ["MAP_FIXED"] = Flags.MapFixed,
            ["wired"] = Flags.MapWired, ["MAP_WIRED"] = Flags.MapWired,
        },
        [FlagContext.Mlockall] = new(StringComparer.Ordinal)
        {
            ["current"] = Flags.McCurrent, ["MCL_CURRENT"] = Flags.McCurrent,
            ["future"] = Flags.McFuture, ["MCL_FUTURE"] = Flags.McFuture,
            ["onfault"] = Flags.McOnFault, ["MCL_ONFAULT"] = Flags.McOnFault,
        },
        [FlagContext.Shmget] = new(StringComparer.Ordinal)
        {
            ["create"] = Flags.IpcCreate, ["IPC_CREAT"] = Flags.IpcCreate,
            ["excl"] = Flags.IpcExclusive, ["IPC_EXCL"] = Flags.IpcExclusive,
        },
        [FlagContext.Shmat] = new(StringComparer.Ordinal)
        {
            ["rdonly"] = Flags.ShmReadOnly, ["SHM_RDONLY"] = Flags.ShmReadOnly,
            ["rnd"] = Flags.ShmRound, ["SHM_RND"] = Flags.ShmRound,
        },
    };

    private static readonly string[] ProtectionWords = ["none", "r", "w", "rw", "x", "rx", "wx", "rwx"];

    /// <summary>True for words that can never name a value, process or file.</summary>
    public static bool IsReserved(string word) =>
        ReservedWords.Contains(word) || ErrnoByName.ContainsKey(word)
        || word.StartsWith("IPC_", StringComparison.Ordinal) || word.StartsWith("SHM_", StringComparison.Ordinal)
        || word.StartsWith("MAP_", StringComparison.Ordinal) || word.StartsWith("MCL_", StringComparison.Ordinal);

    /// <summary>True for a syntactically valid name: a letter or <c>_</c>, then letters, digits or <c>_</c>.</summary>
    public static bool IsNameShape(string word) =>
        word.Length > 0 && (char.IsAsciiLetter(word[0]) || word[0] == '_')
        && word.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>Looks up an errno by its C name (case-sensitive).</summary>
    public static bool TryErrno(string word, out Errno errno) => ErrnoByName.TryGetValue(word, out errno);

    /// <summary>Looks up a flag word allowed in <paramref name="context"/>.</summary>
    public static bool TryFlag(FlagContext context, string word, out ulong value) =>
        FlagWords[context].TryGetValue(word, out value);

    /// <summary>The value of any flag word (0 if unknown); words mean the same in every context that has them.</summary>
    public static ulong FlagValue(string word)
    {
        foreach (var table in FlagWords.Values)
        {
            if (table.TryGetValue(word, out var value))
            {
                return value;
            }
        }
        return 0;
    }

    /// <summary>Parses <c>none r w x rw rx wx rwx</c>.</summary>
    public static bool TryProtection(string word, out Protection protection)
    {
        int index = Array.IndexOf(ProtectionWords, word);
        protection = (Protection)Math.Max(index, 0);
        return index >= 0;
    }

    /// <summary>The word for a protection (<c>rw</c>).</summary>
    public static string ProtectionWord(Protection protection) => ProtectionWords[(int)protection & 7];

    /// <summary>Parses <c>share copy none zero</c>.</summary>
    public static bool TryInheritance(string word, out Inheritance inheritance)
    {
        (bool ok, inheritance) = word switch
        {
            "share" => (true, Inheritance.Share),
            "copy" => (true, Inheritance.Copy),
            "none" => (true, Inheritance.None),
            "zero" => (true, Inheritance.Zero),
            _ => (false, Inheritance.Share),
        };
        return ok;
    }

    /// <summary>The word for an inheritance value.</summary>
    public static string InheritanceWord(Inheritance inheritance) => inheritance.ToString().ToLowerInvariant();

    /// <summary>The call names of SPEC §12.3.</summary>
    public static readonly IReadOnlySet<string> CallNames = new HashSet<string>(StringComparer.Ordinal)
    {
        "mmap", "munmap", "mprotect", "minherit", "mlock", "mlock2", "munlock", "mlockall", "munlockall", "brk",
        "touch", "fork", "exec", "exit", "setrlimit", "shmget", "shmat", "shmdt", "shmctl", "vslock",
        "vsunlock", "pagedaemon", "file",
    };
}
