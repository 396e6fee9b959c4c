using System.Globalization;
using System.Text.RegularExpressions;
using UvmSim.Scenarios.Running;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Emit;

/// <summary>
/// The result texts of an emitted program and of a model run, in one place so that the two can
/// be compared string for string (<c>uvmsim kernel</c>). Both print a line as
/// <c>uvmsim run --trace</c> does, <c>  LINE: TEXT  =&gt; RESULT</c>, where RESULT is
/// <c>ok = 0x…</c>, an errno name, <c>unbound</c>, or a check's value (<c>yes</c>, <c>no</c>, a
/// count).
/// =&gt; every RESULT that is not the kernel's answer is in parentheses (<see cref="IsAnswer"/>):
///    a line with no user-level equivalent, a process that is gone, a call not made to keep the
///    worker's own memory.
/// =&gt; the runtime (<see cref="CEmitRuntime"/>) prints these constants, so a reader written here
///    reads what the C writes.
/// </summary>
public static partial class CEmitOutput
{
    /// <summary>A line with no user-level equivalent (vslock, pagedaemon, exec, internal checks).</summary>
    public const string NotReproducible = "(not reproducible at user level)";

    /// <summary>A line of a process that has exited or could not be started.</summary>
    public const string ProcessGone = "(process not running)";

    /// <summary>A line whose worker died or hung before it answered.</summary>
    public const string NoAnswer = "(no answer: the process died or hung)";

    /// <summary>A call not made because its range reaches the worker's own memory.</summary>
    public const string Overlaps = "(not reproducible: the range overlaps the worker's own memory)";

    /// <summary>A call not made because its range could not be checked within the probe budget.</summary>
    public const string Unchecked = "(not reproducible: the range could not be checked against the worker's own memory)";

    /// <summary>A call this system has no equivalent for (minherit share on Linux, a shrinking brk).</summary>
    public const string NotOnThisSystem = "(not reproducible on this system)";

    /// <summary>A line using a name a failed (or unrun) line left unbound; the model prints the same word.</summary>
    public const string Unbound = "unbound";

    /// <summary>What precedes a successful call's value in hex, on both sides: <c>ok = 0x1000</c>.</summary>
    public const string OkPrefix = "ok = 0x";

    /// <summary>
    /// Where the emitted program's arena starts (the runtime's default <c>UVMSIM_BASE</c>, 1 TiB):
    /// real address <c>ArenaBase + m</c> stands for model address m.
    /// </summary>
    public const ulong ArenaBase = 0x10000000000;

    /// <summary>The program's last line when it ran every line.</summary>
    public const string RanToTheEnd = "# ran to the end";

    /// <summary>A successful call's result text: <c>ok = 0x</c> and the value in lower-case hex.</summary>
    public static string Ok(ulong value) => OkPrefix + value.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>
    /// A model line's result text as <c>run --trace</c> prints it: the outcome or the check's value,
    /// then <c> = VALUE</c> for a call that returned one (<c>ok = 0x1000</c>).
    /// </summary>
    public static string Of(LineResult line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return line.Value is null ? line.Actual : $"{line.Actual} = {line.Value}";
    }

    /// <summary>Whether a printed result is the kernel's answer, not a note saying why there is none.</summary>
    public static bool IsAnswer(string result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return !result.StartsWith('(');
    }

    /// <summary>
    /// Whether the emitted program asks the kernel about <paramref name="statement"/>: every call
    /// line (possibly answering <see cref="NotReproducible"/>), and the checks it reads with
    /// <c>IPC_STAT</c>. Other checks read the model's internal state.
    /// </summary>
    public static bool AsksKernel(Statement statement) => statement switch
    {
        CallStatement => true,
        CheckStatement check => ReadsSegment(check, out _),
        _ => false,
    };

    /// <summary>Whether <paramref name="check"/> is a <c>check segment ID exists|nattch</c>, read with <c>IPC_STAT</c>.</summary>
    internal static bool ReadsSegment(CheckStatement check, out SegmentCheck segment)
    {
        if (check.Check is SegmentCheck { Property: SegmentProperty.Exists or SegmentProperty.Nattch } s)
        {
            segment = s;
            return true;
        }
        segment = null!;
        return false;
    }

    /// <summary>
    /// The results an emitted program printed, by scenario line (the first, should a line number
    /// repeat). RESULT is what follows the last <c>  =&gt; </c>: a line's text may contain the
    /// marker, a result never does.
    /// </summary>
    public static IReadOnlyDictionary<int, string> Read(string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        return ByLine(ResultLine(), stdout);
    }

    /// <summary>Group 2 of each match of <paramref name="pattern"/> by the line number in group 1 (the first wins).</summary>
    private static Dictionary<int, string> ByLine(Regex pattern, string stdout)
    {
        var results = new Dictionary<int, string>();
        foreach (Match m in pattern.Matches(stdout))
        {
            if (int.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int line))
            {
                results.TryAdd(line, m.Groups[2].Value);
            }
        }
        return results;
    }

    [GeneratedRegex(@"^  ([0-9]+): .*  => ([^\n]*?)\r?$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex ResultLine();

    /// <summary>
    /// The observed digests (SPEC §17.8) an emitted program printed with <c>UVMSIM_OBSERVE</c> set,
    /// by line: the text after <c>@ LINE: </c>, in <see cref="ObservedDigest.Format"/>'s form.
    /// </summary>
    public static IReadOnlyDictionary<int, string> ReadObserved(string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        return ByLine(ObservedLine(), stdout);
    }

    /// <summary>
    /// The worker image the program's first worker measured (<c># image NAME LOCKABLE:TOTAL
    /// brk=0xADDR</c>, SPEC §17.1) with its initial break (a real address), or null when it printed none (not Linux, smaps unreadable, no process).
    /// </summary>
    public static (ulong Lockable, ulong Total, ulong Break)? ReadImage(string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        Match m = ImageLine().Match(stdout);
        return m.Success && ulong.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out ulong lockable)
            && ulong.TryParse(m.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out ulong total)
            && ulong.TryParse(m.Groups[3].ValueSpan, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong brk)
            ? (lockable, total, brk) : null;
    }

    [GeneratedRegex(@"^@ ([0-9]+): ([^\n]*?)\r?$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex ObservedLine();

    [GeneratedRegex(@"^# image \S+ ([0-9]+):([0-9]+) brk=0x([0-9a-f]+)\r?$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex ImageLine();
}
