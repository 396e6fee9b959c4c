using System.Globalization;
using System.Text;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Exploration;

/// <summary>Settings of <see cref="HostSafeScenarios"/>: how many processes a scenario starts with, and its call lines.</summary>
/// <param name="Procs">Processes declared at the start, 1 to 3 (one more may be forked).</param>
/// <param name="MinCalls">Fewest call lines in a scenario.</param>
/// <param name="MaxCalls">Most call lines in a scenario.</param>
/// <param name="MemlockSoft">The memlock limit processes start with (the host's), null if unknown.</param>
public sealed record HostSafeOptions(int Procs = 3, int MinCalls = 16, int MaxCalls = 40, ulong? MemlockSoft = null);

/// <summary>
/// Random scenarios that are safe to run on a real kernel (<c>uvmsim kernel --fuzz</c>, SPEC
/// §17.1, docs/linux.md "kernel --fuzz"): 1–3 processes, root and unprivileged, small anonymous
/// mappings (private and shared), locks over parts, holes, <c>PROT_NONE</c> and zero lengths,
/// <c>mlock2 onfault</c>, <c>mlockall</c> with <c>MCL_FUTURE</c>, memlock limits lowered and raised,
/// SysV segments (private keys only) attached, locked and removed across a fork.
/// </summary>
/// <remarks>
/// What it never writes, and why:
/// <list type="bullet">
/// <item><c>sysctl</c>, <c>machine</c> keys, literal SysV ids or keys: global on the host, or
///   never sent (SPEC §17.1's skips);</item>
/// <item><c>vslock</c>, <c>vsunlock</c>, <c>pagedaemon</c>, <c>exec</c>, <c>minherit</c>, <c>brk</c>,
///   <c>fixed</c> mappings: no user-level equivalent, or the worker's own memory (its heap, its
///   image) rather than the scenario's;</item>
/// <item>anything beyond SPEC §17.1's safety limits: at most 8 pages a mapping or segment, so a
///   scenario stays far below 16 MiB a mapping and 64 MiB a process;</item>
/// <item><c>mlockall</c> under a limit lowered below the host's, and a lowered limit after
///   <c>mlockall</c>, in any process: on the host the worker's own image (text, libc, stack) is
///   locked and charged too, which the model does not see (docs/linux.md, "Not observable"), and
///   <c>--as nobody</c> makes every process unprivileged, so the rule holds for root ones too.
///   A limit of 0 stays allowed: <c>mlockall</c> is EPERM on both sides.</item>
/// </list>
/// The same seed gives the same scenarios.
/// </remarks>
public sealed class HostSafeScenarios
{
    private const int MaxPages = 8;

    /// <summary>A limit the worker's image fits in with room to spare (it is about 2 MiB).</summary>
    private const ulong RoomyLimit = 8 << 20;
    private static readonly string[] Names = ["A", "B", "C", "D"];

    private readonly Random _rng;
    private readonly HostSafeOptions _options;
    private readonly ulong _pageSize;

