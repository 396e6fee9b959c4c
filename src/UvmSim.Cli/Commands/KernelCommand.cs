using System.CommandLine;
using System.Text;
using UvmSim.Cli.KernelComparison;
using UvmSim.Cli.Rendering;
using UvmSim.Policies;
using UvmSim.Emit;
using UvmSim.Scenarios.Running;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Cli.Commands;

/// <summary>
/// <c>uvmsim kernel FILE... [--policy P] [--set SWITCH=VALUE]... [--cc PATH] [--keep DIR]
/// [--format text|json]</c>: each scenario on this kernel (emitted as C, built, run) and in the
/// model under one policy, compared line by line. Exit 0 when every comparable line agrees, 1
/// when one differs, 2 for a usage, parse, build or run error (over several files the worst wins).
/// </summary>
internal static class KernelCommand
{
    /// <summary>The policy compared with when none is given.</summary>
    public const string DefaultPolicy = PresetNames.Dual;

    /// <summary><c>--policy P</c>: the one preset the model runs under.</summary>
    public static readonly Option<string[]> Policy = new("--policy", "-p")
    {
        Description = $"The preset the model runs under (default {DefaultPolicy}); one only.",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
        HelpName = "P",
    };

    /// <summary><c>--cc PATH</c>: the C compiler (else <c>$CC</c>, <c>cc</c>, <c>gcc</c>).</summary>
    public static readonly Option<string> Compiler = new("--cc")
    {
        Description = "The C compiler (default: $CC, else cc, else gcc).",
        HelpName = "PATH",
    };

    /// <summary><c>--keep DIR</c>: keep each generated .c and binary there.</summary>
    public static readonly Option<string> Keep = new("--keep")
    {
        Description = "Keep the generated C programs and binaries in this directory (created if needed).",
        HelpName = "DIR",
    };

    /// <summary>The command, writing to <paramref name="terminal"/>.</summary>
    public static Command Create(Terminal terminal)
    {
        var command = new Command("kernel", "Run scenarios on this kernel (as emitted C) and in the model, and compare them line by line.")
        {
            SharedOptions.Files,
            Policy,
            SharedOptions.Set,
            Compiler,
            Keep,
            SharedOptions.Format,
        };
        command.SetAction(parse => CliApp.Guard(terminal, () => Execute(
            terminal,
            parse.GetValue(SharedOptions.Files) ?? [],
            parse.GetValue(Policy),
            parse.GetValue(SharedOptions.Set),
            parse.GetValue(Compiler),
            parse.GetValue(Keep),
            parse.GetValue(SharedOptions.Format) == SharedOptions.Json)));
        return command;
    }

    /// <summary>Checks the arguments, then compares each file; returns the exit status.</summary>
    public static int Execute(Terminal terminal, IReadOnlyList<string> files, string[]? policyNames, string[]? sets,
        string? cc, string? keep, bool json)
    {
        if (ScenarioFiles.UnknownOption(files) is { } unknown)
        {
            return terminal.Usage(unknown);
        }
        IReadOnlyList<Policy>? policies = PolicySelection.Resolve(policyNames is { Length: > 0 } ? policyNames : [DefaultPolicy], sets, out string? error);
        if (policies is null)
        {
            return terminal.Usage(error!);
        }
        if (policies.Count != 1)
        {
            return terminal.Usage($"kernel compares with one policy, not {policies.Count} ({string.Join(", ", policies.Select(p => p.Label))})");
        }
        if (EmittedProgram.HostTarget(out error) is not { } target)
        {
            return terminal.Usage(error!);
        }
        if (CCompiler.Find(cc, Environment.GetEnvironmentVariable("CC"), out error) is not { } compiler)
        {
            return terminal.Usage(error!);
        }
        string directory;
        try
        {
            directory = keep is null ? Directory.CreateTempSubdirectory("uvmsim-kernel-").FullName : Directory.CreateDirectory(keep).FullName;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return terminal.Usage($"cannot create {keep ?? "a temporary directory"}: {e.Message}");
        }
        if (!Environment.IsPrivilegedProcess)
        {
            terminal.ErrorLine("uvmsim: warning: not root: mlock, SHM_LOCK and uid= processes are limited by RLIMIT_MEMLOCK and permissions here, so lines that depend on them may differ");
        }
        try
        {
            var run = new Comparer(terminal, policies[0], target, compiler, directory, json);
            foreach (ScenarioSource source in ScenarioFiles.FromPaths(files))
            {
                run.Compare(source);
            }
            return run.Finish();
        }
        finally
        {
            if (keep is null)
            {
                TryDelete(directory);
            }
        }
    }

