using System.Diagnostics;
using System.Globalization;
using System.Text;
using UvmSim.Cli;
using UvmSim.Cli.KernelComparison;

namespace UvmSim.Tests.Cli;

/// <summary>
/// Emitted programs own their files and clean up (issue 12): files in a fresh mkdtemp directory,
/// created O_EXCL|O_NOFOLLOW; workers, SysV segments (locked ones too) and files gone after a
/// normal exit, SIGINT, SIGTERM and <c>kernel</c>'s timeout; after a SIGKILL the journal names
/// them and <c>uvmsim kernel --clean</c> removes them. The programs are built with
/// <c>-DUVMSIM_TEST_HOLD</c>, which makes them wait, everything made, for a signal.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Collection(HostKernelCollection.Name)]
public sealed class EmitCCleanupTests : IDisposable
{
    /// <summary>A worker, a file mapped shared, and a locked segment of a size no other test uses (13 pages).</summary>
    private const string Scenario = "proc A\nfile f 2p\nA: seg = shmget private 13p create|0600\nA: p = shmat seg\nA: shmctl seg SHM_LOCK\nA: m = mmap 2p rw shared file f\n";

    private readonly string _dir = Directory.CreateTempSubdirectory("uvmsim-cleanup-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Cc() => EmitCPrograms.Compiler() ?? Skip("no C compiler (cc or gcc) on PATH");

    private static string Skip(string why)
    {
        Assert.Skip(why);
        return "";
    }

    private string Build(string defines = "-DUVMSIM_TEST_HOLD", string? dir = null)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the checks read /proc");
        dir ??= _dir;
        string scn = Path.Combine(dir, "s.scn"), c = Path.Combine(dir, "s.c"), exe = Path.Combine(dir, "prog");
        File.WriteAllText(scn, Scenario);
        var cli = new CliHarness();
        Assert.Equal(ExitCodes.Ok, cli.Run("emit-c", scn, "--target", "linux", "-o", c));
        using Process cc = Process.Start(Cc(), ["-std=c99", "-Wall", "-Werror", defines, "-o", exe, c]);
        cc.WaitForExit();
        Assert.Equal(0, cc.ExitCode);
        return exe;
    }