    /// <summary>A generator drawing from <paramref name="seed"/>, for pages of <paramref name="pageSize"/> bytes.</summary>
    public HostSafeScenarios(int seed, HostSafeOptions options, int pageSize)
    {
        if (options.Procs is < 1 or > 3)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "a host-safe scenario has 1 to 3 processes");
        }
        _rng = new Random(seed);
        _options = options;
        _pageSize = (ulong)pageSize;
    }

    /// <summary>The next scenario's text; it parses (<see cref="Next"/>).</summary>
    public string NextText()
    {
        var g = new Episode(_rng, _pageSize, _options.MemlockSoft is not { } soft || soft < RoomyLimit);
        return g.Write(_rng.Next(1, _options.Procs + 1), _rng.Next(_options.MinCalls, _options.MaxCalls + 1));
    }

    /// <summary>The next scenario, parsed, named <paramref name="name"/>.</summary>
    public Scenario Next(string name)
    {
        string text = NextText();
        ParseResult r = ScenarioParser.Parse(name, text);
        return r.Scenario ?? throw new InvalidOperationException("a generated scenario does not parse: " + r.Error!.Render() + "\n" + text);
    }

    /// <summary>One scenario being written: what each process has, so calls mostly name live things.</summary>
    private sealed class Episode(Random rng, ulong pageSize, bool startsLowered)
    {
        private sealed class Proc(string name)
        {
            public string Name { get; } = name;
            public bool Lowered { get; set; }
            public bool LockedAll { get; set; }
            public bool Exited { get; set; }
            public ulong? Hard { get; set; }
        }

        private readonly StringBuilder _text = new();
        private readonly List<Proc> _procs = [];
        private readonly List<(string Name, int Pages, HashSet<string> Holders)> _maps = [];
        private readonly List<string> _segments = [];
        private readonly List<(string Name, HashSet<string> Holders)> _attached = [];
        private int _names;

        public string Write(int procs, int calls)
        {
            _text.Append("# uvmsim kernel --fuzz: a host-safe random scenario\n");
            for (int i = 0; i < procs; i++)
            {
                // Root or unprivileged (nobody): --as nobody makes every one unprivileged anyway.
                bool root = i == 0 || rng.Next(2) == 0;
                _text.Append("proc ").Append(Names[i]).Append(root ? "" : " uid=65534 gid=65534").Append('\n');
                // A host limit below RoomyLimit: any raise may be refused, so it stays lowered.
                _procs.Add(new Proc(Names[i]) { Lowered = startsLowered, Hard = startsLowered ? 0 : null });
            }
            // Something to work on first.
            Map(_procs[0]);
            for (int i = 1; i < calls; i++)
            {
                Proc p = Live();
                Call(p);
            }
            return _text.ToString();
        }

        private Proc Live()
        {
            var live = _procs.Where(p => !p.Exited).ToList();
            return live[rng.Next(live.Count)];
        }

        private void Line(Proc p, string call) => _text.Append(p.Name).Append(": ").Append(call).Append('\n');

        private string Fresh(string prefix) => prefix + (_names++).ToString(CultureInfo.InvariantCulture);

        private void Call(Proc p)
        {
            int roll = rng.Next(100);
            switch (roll)
            {
                case < 12: Map(p); break;
                case < 26: Range(p, "mlock"); break;
                case < 34: Range(p, "munlock"); break;
                case < 40: Range(p, "mlock2", rng.Next(2) == 0 ? " onfault" : ""); break;
                case < 45: Range(p, "mprotect", " " + Prot()); break;
                case < 50: Range(p, "munmap"); break;
                case < 58: Range(p, "touch", rng.Next(2) == 0 ? " write" : " read"); break;
                case < 63: MlockAll(p); break;
                case < 66: Line(p, "munlockall"); p.LockedAll = false; break;
                case < 72: SetLimit(p); break;
                case < 76: Shmget(p); break;
                case < 82: Shmat(p); break;
                case < 85: Shmdt(p); break;
                case < 93: Shmctl(p); break;
                case < 97: Fork(p); break;
                default: Exit(p); break;
            }
        }

        private void Map(Proc p)
        {
            int pages = rng.Next(1, MaxPages + 1);
            string name = Fresh("m");
            string flags = rng.Next(4) == 0 ? "shared|anon" : "private|anon";
            string prot = rng.Next(6) == 0 ? "none" : rng.Next(5) == 0 ? "r" : "rw";
            Line(p, $"{name} = mmap {pages}p {prot} {flags}");
            _maps.Add((name, pages, [p.Name]));
        }

        private string Prot() => rng.Next(4) switch { 0 => "none", 1 => "r", 2 => "rw", _ => "rw" };

        /// <summary>A range from a mapping (or a segment's attachment): inside, across its end, over a hole, zero or sub-page.</summary>
        private void Range(Proc p, string call, string suffix = "")
        {
            string? name = PickRange(p, out int pages);
            if (name is null)
            {
                Map(p);
                return;
            }
            int offset = rng.Next(0, pages + 1);
            string start = offset == 0 ? name : $"{name}+{offset}p";
            if (rng.Next(8) == 0)
            {
                start += "+" + rng.Next(1, (int)pageSize).ToString(CultureInfo.InvariantCulture); // not page-aligned
            }
            string length = rng.Next(10) switch
            {
                0 => "0",                                                              // zero length
                1 => rng.Next(1, (int)pageSize * 2).ToString(CultureInfo.InvariantCulture), // bytes
                2 => $"{pages - offset + rng.Next(1, 3)}p",                           // past the end: a hole
                _ => $"{Math.Max(1, rng.Next(1, pages - offset + 1))}p",
            };
            if (call == "touch" && length == "0")
            {
                length = "1";
            }
            Line(p, $"{call} {start} {length}{suffix}");
        }

        /// <summary>
        /// Mostly a mapping or attachment <paramref name="p"/> holds (made or inherited), now and
        /// then any (a hole in <paramref name="p"/>'s map, or someone else's range).
        /// </summary>
        private string? PickRange(Proc p, out int pages)
        {
            var ranges = _maps.Select(m => (m.Name, m.Pages, m.Holders)).Concat(_attached.Select(a => (a.Name, Pages: 1, a.Holders))).ToList();
            var own = ranges.Where(r => r.Holders.Contains(p.Name)).ToList();
            var from = own.Count > 0 && rng.Next(5) != 0 ? own : ranges;
            pages = 0;
            if (from.Count == 0)
            {
                return null;
            }
            var pick = from[rng.Next(from.Count)];
            pages = pick.Pages;
            return pick.Name;
        }

        private void MlockAll(Proc p)
        {
            if (p.Lowered)
            {
                // The worker's image would be charged on the host (see the class remarks).
                Range(p, "mlock");
                return;
            }
            string flags = rng.Next(5) switch
            {
                0 => "current",
                1 => "future",
                2 => "current|future",
                3 => "current|onfault",
                _ => "current|future|onfault",
            };
            Line(p, "mlockall " + flags);
            p.LockedAll = true;
        }

        private void SetLimit(Proc p)
        {
            // Pages: 0 (EPERM for unprivileged locks), a few, or the host's default and above.
            ulong[] choices = [0, 1, 2, 3, 4, 8, 2048, 4096];
            ulong soft = choices[rng.Next(choices.Length)] * pageSize;
            ulong hard = rng.Next(3) == 0 ? soft : Math.Max(soft, choices[rng.Next(choices.Length)] * pageSize);
            if (soft is > 0 and < RoomyLimit && p.LockedAll)
            {
                soft = 0; // the image rule: 0 keeps mlockall out (EPERM on both sides)
            }
            Line(p, $"setrlimit memlock {soft} {hard}");
            bool lowers = soft is > 0 and < RoomyLimit;
            // Raising the hard limit above one set before is EPERM unprivileged (and --as nobody
            // makes every process so): the old limit may stay, so it stays lowered if it was.
            bool mayFail = p.Hard is { } before && hard > before;
            p.Lowered = mayFail ? p.Lowered || lowers : lowers;
            p.Hard = mayFail ? p.Hard : hard;
        }

        private void Shmget(Proc p)
        {
            string name = Fresh("s");
            Line(p, $"{name} = shmget private {rng.Next(1, 5)}p create|0600");
            _segments.Add(name);
        }

        private void Shmat(Proc p)
        {
            if (_segments.Count == 0)
            {
                Shmget(p);
                return;
            }
            string name = Fresh("a");
            Line(p, $"{name} = shmat {_segments[rng.Next(_segments.Count)]}" + (rng.Next(6) == 0 ? " rdonly" : ""));
            _attached.Add((name, [p.Name]));
        }

        private void Shmdt(Proc p)
        {
            if (_attached.Count == 0)
            {
                Shmat(p);
                return;
            }
            Line(p, $"shmdt {_attached[rng.Next(_attached.Count)].Name}");
        }

        private void Shmctl(Proc p)
        {
            if (_segments.Count == 0)
            {
                Shmget(p);
                return;
            }
            string op = rng.Next(7) switch { 0 or 1 or 2 => "SHM_LOCK", 3 or 4 => "SHM_UNLOCK", 5 => "IPC_RMID", _ => "IPC_STAT" };
            Line(p, $"shmctl {_segments[rng.Next(_segments.Count)]} {op}");
        }

        private void Fork(Proc p)
        {
            if (_procs.Count >= Names.Length)
            {
                Range(p, "mlock");
                return;
            }
            var child = new Proc(Names[_procs.Count]) { Lowered = p.Lowered, Hard = p.Hard }; // limits inherit, MCL_FUTURE does not
            Line(p, "fork " + child.Name);
            _procs.Add(child);
            foreach (var holders in _maps.Select(m => m.Holders).Concat(_attached.Select(a => a.Holders)).Where(h => h.Contains(p.Name)))
            {
                holders.Add(child.Name); // the child's map is a copy of its parent's
            }
        }

        private void Exit(Proc p)
        {
            if (p == _procs[0] || _procs.Count(q => !q.Exited) == 1)
            {
                Range(p, "munlock");
                return;
            }
            Line(p, "exit");
            p.Exited = true;
        }
    }
}
