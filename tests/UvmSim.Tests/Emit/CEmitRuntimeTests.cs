using System.Diagnostics;
using System.Text.RegularExpressions;
using UvmSim.Emit;

namespace UvmSim.Tests.Emitting;

/// <summary>The emitted programs' runtime is the C file in the repository, and C tools can check it alone.</summary>
public sealed partial class CEmitRuntimeTests
{
    private static string RuntimePath => Path.Combine(RepoPaths.Root, "src", "UvmSim", "Emit", "uvmsim_runtime.c");

    [Fact]
    public void The_embedded_runtime_is_the_repository_file()
    {
        string file = File.ReadAllText(RuntimePath).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.Equal(file, CEmitRuntime.FileText);
        Assert.EndsWith(CEmitRuntime.Prelude, file, StringComparison.Ordinal);
        Assert.DoesNotContain("UVMSIM_CHECK_ALONE", CEmitRuntime.Prelude, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_result_text_the_runtime_prints_is_defined_from_CEmitOutput()
    {
        var used = TextMacro().Matches(CEmitRuntime.Prelude).Select(m => m.Value).Distinct().ToList();
        Assert.NotEmpty(used);
        Assert.All(used, name => Assert.Contains($"#define {name} \"", CEmitRuntime.Definitions, StringComparison.Ordinal));
        Assert.Contains($"#define UVMSIM_TEXT_OK_PREFIX \"{CEmitOutput.OkPrefix}\"", CEmitRuntime.Definitions, StringComparison.Ordinal);
    }

    [Fact]
    public void The_runtime_file_compiles_alone()
    {
        string? gcc = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Where(d => d.Length > 0).Select(d => Path.Combine(d, "gcc")).FirstOrDefault(File.Exists);
        Assert.SkipWhen(gcc is null, "gcc is not installed");
        var info = new ProcessStartInfo(gcc!, ["-std=c99", "-Wall", "-fsyntax-only", "-D_GNU_SOURCE", "-DUVMSIM_CHECK_ALONE", RuntimePath])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using Process p = Process.Start(info)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
        // Its only warnings: the two functions the emitter writes after it.
        var warnings = err.Split('\n').Where(l => l.Contains("warning:", StringComparison.Ordinal)).ToList();
        Assert.All(warnings, w => Assert.Matches("uvmsim_do_line|uvmsim_lines", w));
    }

    [GeneratedRegex(@"UVMSIM_TEXT_[A-Z_]+")]
    private static partial Regex TextMacro();
}