    /// <summary>Starts the program and waits until it holds, everything made; returns it and its journal.</summary>
    private (Process Program, Journal Journal) StartHolding(string exe, string? dir = null)
    {
        dir ??= _dir;
        string journal = Path.Combine(dir, "prog.journal");
        var info = new ProcessStartInfo(exe) { RedirectStandardOutput = true, WorkingDirectory = dir };
        info.Environment["TMPDIR"] = dir;
        info.Environment["UVMSIM_JOURNAL"] = journal;
        Process program = Process.Start(info)!;
        var output = new StringBuilder();
        string? line;
        while ((line = program.StandardOutput.ReadLine()) is not null && line != "# holding")
        {
            output.AppendLine(line);
        }
        Assert.True(line == "# holding", "the program ended before holding:\n" + output);
        Assert.Contains("5: A: shmctl seg SHM_LOCK  => ok = 0x0", output.ToString(), StringComparison.Ordinal);
        var j = Journal.Read(journal);
        Assert.True(Directory.Exists(j.Dir), "the files directory exists while the program runs");
        Assert.True(File.Exists(Path.Combine(j.Dir, "f0")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute,
            File.GetUnixFileMode(j.Dir));
        Assert.True(j.Pids.All(Alive) && j.Pids.Count == 1);
        Assert.True(SegmentExists(j.Segment));
        return (program, j);
    }

    private sealed record Journal(string Dir, List<int> Pids, int Segment)
    {
        public static Journal Read(string path)
        {
            string[] lines = File.ReadAllLines(path);
            return new Journal(
                lines.Single(l => l.StartsWith("dir ", StringComparison.Ordinal))[4..],
                lines.Where(l => l.StartsWith("pid ", StringComparison.Ordinal)).Select(l => int.Parse(l[4..], CultureInfo.InvariantCulture)).ToList(),
                lines.Where(l => l.StartsWith("shm ", StringComparison.Ordinal)).Select(l => int.Parse(l[4..], CultureInfo.InvariantCulture)).Single());
        }
    }

    private static bool Alive(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    private static bool SegmentExists(int id) =>
        File.ReadLines("/proc/sysvipc/shm").Skip(1).Any(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1] == id.ToString(CultureInfo.InvariantCulture));

    private static void AssertNothingLeft(Journal j)
    {
        Assert.False(Directory.Exists(j.Dir), "the files directory was removed");
        Assert.DoesNotContain(j.Pids, Alive);
        Assert.False(SegmentExists(j.Segment), $"segment {j.Segment} was removed");
    }

    private static void Signal(Process p, int signal) => Assert.Equal(0, Leftovers.Kill(p.Id, signal));

    [Theory]
    [InlineData(2)]   // SIGINT
    [InlineData(15)]  // SIGTERM
    [InlineData(1)]   // SIGHUP
    public void A_signal_leaves_no_worker_segment_or_file(int signal)
    {
        var (program, journal) = StartHolding(Build());
        using (program)
        {
            Signal(program, signal);
            Assert.True(program.WaitForExit(TimeSpan.FromSeconds(30)));
            Assert.Equal(128 + signal, program.ExitCode);
            // The workers were killed: give the kernel a moment to reap and detach.
            SpinWait.SpinUntil(() => !journal.Pids.Any(Alive) && !SegmentExists(journal.Segment), TimeSpan.FromSeconds(10));
            AssertNothingLeft(journal);
        }
    }

    [Fact]
    public void A_normal_exit_leaves_nothing()
    {
        string exe = Build("-DUVMSIM_NOTHING=1");
        string journal = Path.Combine(_dir, "prog.journal");
        var info = new ProcessStartInfo(exe) { RedirectStandardOutput = true };
        info.Environment["TMPDIR"] = _dir;
        info.Environment["UVMSIM_JOURNAL"] = journal;
        using Process program = Process.Start(info)!;
        string stdout = program.StandardOutput.ReadToEnd();
        program.WaitForExit();
        Assert.Equal(0, program.ExitCode);
        Assert.EndsWith("# ran to the end\n", stdout, StringComparison.Ordinal);
        AssertNothingLeft(Journal.Read(journal));
    }

    [Fact]
    public void After_a_SIGKILL_kernel_clean_removes_what_the_journal_names()
    {
        // An abandoned build directory as `uvmsim kernel` makes one, whose owner has exited.
        // In a private temporary directory, so that no other test's build directory is swept.
        string build = Directory.CreateDirectory(Path.Combine(_dir, Leftovers.BuildPrefix + "abandoned")).FullName;
        try
        {
            using (Process gone = Process.Start("true"))
            {
                gone.WaitForExit();
                File.WriteAllText(Path.Combine(build, Leftovers.OwnerFile), gone.Id.ToString(CultureInfo.InvariantCulture));
            }
            var (program, journal) = StartHolding(Build(dir: build), build);
            using (program)
            {
                Signal(program, 9);
                program.WaitForExit();
            }
            // The workers die with their coordinator (PR_SET_PDEATHSIG, SPEC §17.1); the locked
            // segment they attached outlives them, as nothing removed it.
            Assert.True(SpinWait.SpinUntil(() => !journal.Pids.Any(Alive), TimeSpan.FromSeconds(10)));
            Assert.True(SegmentExists(journal.Segment));
            var (exit, stdout, stderr) = Cli(["kernel", "--clean"]);
            Assert.True(exit == ExitCodes.Ok, stderr);
            Assert.StartsWith("removed ", stdout, StringComparison.Ordinal);
            SpinWait.SpinUntil(() => !journal.Pids.Any(Alive) && !SegmentExists(journal.Segment), TimeSpan.FromSeconds(10));
            AssertNothingLeft(journal);
            Assert.False(Directory.Exists(build));
        }
        finally
        {
            if (Directory.Exists(build))
            {
                Directory.Delete(build, recursive: true);
            }
        }
    }

    [Fact]
    public void Kernel_timeout_stops_the_program_and_removes_what_it_made()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the checks read /proc");
        string cc = Cc();
        string wrapper = Path.Combine(_dir, "cc-hold");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec {cc} -DUVMSIM_TEST_HOLD \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string scn = Path.Combine(_dir, "hold.scn");
        File.WriteAllText(scn, Scenario);
        var before = Segments13Pages();
        var (exit, _, stderr) = Cli(["kernel", scn, "--cc", wrapper, "--timeout", "3"]);
        Assert.Equal(ExitCodes.UsageError, exit);
        Assert.Contains("did not finish within 3 s: stopped, and what it made removed", stderr, StringComparison.Ordinal);
        SpinWait.SpinUntil(() => Segments13Pages().Except(before).Any() == false, TimeSpan.FromSeconds(10));
        Assert.Empty(Segments13Pages().Except(before));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir, Leftovers.BuildPrefix + "*"));
    }

    /// <summary>uvmsim as its own process with TMPDIR here: its build directories never meet other tests'.</summary>
    private (int Exit, string Stdout, string Stderr) Cli(string[] args)
    {
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "UvmSim.Cli"), args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["TMPDIR"] = _dir;
        using Process p = Process.Start(info)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.GetAwaiter().GetResult(), stderr);
    }

    private static List<string> Segments13Pages() =>
        File.ReadLines("/proc/sysvipc/shm").Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f[3] == (13 * 4096).ToString(CultureInfo.InvariantCulture)).Select(f => f[1]).ToList();

    [Fact]
    public void A_file_is_never_created_through_a_planted_link()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "symlinks and O_NOFOLLOW as on Linux");
        string victim = Path.Combine(_dir, "victim");
        File.WriteAllText(victim, "keep me");
        string files = Path.Combine(_dir, "files");
        Directory.CreateDirectory(files);
        File.CreateSymbolicLink(Path.Combine(files, "f0"), victim);
        // A harness main that points the program's files directory at one holding a planted link.
        string harness = $$"""
            int main(void)
            {
            	coord_pid = getpid();
            	snprintf(files_dir, sizeof files_dir, "%s", {{UvmSim.Emit.CEmitter.Literal(files)}});
            	uvmsim_make_file(2, "file f 2p", 0, 8192);
            	return 0;
            }
            """;
        EmitCPrograms.ProgramRun? run = EmitCPrograms.Build("proc A\nfile f 2p\n", "linux", [], harness);
        Assert.SkipWhen(run is null, "no gcc");
        Assert.Equal("EEXIST", run!.Actual(2));
        Assert.Equal("keep me", File.ReadAllText(victim));
        Assert.Equal(7, new FileInfo(victim).Length);
    }
}
