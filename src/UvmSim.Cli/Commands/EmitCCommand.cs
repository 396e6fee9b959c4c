using UvmSim.Emit;
using System.CommandLine;
using UvmSim.Cli.Rendering;

namespace UvmSim.Cli.Commands;

/// <summary>
/// <c>uvmsim emit-c FILE --target netbsd|linux [-o OUT]</c>: a C program doing the scenario's
/// calls on a real kernel (SPEC §13). Exit 0, or 2 for a usage or parse error.
/// </summary>
internal static class EmitCCommand
{
    /// <summary>The scenario file.</summary>
    public static readonly Argument<string> File = new("FILE")
    {
        Description = "Scenario file (.scn).",
    };

    /// <summary><c>--target netbsd|linux</c>.</summary>
    public static readonly Option<string> Target = CreateTarget();

    /// <summary><c>-o OUT</c>: write the C here instead of standard output.</summary>
    public static readonly Option<string> Output = new("--output", "-o")
    {
        Description = "Write the C program to this file instead of standard output.",
        HelpName = "OUT",
    };

    /// <summary>The command, writing to <paramref name="terminal"/>.</summary>
    public static Command Create(Terminal terminal)
    {
        var command = new Command("emit-c", "Write a scenario as a C program that performs its calls on a real kernel.")
        {
            File,
            Target,
            Output,
            SharedOptions.Format,
        };
        command.SetAction(parse => CliApp.Guard(terminal, () => Execute(
            terminal,
            parse.GetValue(File)!,
            parse.GetValue(Target)!,
            parse.GetValue(Output),
            parse.GetValue(SharedOptions.Format) == SharedOptions.Json)));
        return command;
    }

    /// <summary>Parses the file and writes the C; returns the exit status.</summary>
    public static int Execute(Terminal terminal, string file, string targetName, string? output, bool json = false)
    {
        if (ScenarioFiles.UnknownOption([file]) is { } unknown)
        {
            return terminal.Usage(unknown);
        }
        CTarget target = targetName == "netbsd" ? CTarget.NetBsd : CTarget.Linux;
        var (scenario, error) = ScenarioFiles.Parse(ScenarioFiles.FromPaths([file])[0]);
        if (scenario is null)
        {
            terminal.ErrorLine(error!);
            return ExitCodes.UsageError;
        }
        string c = CEmitter.Emit(scenario, target);
        if (json)
        {
            if (output is not null && WriteOutput(terminal, output, c) is { } failed)
            {
                return failed;
            }
            terminal.Line(Json.Write(w =>
            {
                w.WriteStartObject();
                w.WriteNumber("version", 1);
                w.WriteString("file", file);
                w.WriteString("target", targetName);
                w.StringOrNull("output", output);
                w.StringOrNull("program", output is null ? c : null);
                w.WriteEndObject();
            }));
            return ExitCodes.Ok;
        }
        if (output is null)
        {
            // The C is printed as it is: scenario text in it is already escaped (CEmitter.Literal).
            TextWriter w = terminal.Out.Profile.Out.Writer;
            w.Write(c);
            w.Flush();
            return ExitCodes.Ok;
        }
        return WriteOutput(terminal, output, c) ?? ExitCodes.Ok;
    }

    /// <summary>Writes the program whole or not at all; null, or the usage status after saying why.</summary>
    private static int? WriteOutput(Terminal terminal, string output, string c)
    {
        try
        {
            AtomicFile.Write(output, c, overwrite: true);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return terminal.Usage($"-o {TextSafety.OneLine(output)}: cannot write: {e.Message}");
        }
    }

    private static Option<string> CreateTarget()
    {
        var option = new Option<string>("--target")
        {
            Description = "The kernel the program is for.",
            Required = true,
            HelpName = "netbsd|linux",
        };
        option.AcceptOnlyFromAmong("netbsd", "linux");
        return option;
    }
}
