using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using UvmSim.Cli;

namespace UvmSim.Tests.Cli;

/// <summary>
/// Emitted C programs built and run, for the tests of what they do on the real kernel: emit
/// through the CLI, build with <c>gcc -std=c99 -Wall -Werror</c>, run and read the printed results.
/// </summary>
internal static partial class EmitCPrograms
{
    /// <summary>What a line prints when its call would have reached the worker's own memory.</summary>
    internal const string Overlaps = "(not reproducible: the range overlaps the worker's own memory)";

    /// <summary>What a line prints when its range could not be checked within the probe budget.</summary>
    internal const string Unchecked = "(not reproducible: the range could not be checked against the worker's own memory)";

    /// <summary>Literal addresses in the tests are x86-64 Linux's; elsewhere they may be free.</summary>
    internal static bool OnX64Linux() =>
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    /// <summary>The address an <c>ok = 0x…</c> result names.</summary>
    internal static ulong Address(string actual)
    {
        Assert.StartsWith("ok = 0x", actual, StringComparison.Ordinal);
        return ulong.Parse(actual.AsSpan("ok = 0x".Length), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    /// <summary>The C compiler on PATH (cc, else gcc), or null.</summary>
    internal static string? Compiler() =>
        new[] { "cc", "gcc" }.SelectMany(n => (Environment.GetEnvironmentVariable("PATH") ?? "")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, n)))
            .FirstOrDefault(File.Exists);

    /// <summary>What an emitted program printed.</summary>
    internal sealed record ProgramRun(string Stdout)
    {
        /// <summary>What the program printed for scenario line <paramref name="line"/>.</summary>
        public string Actual(int line)
        {
            var found = ResultLine().Matches(Stdout)
                .Where(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) == line)
                .Select(m => m.Groups[2].Value.TrimEnd('\r'))
                .ToList();
            Assert.True(found.Count == 1, $"line {line}: {found.Count} results in\n{Stdout}");
            return found[0];
        }

        /// <summary>The scenario lines the program printed a result for, in order.</summary>
        public IEnumerable<int> Lines() =>
            ResultLine().Matches(Stdout).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
    }

    [GeneratedRegex(@"^  (\d+): .*  => (.*)$", RegexOptions.Multiline)]
    private static partial Regex ResultLine();

    /// <summary>The C program <c>uvmsim emit-c</c> writes for <paramref name="body"/> (after <paramref name="prefix"/>).</summary>
    internal static string Emit(string body, string target, string prefix = "")
    {
        string dir = Directory.CreateTempSubdirectory("uvmsim-emitc-").FullName;
        try
        {
            string scn = Path.Combine(dir, "s.scn"), c = Path.Combine(dir, "s.c");
            File.WriteAllText(scn, prefix + body);
            var cli = new CliHarness();
            Assert.Equal(ExitCodes.Ok, cli.Run("emit-c", scn, "--target", target, "-o", c));
            return File.ReadAllText(c);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// Emits, builds with gcc (-DUVMSIM_NO_ATF for netbsd, as on a system without ATF) and runs;
    /// asserts the program exits 0. Null when gcc is not on PATH. With <paramref name="harness"/>,
    /// a C <c>main</c> that replaces the program's, to call its runtime's functions directly.
    /// </summary>
    internal static ProgramRun? Build(string scenario, string target, string[] defines, string? harness = null)
    {
        string? gcc = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Where(d => d.Length > 0)
            .Select(d => Path.Combine(d, "gcc"))
            .FirstOrDefault(File.Exists);
        if (gcc is null)
        {
            return null;
        }
        string source = Emit(scenario, target);
        string dir = Directory.CreateTempSubdirectory("uvmsim-emitc-").FullName;
        try
        {
            string c = Path.Combine(dir, "prog.c"), exe = Path.Combine(dir, "prog");
            File.WriteAllText(c, source);
            if (harness is not null)
            {
                // The program's own main is renamed; its static functions stay in this one unit.
                c = Path.Combine(dir, "harness.c");
                File.WriteAllText(c, "#define main uvmsim_program_main\n#include \"prog.c\"\n#undef main\n\n" + harness);
            }
            string[] flags = target == "netbsd" ? ["-DUVMSIM_NO_ATF", .. defines] : defines;
            (int buildExit, _, string buildErr) = Execute(gcc, ["-std=c99", "-Wall", "-Werror", .. flags, "-o", exe, c]);
            Assert.True(buildExit == 0, $"gcc failed:\n{buildErr}");
            (int exit, string stdout, string stderr) = Execute(exe, []);
            Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
            return new ProgramRun(stdout);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Runs <paramref name="program"/> (in <paramref name="cwd"/>, if given) and returns its status and output, read as UTF-8.</summary>
    internal static (int Exit, string Stdout, string Stderr) Execute(string program, IEnumerable<string> args, string? cwd = null)
    {
        var info = new ProcessStartInfo(program, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = cwd ?? "",
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} did not finish within 2 minutes");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
