using System.CommandLine;
using UvmSim.Policies;

namespace UvmSim.Cli.Commands;

/// <summary><c>uvmsim demo</c>: the bundled examples under the four presets, with an explanation (SPEC §13).</summary>
internal static class DemoCommand
{
    /// <summary>What the reader needs to read the matrix.</summary>
    public const string Explanation =
        """
        UvmSim runs NetBSD UVM wiring scenarios (mlock, mlockall, shmctl SHM_LOCK, sysctl vslock, ...)
        under four kernels ("presets"):
          netbsd-8      the March-2019 kernel the page-wiring leak was reported on
          thorpej-2019  the proposed fix, with sysv_shm left unchanged
          netbsd-9      what NetBSD shipped in late 2019
          dual          this project's design: POSIX and SVID locks counted separately
        Each cell is one scenario under one preset: PANIC if the kernel panicked, else the kinds
        of damage the final audit found (LEAK, UNDERWIRED, SEGMENT, ...), else ok. A trailing
        ✗ means one of the scenario's own expectations failed. Every expectation should hold,
        and dual should be the only column that is ok all the way down.
        """;

    /// <summary>The command, writing to <paramref name="terminal"/>.</summary>
    public static Command Create(Terminal terminal)
    {
        var command = new Command("demo", "Run the bundled examples under the four presets (or --policy all,linux) and show the matrix.")
        {
            SharedOptions.Format,
            SharedOptions.Policy,
        };
        command.SetAction(parse => CliApp.Guard(terminal, () => Execute(
            terminal, parse.GetValue(SharedOptions.Format) == SharedOptions.Json, parse.GetValue(SharedOptions.Policy))));
        return command;
    }

    /// <summary>Prints the explanation (text only) and the matrix of the bundled examples.</summary>
    public static int Execute(Terminal terminal, bool json, string[]? policies = null)
    {
        var sources = ScenarioFiles.Bundled();
        if (!json)
        {
            terminal.Line(Explanation);
            if (policies is { Length: > 0 } && string.Join(",", policies).Split(',').Contains(PresetNames.Linux))
            {
                terminal.Line("  linux         Linux 6.x (SPEC §17): a lock flag per entry, a segment flag with a per-user charge;");
                terminal.Line("                its pw/ec/wired checks read the model's own accounting (docs/linux.md)");
                terminal.Line("");
            }
            if (sources.Count == 0)
            {
                terminal.Line("(this build has no bundled examples)");
                return ExitCodes.Ok;
            }
        }
        return MatrixCommand.Execute(terminal, sources, policies is { Length: > 0 } ? policies : [PolicySelection.All], null, noDiagnostics: false, json);
    }
}
