using System.Text.RegularExpressions;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Cli;

/// <summary>A scenario source: its name as the user gave it (or the bundled name) and its bytes, or why it could not be read.</summary>
internal sealed record ScenarioSource(string Name, byte[]? Bytes, string? ReadError)
{
    /// <summary>The matrix's row name: the file name without <c>.scn</c>.</summary>
    public string ShortName => Path.GetFileNameWithoutExtension(Name);
}

/// <summary>Reads scenario files from disk or from the bundled examples, and parses them.</summary>
internal static partial class ScenarioFiles
{
    private const string ResourcePrefix = "examples/";

    /// <summary>
    /// The files named on the command line, in order; unreadable ones carry a message. With
    /// <paramref name="directories"/> (<c>run</c>, <c>matrix</c>, <c>kernel</c>, <c>report</c>), a directory
    /// stands for its <c>*.scn</c> files, not its subdirectories, in natural order; without, a
    /// directory is an error like any other file that is not a regular one.
    /// </summary>
    public static IReadOnlyList<ScenarioSource> FromPaths(IEnumerable<string> paths, bool directories = false) =>
        paths.SelectMany(p => directories && InputFile.KindOf(p) == InputFile.Kind.Directory ? InDirectory(p) : [Read(p)]).ToList();

    private static IEnumerable<ScenarioSource> InDirectory(string directory)
    {
        string[] files;
        try
        {
            files = Directory.GetFiles(directory, "*.scn", SearchOption.TopDirectoryOnly);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [new ScenarioSource(directory, null, "cannot list directory: " + e.Message)];
        }
        return files.Length == 0
            ? [new ScenarioSource(directory, null, "is a directory with no .scn files")]
            : files.Order(NaturalComparer.Instance).Select(Read);
    }

    /// <summary>
    /// A usage message when a "file" is really a mistyped option (System.CommandLine hands unknown
    /// <c>--flags</c> to the FILE argument), else null.
    /// </summary>
    public static string? UnknownOption(IEnumerable<string> paths) =>
        paths.FirstOrDefault(p => p.StartsWith('-') && p.Length > 1 && !File.Exists(p)) is { } option
            ? $"unknown option '{option}' (see 'uvmsim --help')"
            : null;

    /// <summary>The bundled <c>examples/*.scn</c>, in natural order (s1, s2, …, s10, …).</summary>
    public static IReadOnlyList<ScenarioSource> Bundled()
    {
        var assembly = typeof(UvmSim.Policies.Policy).Assembly;
        var result = new List<ScenarioSource>();
        foreach (string resource in assembly.GetManifestResourceNames()
                     .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".scn", StringComparison.Ordinal))
                     .Order(NaturalComparer.Instance))
        {
            using Stream stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            result.Add(new ScenarioSource(resource, buffer.ToArray(), null));
        }
        return result;
    }

    /// <summary>Parses a source; unreadable sources and parse errors come back as the message to print.</summary>
    public static (Scenario? Scenario, string? Error) Parse(ScenarioSource source)
    {
        if (source.Bytes is null)
        {
            return (null, $"{TextSafety.OneLine(source.Name)}: error: {source.ReadError}");
        }
        ParseResult result = ScenarioParser.Parse(source.Name, source.Bytes);
        return result.Success ? (result.Scenario, null) : (null, TextSafety.Render(result.Error));
    }

    private static ScenarioSource Read(string path) =>
        InputFile.Read(path, out string? error) is { } bytes ? new ScenarioSource(path, bytes, null) : new ScenarioSource(path, null, error);

    /// <summary>Orders names with embedded numbers numerically: <c>s2-x</c> before <c>s10-y</c>.</summary>
    internal sealed partial class NaturalComparer : IComparer<string>
    {
        public static readonly NaturalComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            string[] a = Chunks().Split(x ?? ""), b = Chunks().Split(y ?? "");
            for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
            {
                int c = ulong.TryParse(a[i], out ulong na) && ulong.TryParse(b[i], out ulong nb)
                    ? na.CompareTo(nb)
                    : string.CompareOrdinal(a[i], b[i]);
                if (c != 0)
                {
                    return c;
                }
            }
            return a.Length.CompareTo(b.Length);
        }

        [GeneratedRegex("([0-9]+)")]
        private static partial Regex Chunks();
    }
}