    /// <summary>The §13-style document: <c>{"version": 1, "files": [...], "exitCode"}</c> (docs/json.md).</summary>
    public static string RenderJson(IEnumerable<FileComparison> files, int exitCode) => Json.Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("version", 1);
        w.WriteStartArray("files");
        foreach (FileComparison file in files)
        {
            w.WriteStartObject();
            w.WriteString("file", file.File);
            w.WriteString("policy", file.Policy);
            w.WriteString("target", file.TargetName);
            w.WriteStartArray("lines");
            foreach (ComparedLine line in file.Lines)
            {
                w.WriteStartObject();
                w.WriteNumber("line", line.Line);
                w.StringOrNull("proc", line.Proc);
                w.WriteString("text", line.Text);
                w.WriteString("model", line.Model);
                w.StringOrNull("kernel", line.Kernel);
                w.WriteString("status", StatusName(line.Status));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("same", file.Same);
            w.WriteNumber("differs", file.Differs);
            w.WriteNumber("na", file.NotApplicable);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("exitCode", exitCode);
        w.WriteEndObject();
    });

    /// <summary>A line's status as printed and in JSON: <c>same</c>, <c>differs</c> or <c>n/a</c>.</summary>
    public static string StatusName(Agreement status) => status switch
    {
        Agreement.Same => "same",
        Agreement.Differs => "differs",
        _ => "n/a",
    };

    /// <summary>The summary of a file or of all: <c>N same, M differ, K n/a</c>.</summary>
    public static string Summary(int same, int differs, int notApplicable) => $"{same} same, {differs} differ, {notApplicable} n/a";

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary directory is not worth failing a comparison for.
        }
    }

    /// <summary>Compares files one by one, printing text as it goes; keeps the results for JSON and the status.</summary>
    private sealed class Comparer(Terminal terminal, Policy policy, CTarget target, CCompiler compiler, string directory, bool json)
    {
        private readonly List<FileComparison> _files = [];
        private readonly HashSet<string> _names = [];
        private int _status = ExitCodes.Ok;

        /// <summary>Parses, runs the model and the kernel, and compares one file; errors go to stderr.</summary>
        public void Compare(ScenarioSource source)
        {
            (Scenario? scenario, string? parseError) = ScenarioFiles.Parse(source);
            if (scenario is null)
            {
                Fail(parseError!);
                return;
            }
            RunResult model = new ScenarioRunner(scenario, policy).Run();
            terminal.Progress($"{source.Name}: building and running on the kernel");
            IReadOnlyDictionary<int, string>? kernel = EmittedProgram.Run(scenario, target, compiler, directory, UniqueName(source), out string? error);
            terminal.Progress(null);
            if (kernel is null)
            {
                Fail("uvmsim: " + error);
                return;
            }
            FileComparison file = FileComparison.Of(scenario, model, kernel, target);
            _files.Add(file);
            if (file.Differs > 0)
            {
                _status = ExitCodes.Worst(_status, ExitCodes.ExpectationFailed);
            }
            if (!json)
            {
                WriteText(file);
            }
        }

        /// <summary>Prints the JSON document or the text total; returns the exit status.</summary>
        public int Finish()
        {
            if (json)
            {
                terminal.Line(RenderJson(_files, _status));
            }
            else if (_files.Count > 1)
            {
                terminal.Line($"total over {_files.Count} files: {Summary(_files.Sum(f => f.Same), _files.Sum(f => f.Differs), _files.Sum(f => f.NotApplicable))}");
            }
            return _status;
        }

        private void Fail(string message)
        {
            terminal.ErrorLine(message);
            _status = ExitCodes.Worst(_status, ExitCodes.UsageError);
        }

        private void WriteText(FileComparison file)
        {
            terminal.Line($"{file.File}: {file.Policy} (model) vs {file.TargetName} (kernel)");
            foreach (ComparedLine line in file.Lines)
            {
                string results = line.Status == Agreement.Same ? line.Model : $"model {line.Model}, kernel {line.Kernel ?? "(no result)"}";
                terminal.Line($"  {StatusName(line.Status),-7}  {line.Line}: {line.Text}  => {results}");
            }
            terminal.Line($"{file.File}: {Summary(file.Same, file.Differs, file.NotApplicable)}");
        }

        /// <summary>The source's short name, made safe as a file name and unique in this run.</summary>
        private string UniqueName(ScenarioSource source)
        {
            var b = new StringBuilder();
            foreach (char c in source.ShortName)
            {
                b.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
            }
            string name = b.Length == 0 ? "scenario" : b.ToString();
            string unique = name;
            for (int i = 2; !_names.Add(unique); i++)
            {
                unique = $"{name}-{i}";
            }
            return unique;
        }
    }
}
