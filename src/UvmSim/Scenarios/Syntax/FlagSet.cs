namespace UvmSim.Scenarios.Syntax;

/// <summary>
/// A <c>|</c>-joined flag set (<c>create|0600</c>): the raw bits, plus the words used so the
/// printer writes them back; bits not covered by a word came from numbers.
/// </summary>
public sealed record FlagSet(ulong Bits, EquatableList<string> Words)
{
    /// <summary>No flags (an omitted optional FLAGS argument).</summary>
    public static FlagSet None { get; } = new(0, []);

    /// <summary>True when <paramref name="bits"/> are all set.</summary>
    public bool Has(ulong bits) => (Bits & bits) == bits;

    /// <summary>The bits that no word accounts for (written as a number).</summary>
    public ulong RawBits => Words.Aggregate(Bits, (bits, word) => bits & ~Keywords.FlagValue(word));

    /// <summary>The canonical text, as the printer writes it.</summary>
    public override string ToString() => ScenarioPrinter.Format(this, octal: false);
}

/// <summary>Flag values with NetBSD's numbers (SPEC §12.1).</summary>
public static class Flags
{
    /// <summary><c>MCL_CURRENT</c>.</summary>
    public const ulong McCurrent = 0x1;
    /// <summary><c>MCL_FUTURE</c>.</summary>
    public const ulong McFuture = 0x2;
    /// <summary>Linux's <c>MCL_ONFAULT</c> (SPEC §17); NetBSD answers EINVAL.</summary>
    public const ulong McOnFault = 0x4;
    /// <summary><c>IPC_CREAT</c> (01000).</summary>
    public const ulong IpcCreate = 0x200;
    /// <summary><c>IPC_EXCL</c> (02000).</summary>
    public const ulong IpcExclusive = 0x400;
    /// <summary><c>MAP_SHARED</c>.</summary>
    public const ulong MapShared = 0x1;
    /// <summary><c>MAP_PRIVATE</c>.</summary>
    public const ulong MapPrivate = 0x2;
    /// <summary><c>MAP_FIXED</c>.</summary>
    public const ulong MapFixed = 0x10;
    /// <summary><c>MAP_WIRED</c>.</summary>
    public const ulong MapWired = 0x800;
    /// <summary><c>MAP_ANON</c>.</summary>
    public const ulong MapAnon = 0x1000;
    /// <summary><c>SHM_RDONLY</c> (010000).</summary>
    public const ulong ShmReadOnly = 0x1000;
    /// <summary><c>SHM_RND</c> (020000).</summary>
    public const ulong ShmRound = 0x2000;
}
