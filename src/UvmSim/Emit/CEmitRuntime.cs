using System.Globalization;
using System.Text;

namespace UvmSim.Emit;

/// <summary>
/// The fixed part of every emitted C program: headers, the coordinator and the worker loop.
/// <see cref="CEmitter"/> writes the scenario-specific parts around it
/// (<c>UVMSIM_NPROCS</c>, <c>UVMSIM_NVALS</c>, the file names, <c>uvmsim_do_line</c> and
/// <c>uvmsim_lines</c>).
/// </summary>
/// <remarks>
/// The C text is <c>uvmsim_runtime.c</c> beside this file, embedded in the assembly, so that C
/// tools (a compiler's <c>-fsyntax-only</c>, a linter) check it as C; its result texts are
/// macros (<c>UVMSIM_TEXT_*</c>) that <see cref="Definitions"/> defines from
/// <see cref="CEmitOutput"/>, the texts the model's side prints too.
/// Design: the top-level program is a coordinator. It creates one command pipe and one ack pipe
/// per scenario process before anything else, forks the <c>proc</c> processes, and sends each
/// call line to the process that owns it, waiting (with a timeout) for the ack that carries the
/// result. A <c>fork B</c> line runs a real <c>fork()</c> in the parent, whose child then serves
/// B's pipe, so it inherits the parent's mappings at the same addresses. Named values live in a
/// table the coordinator sends with every command; only the coordinator prints.
/// A worker never lets a <c>fixed</c> mmap, <c>munmap</c>, <c>mprotect</c> or <c>minherit</c>
/// reach memory its scenario did not map (its own code, libraries, stack), since one such line
/// would kill the process that runs the later ones: it keeps the ranges its calls were given
/// and probes the rest of the target range first; the C comment above <c>uvmsim_own</c> gives
/// the details, including why <c>mlock</c> and <c>munlock</c> are not checked.
/// </remarks>
internal static class CEmitRuntime
{
    /// <summary>The embedded file's name, as the project file gives it.</summary>
    internal const string ResourceName = "UvmSim.Emit.uvmsim_runtime.c";

    /// <summary>The line after which the file's text is emitted; what precedes it serves checking the file alone.</summary>
    internal const string Marker = "/* uvmsim: emitted from here on (CEmitRuntime.Marker) */\n";

    /// <summary>The whole embedded file, as C tools see it.</summary>
    internal static string FileText { get; } = Load();

    /// <summary>Everything before the scenario-specific <c>uvmsim_do_line</c>.</summary>
    public static string Prelude { get; } = FileText[(FileText.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length)..];

    /// <summary>The <c>#define</c>s of the result texts the runtime prints, one per line.</summary>
    public static string Definitions { get; } = Define(
        ("NOT_REPRODUCIBLE", CEmitOutput.NotReproducible),
        ("PROCESS_GONE", CEmitOutput.ProcessGone),
        ("NO_ANSWER", CEmitOutput.NoAnswer),
        ("OVERLAPS", CEmitOutput.Overlaps),
        ("UNCHECKED", CEmitOutput.Unchecked),
        ("NOT_ON_THIS_SYSTEM", CEmitOutput.NotOnThisSystem),
        ("UNBOUND", CEmitOutput.Unbound),
        ("OK_PREFIX", CEmitOutput.OkPrefix),
        ("RAN_TO_THE_END", CEmitOutput.RanToTheEnd));

    private static string Load()
    {
        using Stream stream = typeof(CEmitRuntime).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the embedded resource {ResourceName} is missing from the build");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string text = reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
        if (!text.Contains(Marker, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{ResourceName} lacks its marker line {Marker.TrimEnd()}");
        }
        return text;
    }

    private static string Define(params (string Name, string Text)[] texts)
    {
        var b = new StringBuilder();
        foreach ((string name, string text) in texts)
        {
            b.Append(CultureInfo.InvariantCulture, $"#define UVMSIM_TEXT_{name} {CEmitter.Literal(text)}\n");
        }
        return b.ToString();
    }
}
