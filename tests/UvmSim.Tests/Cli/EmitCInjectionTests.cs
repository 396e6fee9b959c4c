using System.Diagnostics;
using System.Text;
using CsCheck;
using UvmSim.Cli;

namespace UvmSim.Tests.Cli;

/// <summary>
/// Scenario text and file names are data in emitted C (issue 12): hostile expectation strings and
/// file names go through <c>emit-c</c>, the program is built with <c>cc -Wall -Werror</c> and run,
/// and it must print every line's text back exactly and run nothing else: the payloads call
/// <c>system("touch pwned")</c>, and no <c>pwned</c> file may appear in the program's directory.
/// </summary>
public class EmitCInjectionTests
{
    /// <summary><c>system("touch pwned")</c> with no quote in it: the command as a compound literal.</summary>
    private static readonly string Payload =
        "(void)system((char[]){" + string.Join(",", Encoding.ASCII.GetBytes("touch pwned").Select(b => b.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ",0})";

    /// <summary>
    /// The issue's expectation-string injection: <c>*\</c> and <c>\\</c> used to become <c>*/</c>
    /// and <c>//</c> in the C comment above the line, closing it and running <c>system</c>.
    /// </summary>
    public static TheoryData<string> StringInjections => new()
    {
        $"A: munlockall => panic \"*\\\"\\\"[1] ? (void)0 : {Payload}; \\\\\"",
        $"A: munlockall => panic \"*/ {Payload}; /*\"",
        $"A: munlockall => panic \"??/\\\\\\\\ \\\\\"",
        "A: munlockall => panic \"\\\\\\\" ); } int x = 1; /*\"",
        $"A: munlockall => panic \"\u001b[2J\u202e \r {Payload} ??= ??/ \"",
    };

    [Theory]
    [MemberData(nameof(StringInjections))]
    public void An_expectation_string_is_printed_back_and_runs_nothing(string line)
    {
        Outcome run = BuildAndRun("s.scn", "proc A\n" + line + "\n");
        Assert.Contains("  2: " + line + "  => ", run.Stdout, StringComparison.Ordinal);
        Assert.False(run.Pwned, "the payload ran:\n" + run.Source);
    }

    /// <summary>
    /// The issue's file-name injection: the name went into the header comment, where <c>*\</c>
    /// closed it and a constructor ran before <c>main</c>.
    /// </summary>
    [Fact]
    public void A_hostile_file_name_runs_nothing()
    {
        string name = $"x*\\ int system(const char*); __attribute__((constructor)) static void pwn(void){{{Payload};}} \\*.scn";
        Outcome run = BuildAndRun(name, "proc A\nA: munlockall\n");
        Assert.Contains("  2: A: munlockall  => ok = 0x0", run.Stdout, StringComparison.Ordinal);
        Assert.False(run.Pwned, "the payload ran:\n" + run.Source);
    }

    /// <summary>Characters that mean something to C, a shell or a terminal, and fragments that combine them.</summary>
    private static readonly Gen<string> Hostile = Gen.Frequency(
        (4, Gen.OneOfConst("*/", "/*", "//", "??=", "??/", "??'", "\\", "\"", "'", "*", "/", "?", "#", "%s", "%n", ";", "{", "}", "(", ")",
            "\t", "\r", "\u001b[31m", "\u0007", "\u202e", "\u2066", "é", "\U0001F600", " ", Payload, "#include <stdlib.h>", "\\u0041")),
        (1, Gen.Char['\u0001', '\u007f'].Select(c => c == '\n' ? "\\n" : c.ToString())))
        .Array[0, 12].Select(parts => string.Concat(parts));

    /// <summary>The string as it is written inside a scenario's quotes: only <c>\"</c> and <c>\\</c> escape.</summary>
    private static string Quoted(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// Generated hostile strings, twenty to a program, and a hostile file name: every line's text
    /// comes back byte for byte, and the program prints nothing but the scenario's lines.
    /// </summary>
    [Fact]
    public void Generated_hostile_text_is_inert()
    {
        Gen.Select(Hostile.Array[20], Hostile.Where(n => n.Length is > 0 and < 80 && !n.Contains('/') && n != "." && n != ".."))
            .Sample(input =>
            {
                var (strings, fileName) = input;
                var lines = strings.Select(s => "A: munlockall => panic " + Quoted(s)).ToList();
                Outcome run = BuildAndRun(fileName + ".scn", "proc A\n" + string.Join("\n", lines) + "\n");
                for (int i = 0; i < lines.Count; i++)
                {
                    Assert.Contains($"  {i + 2}: {lines[i]}  => ", run.Stdout, StringComparison.Ordinal);
                }
                Assert.False(run.Pwned, "the payload ran");
                Assert.Equal(lines.Count, run.Stdout.Split('\n').Count(l => l.StartsWith("  ", StringComparison.Ordinal)));
                Assert.EndsWith("\n# ran to the end\n", run.Stdout, StringComparison.Ordinal);
            }, iter: 5, threads: 1);
    }

    private sealed record Outcome(string Stdout, bool Pwned, string Source);

    /// <summary>Emits <paramref name="scenario"/> saved as <paramref name="fileName"/>, builds with -Wall -Werror, runs it in a fresh directory.</summary>
    private static Outcome BuildAndRun(string fileName, string scenario)
    {
        string cc = EmitCPrograms.Compiler() ?? throw SkipException();
        string dir = Directory.CreateTempSubdirectory("uvmsim-inject-").FullName;
        try
        {
            string scn = Path.Combine(dir, fileName), c = Path.Combine(dir, "prog.c"), exe = Path.Combine(dir, "prog");
            File.WriteAllText(scn, scenario);
            var cli = new CliHarness();
            Assert.Equal(ExitCodes.Ok, cli.Run("emit-c", scn, "--target", "linux", "-o", c));
            string source = File.ReadAllText(c);
            (int buildExit, _, string buildErr) = EmitCPrograms.Execute(cc, ["-std=c99", "-Wall", "-Werror", "-o", exe, c], dir);
            Assert.True(buildExit == 0, $"{cc} failed:\n{buildErr}");
            (int exit, string stdout, string stderr) = EmitCPrograms.Execute(exe, [], dir);
            Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
            return new Outcome(stdout, File.Exists(Path.Combine(dir, "pwned")), source);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Exception SkipException()
    {
        Assert.Skip("no C compiler (cc or gcc) on PATH");
        return new UnreachableException();
    }
}
