using System.Globalization;
using System.Runtime.InteropServices;

namespace UvmSim.Cli.KernelComparison;

/// <summary>
/// What an emitted program made and did not remove, found through its journal and removed
/// (docs/emit-c.md, "Cleaning up"). A program removes its workers, segments and files itself on
/// a normal exit, SIGINT, SIGTERM, SIGHUP and its alarm; only a SIGKILL (or a crash of the
/// program) leaves them, and <c>uvmsim kernel</c> then reads the journal the program wrote as it
/// went (<c>UVMSIM_JOURNAL</c>: <c>pid N</c>, <c>shm ID</c>, <c>dir PATH</c> lines).
/// =&gt; nothing is removed on the journal's word alone: a process is killed only while its
///    executable lies in the build directory, a segment only while its creator is a journalled
///    process (Linux: <c>/proc/PID/exe</c>, <c>/proc/sysvipc/shm</c>), a directory only inside
///    the build directory. Elsewhere only the build directory is removed.
/// </summary>
internal static class Leftovers
{
    /// <summary>The prefix of every build directory <c>uvmsim kernel</c> makes in the temporary directory.</summary>
    public const string BuildPrefix = "uvmsim-kernel-";

    /// <summary>The file in a build directory naming the <c>uvmsim</c> process that owns it.</summary>
    public const string OwnerFile = "owner";

    /// <summary>What a sweep removed.</summary>
    public sealed record Removed(int Processes, int Segments, int Directories)
    {
        /// <summary>The sum of two sweeps.</summary>
        public static Removed operator +(Removed a, Removed b) =>
            new(a.Processes + b.Processes, a.Segments + b.Segments, a.Directories + b.Directories);

        /// <inheritdoc/>
        public override string ToString() => $"{Processes} processes, {Segments} SysV segments, {Directories} directories";
    }

    /// <summary>Linux's tmpfs, where a program's scenario files go (docs/linux.md: no readahead), when there is one.</summary>
    public const string ShmRoot = "/dev/shm";

    /// <summary>
    /// A directory of this process under <see cref="ShmRoot"/> for one program's files
    /// (<c>UVMSIM_FILES_DIR</c>), owned as a build directory is (<see cref="Own"/>), so that
    /// <c>--clean</c> finds it after a SIGKILL; null where there is no such tmpfs or it cannot be made.
    /// </summary>
    public static string? MakeShmFilesDirectory()
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists(ShmRoot))
        {
            return null;
        }
        try
        {
            string dir = Path.Combine(ShmRoot, BuildPrefix + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(dir);
            Own(dir);
            // Searchable by workers of another uid (their files directory is made inside), as a build directory is.
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            return dir;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Removes a directory <see cref="MakeShmFilesDirectory"/> made (null: none).</summary>
    public static void RemoveShmFilesDirectory(string? dir)
    {
        try
        {
            if (dir is not null && Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // --clean removes it later (its owner file names this process).
        }
    }

    /// <summary>The journal of program <paramref name="name"/> in <paramref name="buildDir"/>.</summary>
    public static string JournalOf(string buildDir, string name) => Path.Combine(buildDir, name + ".journal");

    /// <summary>Writes the owner file: this process's id.</summary>
    public static void Own(string buildDir) =>
        File.WriteAllText(Path.Combine(buildDir, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");

    /// <summary>Removes what <paramref name="journal"/> lists that is still there, under the checks above.</summary>
    public static Removed Sweep(string journal, string buildDir)
    {
        if (!File.Exists(journal))
        {
            return new Removed(0, 0, 0);
        }
        string root = Path.GetFullPath(buildDir).TrimEnd('/') + "/";
        var pids = new List<int>();
        var shms = new List<int>();
        var dirs = new List<string>();
        foreach (string line in File.ReadAllLines(journal))
        {
            string[] f = line.Split(' ', 2);
            if (f.Length != 2)
            {
                continue;
            }
            switch (f[0])
            {
                case "pid" when int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 1:
                    pids.Add(pid);
                    break;
                case "shm" when int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out int id):
                    shms.Add(id);
                    break;
                case "dir":
                    dirs.Add(f[1]);
                    break;
                default:
                    break;  // a torn last line of a killed program
            }
        }
        int killed = 0, removedSegments = 0, removedDirs = 0;
        foreach (int pid in pids.Where(p => ExecutableOf(p) is { } exe && exe.StartsWith(root, StringComparison.Ordinal)))
        {
            killed += Kill(pid, 9) == 0 ? 1 : 0;
        }
        var creators = SegmentCreators();
        foreach (int id in shms.Where(id => creators.TryGetValue(id, out int cpid) && pids.Contains(cpid)))
        {
            removedSegments += Shmctl(id, IpcRmid, IntPtr.Zero) == 0 ? 1 : 0;
        }
        foreach (string dir in dirs.Where(d => Path.GetFullPath(d).StartsWith(root, StringComparison.Ordinal) && Directory.Exists(d)))
        {
            Directory.Delete(dir, recursive: true);
            removedDirs++;
        }
        return new Removed(killed, removedSegments, removedDirs);
    }

    /// <summary>
    /// <c>uvmsim kernel --clean</c>: every build directory in <paramref name="temp"/> whose owner
    /// is no longer running has its journals swept and is removed.
    /// </summary>
    public static Removed CleanAll(string temp)
    {
        var total = new Removed(0, 0, 0);
        foreach (string dir in Directory.EnumerateDirectories(temp, BuildPrefix + "*"))
        {
            try
            {
                if (OwnerAlive(dir))
                {
                    continue;
                }
                foreach (string journal in Directory.EnumerateFiles(dir, "*.journal"))
                {
                    total += Sweep(journal, dir);
                }
                Directory.Delete(dir, recursive: true);
                total += new Removed(0, 0, 1);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Removed meanwhile by its own uvmsim, or not ours to remove: leave it.
            }
        }
        return total;
    }

    /// <summary>How long a build directory may be without its owner file: it is written right after the directory is made.</summary>
    private static readonly TimeSpan OwnerGrace = TimeSpan.FromMinutes(10);

    private static bool OwnerAlive(string dir)
    {
        string owner = Path.Combine(dir, OwnerFile);
        if (!File.Exists(owner))
        {
            return DateTime.UtcNow - Directory.GetCreationTimeUtc(dir) < OwnerGrace;  // being made right now
        }
        if (!int.TryParse(File.ReadAllText(owner).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
        {
            return false;
        }
        return pid == Environment.ProcessId || Kill(pid, 0) == 0;
    }

    /// <summary>The executable of a running process (Linux), or null.</summary>
    private static string? ExecutableOf(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/exe").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Segment id to creator pid, from <c>/proc/sysvipc/shm</c> (empty where there is none).</summary>
    private static Dictionary<int, int> SegmentCreators()
    {
        var result = new Dictionary<int, int>();
        const string table = "/proc/sysvipc/shm";
        if (!File.Exists(table))
        {
            return result;
        }
        foreach (string line in File.ReadLines(table).Skip(1))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length > 4 && int.TryParse(f[1], CultureInfo.InvariantCulture, out int id) && int.TryParse(f[4], CultureInfo.InvariantCulture, out int cpid))
            {
                result[id] = cpid;
            }
        }
        return result;
    }

    private const int IpcRmid = 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    internal static extern int Kill(int pid, int signal);

    [DllImport("libc", EntryPoint = "shmctl", SetLastError = true)]
    private static extern int Shmctl(int id, int cmd, IntPtr buf);
}
