using System.CommandLine;
using System.Text;
using UvmSim.Cli.KernelComparison;
using UvmSim.Cli.Rendering;
using UvmSim.Physical;
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
    /// <summary>
    /// The policy compared with when none is given: on Linux the <c>linux</c> preset (SPEC
    /// §17.1), placed bottom-up because the emitted program's arena places bottom-up
    /// (docs/emit-c.md, docs/linux.md); on NetBSD <c>netbsd-9</c>.
    /// </summary>
    public static string DefaultPolicy => OperatingSystem.IsLinux() ? PresetNames.Linux : PresetNames.NetBsd9;

    /// <summary>The overrides the default policy carries on this host.</summary>
    public static string[] DefaultSets => OperatingSystem.IsLinux() ? ["placement=bottomup"] : [];

    /// <summary><c>--strict</c>: compare kernel-chosen values (addresses, ids, pids) by value too.</summary>
    public static readonly Option<bool> Strict = new("--strict")
    {
        Description = "Compare the values the kernel chooses (addresses, SysV ids, pids) by value, not only as ok.",
    };

    /// <summary><c>--as declared|nobody|both</c>: which users the scenario's processes run as.</summary>
    public static readonly Option<string> As = new("--as")
    {
        Description = "declared: processes run as their uid= (root needed); nobody: every process as uid/gid 65534 on both sides; both: each file twice.",
        HelpName = "declared|nobody|both",
        DefaultValueFactory = _ => "declared",
    };

    /// <summary><c>--info</c>: print what the model is configured from, and exit.</summary>
    public static readonly Option<bool> Info = new("--info")
    {
        Description = "Print what the model is configured from on this host (release, page size, capabilities, limits, SysV tunables, hazards) and exit.",
    };

    /// <summary>The uid and gid <c>--as nobody</c> runs every process as.</summary>
    public const uint Nobody = 65534;

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

    /// <summary><c>--clean</c>: remove what earlier runs killed by SIGKILL left behind (docs/emit-c.md).</summary>
    public static readonly Option<bool> Clean = new("--clean")
    {
        Description = "Remove what earlier kernel runs left behind when killed (processes, SysV segments, build directories), then exit.",
    };

    /// <summary><c>--timeout SECONDS</c>: how long one program may run before it is stopped and its leftovers removed.</summary>
    public static readonly Option<int?> RunTimeout = RangedOption.Int("--timeout", "Seconds one emitted program may run before it is stopped (SIGTERM, then SIGKILL) and what it made is removed", 1, 3600, 300, "SECONDS");

    /// <summary>The scenario files; none with <c>--clean</c> or <c>--info</c>.</summary>
    public static readonly Argument<string[]> Files = new("FILE")
    {
        Description = SharedOptions.Files.Description,
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>The command, writing to <paramref name="terminal"/>.</summary>
    public static Command Create(Terminal terminal)
    {
        var command = new Command("kernel", "Run scenarios on this kernel (as emitted C) and in the model, and compare them line by line.")
        {
            Files,
            Policy,
            SharedOptions.Set,
            Compiler,
            Keep,
            SharedOptions.FormatWithJunit,
            Strict,
            As,
            Info,
            RunTimeout,
            Clean,
        };
        command.SetAction(parse => CliApp.Guard(terminal, () =>
            parse.GetValue(Clean) ? CleanUp(terminal)
            : parse.GetValue(Info) ? PrintInfo(terminal, parse.GetValue(SharedOptions.FormatWithJunit) == SharedOptions.Json)
            : Execute(
                terminal,
                parse.GetValue(Files) ?? [],
                parse.GetValue(Policy),
                parse.GetValue(SharedOptions.Set),
                parse.GetValue(Compiler),
                parse.GetValue(Keep),
                parse.GetValue(SharedOptions.FormatWithJunit) == SharedOptions.Json,
                parse.GetValue(Strict),
                parse.GetValue(As) ?? "declared",
                TimeSpan.FromSeconds(parse.GetValue(RunTimeout) ?? 300),
                parse.GetValue(SharedOptions.FormatWithJunit) == SharedOptions.Junit)));
        return command;
    }

    /// <summary><c>--clean</c>: sweeps every abandoned build directory in the temporary directory.</summary>
    private static int CleanUp(Terminal terminal)
    {
        Leftovers.Removed removed = Leftovers.CleanAll(Path.GetTempPath());
        if (Directory.Exists(Leftovers.ShmRoot))
        {
            removed += Leftovers.CleanAll(Leftovers.ShmRoot);  // files directories (docs/linux.md)
        }
        terminal.Line($"removed {removed}");
        return ExitCodes.Ok;
    }

    /// <summary>Checks the arguments, then compares each file; returns the exit status.</summary>
    public static int Execute(Terminal terminal, IReadOnlyList<string> files, string[]? policyNames, string[]? sets,
        string? cc, string? keep, bool json, bool strict = false, string users = "declared", TimeSpan? timeout = null, bool junit = false)
    {
        if (ScenarioFiles.UnknownOption(files) is { } unknown)
        {
            return terminal.Usage(unknown);
        }
        if (files.Count == 0)
        {
            return terminal.Usage("kernel needs FILE... (scenario files or directories), or --clean or --info");
        }
        if (users is not ("declared" or "nobody" or "both"))
        {
            return terminal.Usage($"--as takes declared, nobody or both, not '{users}'");
        }
        bool defaulted = policyNames is not { Length: > 0 };
        IReadOnlyList<Policy>? policies = PolicySelection.Resolve(defaulted ? [DefaultPolicy] : policyNames,
            defaulted ? [.. DefaultSets, .. sets ?? []] : sets, out string? error);
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
            terminal.ErrorLine("uvmsim: " + error);
            return ExitCodes.HostUnavailable; // SPEC §17.1: 3, not a usage error
        }
        if (CCompiler.Find(cc, Environment.GetEnvironmentVariable("CC"), out error) is not { } compiler)
        {
            if (cc is not null)
            {
                return terminal.Usage(error!); // a bad --cc is the caller's mistake
            }
            terminal.ErrorLine("uvmsim: " + error);
            return ExitCodes.HostUnavailable;
        }
        string directory;
        try
        {
            directory = keep is null ? Directory.CreateTempSubdirectory(Leftovers.BuildPrefix).FullName : Directory.CreateDirectory(keep).FullName;
            if (keep is null)
            {
                Leftovers.Own(directory);  // so --clean leaves it alone while this runs
                if (!OperatingSystem.IsWindows())
                {
                    // The program's files directory is made in here (TMPDIR): workers running as
                    // another uid (uid=, --as nobody) must be able to pass through to it.
                    File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                        | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return terminal.Usage($"cannot create {keep ?? "a temporary directory"}: {e.Message}");
        }
        if (!Environment.IsPrivilegedProcess)
        {
            terminal.ErrorLine("uvmsim: warning: not root: mlock, SHM_LOCK and uid= processes are limited by RLIMIT_MEMLOCK and permissions here, so lines that depend on them may differ");
        }
        if (users is "declared" or "both" && !Environment.IsPrivilegedProcess)
        {
            terminal.ErrorLine("uvmsim: warning: --as declared needs root to run uid= processes; they run as this user");
        }
        MachineConfig? host = target == CTarget.Linux ? HostConfig.Read([0, Nobody]).Machine : null;
        using var interruption = Interruption.Listen();
        try
        {
            var run = new Comparer(terminal, policies[0], target, compiler, directory, json, strict, host) { Cancel = interruption.Token, Timeout = timeout, Junit = junit };
            foreach (ScenarioSource source in ScenarioFiles.FromPaths(files, directories: true))
            {
                if (interruption.Requested)
                {
                    break;
                }
                foreach (string who in users == "both" ? ["declared", "nobody"] : new[] { users })
                {
                    if (interruption.Requested)
                    {
                        break;
                    }
                    run.Compare(source, who);
                }
            }
            int status = run.Finish();
            return interruption.Requested ? interruption.ExitCode : status;
        }
        finally
        {
            if (keep is null)
            {
                TryDelete(directory);
            }
        }
    }

    /// <summary>Prints <see cref="HostConfig"/> as text or JSON; exit 3 where the host cannot run the differential.</summary>
    private static int PrintInfo(Terminal terminal, bool json)
    {
        if (!OperatingSystem.IsLinux())
        {
            terminal.ErrorLine("uvmsim: --info reads a Linux host's /proc; this is not Linux");
            return ExitCodes.HostUnavailable;
        }
        HostConfig h = HostConfig.Read([0, Nobody]);
        (ulong Lockable, ulong Total, ulong Break)? image = WorkerImage(out string? imageError);
        static string N(ulong? v) => v is { } n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown";
        if (json)
        {
            terminal.Line(Json.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("release", h.Release);
                w.WriteNumber("page", h.PageSize);
                w.WriteNumber("uid", h.Uid);
                w.WriteString("caps", UvmSim.Kernel.Privilege.CapabilityNames.Format(h.Caps));
                w.WriteString("memlockSoft", N(h.MemlockSoft));
                w.WriteString("memlockHard", N(h.MemlockHard));
                w.WriteString("mmapMinAddr", N(h.MmapMinAddr));
                w.WriteString("shmmax", N(h.ShmMax));
                w.WriteString("shmall", N(h.ShmAll));
                w.WriteString("shmmni", N(h.ShmMni));
                w.WriteBoolean("sysv", h.SysvWorks);
                w.WriteString("imageLockable", N(image?.Lockable));
                w.WriteString("imageTotal", N(image?.Total));
                w.WriteBoolean("onfaultObservable", h.Version is { } v && (v.Major > 6 || (v.Major == 6 && v.Minor >= 2)));
                w.WriteStartArray("hazards");
                foreach (string hazard in h.Hazards)
                {
                    w.WriteStringValue(hazard);
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }));
            return ExitCodes.Ok;
        }
        terminal.Line($"kernel release   {h.Release}");
        terminal.Line($"page size        {h.PageSize}");
        terminal.Line($"uid              {h.Uid}");
        terminal.Line($"capabilities     {UvmSim.Kernel.Privilege.CapabilityNames.Format(h.Caps)} (machine rootcaps)");
        terminal.Line($"RLIMIT_MEMLOCK   soft {N(h.MemlockSoft)}, hard {N(h.MemlockHard)} bytes");
        terminal.Line($"mmap_min_addr    {N(h.MmapMinAddr)}");
        terminal.Line($"shm tunables     shmmax {N(h.ShmMax)}, shmall {N(h.ShmAll)} pages, shmmni {N(h.ShmMni)}");
        terminal.Line($"SysV IPC         {(h.SysvWorks ? "available" : "unavailable")}");
        terminal.Line(image is { } im ? $"worker image     {im.Lockable} lockable of {im.Total} pages (machine image={im.Lockable}:{im.Total}), break 0x{im.Break:x}"
            : $"worker image     unknown: {imageError}");
        terminal.Line($"model policy     {DefaultPolicy}{(DefaultSets.Length > 0 ? " + " + string.Join(", ", DefaultSets) : "")}");
        foreach (string hazard in h.Hazards)
        {
            terminal.Line($"hazard           {hazard}");
        }
        return ExitCodes.Ok;
    }

    /// <summary>The worker image measured by a one-process program (SPEC §17.1), or null with <paramref name="error"/>.</summary>
    private static (ulong Lockable, ulong Total, ulong Break)? WorkerImage(out string? error)
    {
        if (CCompiler.Find(null, Environment.GetEnvironmentVariable("CC"), out error) is not { } compiler)
        {
            return null;
        }
        string directory = Directory.CreateTempSubdirectory(Leftovers.BuildPrefix).FullName;
        try
        {
            Leftovers.Own(directory);
            return EmittedProgram.MeasureImage(compiler, directory, out error);
        }
        finally
        {
            TryDelete(directory);
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
            w.WriteString("as", file.As);
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
                ObservedJson.Write(w, "modelObserved", line.ModelObserved);
                ObservedJson.Write(w, "kernelObserved", line.KernelObserved);
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
    private sealed class Comparer(Terminal terminal, Policy policy, CTarget target, CCompiler compiler, string directory, bool json,
        bool strict, MachineConfig? host)
    {
        private readonly List<FileComparison> _files = [];
        private readonly HashSet<string> _names = [];
        private int _status = ExitCodes.Ok;

        /// <summary>Fires on Ctrl-C or SIGTERM: the running program is stopped and cleaned up.</summary>
        public CancellationToken Cancel { get; init; }

        /// <summary>How long one program may run (null: <see cref="EmittedProgram"/>'s default).</summary>
        public TimeSpan? Timeout { get; init; }

        /// <summary><c>--format junit</c>: one test case per file and user, failing with its differing lines.</summary>
        public bool Junit { get; init; }

        private readonly List<Rendering.Junit.Case> _errors = [];

        /// <summary>Parses, runs the model and the kernel, and compares one file; errors go to stderr.</summary>
        public void Compare(ScenarioSource source, string users)
        {
            (Scenario? parsed, string? parseError) = ScenarioFiles.Parse(source);
            if (parsed is null)
            {
                Fail(parseError!, source.Name);
                return;
            }
            Scenario scenario = users == "nobody" ? AsNobody(parsed) : parsed;
            terminal.Progress($"{source.Name}: building and running on the kernel");
            KernelRun? run = EmittedProgram.RunObserved(scenario, target, compiler, directory, UniqueName(source), out string? error, Timeout, Cancel);
            terminal.Progress(null);
            if (run is null)
            {
                Fail("uvmsim: " + error, source.Name);
                return;
            }
            // The model runs second, without the lines the kernel skipped, on the worker's measured image (SPEC §17.1).
            var observed = new Dictionary<int, ObservedDigest>();
            RunResult model = new ScenarioRunner(FileComparison.ForModel(scenario, run.Results), policy) { BaseConfig = run.Machine(host), Observed = observed }.Run();
            FileComparison file = FileComparison.Of(scenario, model, run.Results, target, strict, users, observed, run.Observed);
            _files.Add(file);
            if (file.Differs > 0)
            {
                _status = ExitCodes.Worst(_status, ExitCodes.ExpectationFailed);
            }
            if (!json && !Junit)
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
            else if (Junit)
            {
                terminal.Line(Rendering.Junit.Write("uvmsim kernel", [.. _files.Select(JunitCase), .. _errors]));
            }
            else if (_files.Count > 1)
            {
                terminal.Line($"total over {_files.Count} files: {Summary(_files.Sum(f => f.Same), _files.Sum(f => f.Differs), _files.Sum(f => f.NotApplicable))}");
            }
            return _status;
        }

        private void Fail(string message, string file)
        {
            terminal.ErrorLine(message);
            _errors.Add(new Rendering.Junit.Case(file, "build and run", null, message));
            _status = ExitCodes.Worst(_status, ExitCodes.UsageError);
        }

        /// <summary>A file's test case: it fails with its differing lines, each as the text output shows it.</summary>
        private static Rendering.Junit.Case JunitCase(FileComparison file) => new(
            file.File, $"{file.Policy} vs {file.TargetName} as {file.As}",
            file.Differs == 0 ? null : $"{file.Differs} line(s) differ ({Summary(file.Same, file.Differs, file.NotApplicable)})\n" + string.Join("\n",
                file.Lines.Where(l => l.Status == Agreement.Differs)
                    .Select(l => $"{l.Line}: {l.Text}  => model {l.Model}, kernel {l.Kernel ?? "(no result)"}"
                        + (l.ObservedDiffers ? $"; observed: model {l.ModelObserved!.Format()}, kernel {l.KernelObserved?.Format() ?? l.KernelObservedText}" : ""))),
            null);

        private void WriteText(FileComparison file)
        {
            terminal.Line($"{file.File}: {file.Policy} (model) vs {file.TargetName} (kernel), as {file.As}");
            foreach (ComparedLine line in file.Lines)
            {
                string results = line.Status == Agreement.Same ? line.Model : $"model {line.Model}, kernel {line.Kernel ?? "(no result)"}";
                terminal.Line($"  {StatusName(line.Status),-7}  {line.Line}: {line.Text}  => {results}");
                if (line.Status == Agreement.Differs && line.ObservedDiffers)
                {
                    WriteDigests(line);
                }
            }
            terminal.Line($"{file.File}: {Summary(file.Same, file.Differs, file.NotApplicable)}");
        }

        /// <summary>A differing digest, both sides, one part a line (SPEC §17.8 codes: - . r l L f F).</summary>
        private void WriteDigests(ComparedLine line)
        {
            terminal.Line("           observed, model:");
            foreach (string part in line.ModelObserved!.Describe())
            {
                terminal.Line("             " + part);
            }
            terminal.Line("           observed, kernel:");
            foreach (string part in line.KernelObserved?.Describe() ?? [$"(unreadable: {line.KernelObservedText})"])
            {
                terminal.Line("             " + part);
            }
        }

        /// <summary><c>--as nobody</c>: every <c>proc</c> runs as uid and gid 65534, on both sides.</summary>
        private static Scenario AsNobody(Scenario s) => s with
        {
            Statements = EquatableList.Create<Statement>(s.Statements
                .Select(st => st is ProcStatement p ? p with { Uid = Nobody, Gid = Nobody } : st).ToArray()),
        };

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
