using UvmSim.Emit;

namespace UvmSim.Cli.KernelComparison;

/// <summary>
/// The C compiler <c>uvmsim kernel</c> builds emitted programs with: <c>--cc PATH</c>, else
/// <c>$CC</c>, else <c>cc</c>, else <c>gcc</c> on <c>PATH</c>. A compiler the user named and that
/// is missing is an error, never a reason to try another one.
/// </summary>
internal sealed class CCompiler
{
    /// <summary>How long one compilation may take.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>Compiler output lines repeated in a build error.</summary>
    private const int ErrorLines = 10;

    private readonly string _path;

    private CCompiler(string path) => _path = path;

    /// <summary>
    /// The compiler to use, or null with <paramref name="error"/> saying which one is missing.
    /// <paramref name="option"/> is <c>--cc</c>'s value, <paramref name="environment"/> <c>$CC</c>.
    /// </summary>
    public static CCompiler? Find(string? option, string? environment, out string? error)
    {
        error = null;
        if (!string.IsNullOrEmpty(option))
        {
            return Resolve(option) is { } path ? new CCompiler(path) : Missing($"C compiler '{option}' (--cc) not found", out error);
        }
        if (!string.IsNullOrEmpty(environment))
        {
            return Resolve(environment) is { } path ? new CCompiler(path) : Missing($"C compiler '{environment}' ($CC) not found", out error);
        }
        return (Resolve("cc") ?? Resolve("gcc")) is { } found
            ? new CCompiler(found)
            : Missing("no C compiler found: neither cc nor gcc is on PATH (name one with --cc PATH or $CC)", out error);
    }

    /// <summary>
    /// Builds <paramref name="source"/> into <paramref name="executable"/> for <paramref name="target"/>.
    /// =&gt; null on success, else the message: the compiler's exit status and its first lines.
    /// </summary>
    public string? Build(string source, string executable, CTarget target)
    {
        List<string> args = ["-std=c99"];
        if (target == CTarget.NetBsd)
        {
            args.Add("-DUVMSIM_NO_ATF");  // a plain program, not an ATF test case
        }
        args.AddRange(["-o", executable, source]);
        ChildResult? result = ChildProcess.Run(_path, args, Timeout, out string? error);
        if (result is null)
        {
            return $"cannot run C compiler {_path}: {error}";
        }
        if (result.TimedOut)
        {
            return $"C compiler {_path} did not finish within {Timeout.TotalMinutes:0} minutes";
        }
        if (result.ExitCode == 0)
        {
            return null;
        }
        string output = result.Stderr.Length > 0 ? result.Stderr : result.Stdout;
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).Take(ErrorLines);
        return string.Join('\n', lines.Prepend($"{source}: {_path} failed (exit status {result.ExitCode}):"));
    }

    private static CCompiler? Missing(string message, out string? error)
    {
        error = message;
        return null;
    }

    /// <summary>A path as given when it names a directory, else the first match on <c>PATH</c>; null when there is none.</summary>
    private static string? Resolve(string name)
    {
        if (name.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return File.Exists(name) ? Path.GetFullPath(name) : null;
        }
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
    }
}
