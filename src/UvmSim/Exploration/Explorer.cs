using System.Diagnostics;
using UvmSim.Checking;
using UvmSim.Kernel;

namespace UvmSim.Exploration;

/// <summary>Settings of an exhaustive search (SPEC §13 <c>uvmsim explore</c>); <c>Jobs</c> threads share each level.</summary>
/// <remarks>
/// Three ways to reach a state's successors, with the same answer (docs/performance.md,
/// "The explorer"): by default each job walks its kernel over the tree of the level's
/// prefixes and takes every successor back with an <see cref="Undo.UndoLog"/> (apply, audit,
/// hash, undo). With <c>Replay</c> every state is rebuilt by replaying its calls on a freshly
/// booted kernel; with <c>Snapshots</c> successors are computed from copies of the state's
/// kernel (<see cref="Kernel.Kernel.Copy"/>). Both are kept to compare against, side by side.
/// With <c>Symmetry</c> states are told apart by a hash that forgets which of the processes
/// the alphabet names is which (<see cref="StateHash"/>): one state of each set of mirror
/// images is kept, and a finding is still the sequence that reached it.
/// </remarks>
public sealed record ExploreOptions(Universe Universe, int Depth, bool Transient = false, int MappingPages = 2, int Jobs = 1, ExploreShard? Shard = null, OpGroups Ops = OpGroups.None, bool Snapshots = false, bool Replay = false, bool Symmetry = false)
{
    /// <summary>Whether each job walks one kernel with an undo log (neither <c>Replay</c> nor <c>Snapshots</c>).</summary>
    public bool Undoing => !Replay && !Snapshots;
}

/// <summary>
/// One shard of a search cut at <paramref name="SplitDepth"/>: every shard searches the levels
/// up to it, then keeps the frontier states whose hash is <paramref name="Index"/> modulo
/// <paramref name="Count"/> (docs/scale-out.md says why the merge is exact).
/// </summary>
public sealed record ExploreShard(int Index, int Count, int SplitDepth)
{
    /// <summary>Whether this shard goes on from the frontier state with <paramref name="hash"/>.</summary>
    public bool Owns(ulong hash) => (int)(hash % (ulong)Count) == Index;
}

/// <summary>
/// The outcome: states explored, calls made, and the shortest counterexample if any.
/// <c>Rank</c> is the finding's severity (0 a panic; lower is more severe) and <c>Levels</c>,
/// kept only for a shard, the hashes of the states first met at each depth (depth 0 first).
/// </summary>
public sealed record ExploreResult(long States, long Calls, double Seconds, int Depth, Finding? Finding,
    int Rank = 0, IReadOnlyList<ulong[]>? Levels = null)
{
    /// <summary>
    /// The process's CPU seconds over the same span as <c>Seconds</c> (<see cref="CpuClock"/>):
    /// with one job, more than <c>Seconds</c> by what the runtime's own threads took.
    /// </summary>
    public double CpuSeconds { get; init; }

    /// <summary>Distinct states seen by the end of each depth searched (element 0 is depth 1), so the growth is visible.</summary>
    public IReadOnlyList<long> StatesPerDepth { get; init; } = [];
}

/// <summary>
/// Breadth-first search of every call sequence up to a depth over a small alphabet
/// (SPEC §13): the mlock family, SysV shared memory, fork and exit, touch and unmap, each on
/// whole mappings or their first page, optionally vslock/vsunlock. States are deduplicated
/// by <see cref="StateHash"/>, so the search is over states, not sequences; the first panic
/// or violation met is a shortest counterexample (the most severe of its depth).
/// </summary>
/// <remarks>
/// Parallel without changing the answer: a level is cut into chunks of prefixes; the jobs
/// take chunks as they finish one (<see cref="OrderedPipeline"/>), each on its own kernels
/// with its own auditor, hasher and undo log, and write one outcome per successor; the
/// calling thread takes the outcomes in the sequential order, chunk after chunk, while the
/// others go on computing, so the states kept, the counterexample chosen and every count are
/// the same for any number of jobs. A level's prefixes are in the order of the tree of
/// prefixes (<see cref="PrefixTree"/>: each level lists the children of the last one's
/// states in order), so neighbours share most of their calls: the undo walk descends by one
/// call and climbs back by undoing.
/// </remarks>
public static class Explorer
{
    /// <summary>The alphabet for <paramref name="procs"/> processes.</summary>
    public static IReadOnlyList<Op> Alphabet(int procs, int mappingPages, bool transient, OpGroups extra = OpGroups.None)
    {
        var ops = new List<Op>();
        int all = mappingPages;
        for (int p = 0; p < procs; p++)
        {
            // The wiring calls come first: among equally short counterexamples the search
            // reports the one that mixes the two contracts (S9's family) before others.
            ops.Add(Op.ExactRange(OpKind.Munlock, p, 0, 0, all));
            ops.Add(new Op(OpKind.Munlockall, p, 0, 0, 0));
            ops.Add(Op.ExactRange(OpKind.Mlock, p, 0, 0, all));
            ops.Add(new Op(OpKind.Mlockall, p, 0, 0, 1));
            ops.Add(new Op(OpKind.Shmctl, p, 0, 0, 2));      // SHM_LOCK
            ops.Add(new Op(OpKind.Shmctl, p, 0, 0, 4));      // SHM_UNLOCK
            ops.Add(new Op(OpKind.Shmget, p, mappingPages - 1, 0, 0));
            ops.Add(new Op(OpKind.Shmat, p, 0, 0, 0));
            ops.Add(new Op(OpKind.Mmap, p, mappingPages - 1, 2, 0)); // private anonymous rw
            ops.Add(Op.ExactRange(OpKind.Munmap, p, 0, 0, all));
            ops.Add(new Op(OpKind.Shmdt, p, 0, 0, 0));
            ops.Add(new Op(OpKind.Fork, p, 0, 0, 0));
            ops.Add(new Op(OpKind.Exit, p, 0, 0, 0));
            ops.Add(Op.ExactRange(OpKind.Munlock, p, 0, 0, 1));
            ops.Add(Op.ExactRange(OpKind.Mlock, p, 0, 0, 1));
            ops.Add(Op.ExactRange(OpKind.Touch, p, 0, 0, 1, flags: 1)); // write
            ops.Add(new Op(OpKind.Shmctl, p, 0, 0, 1));      // IPC_RMID
            if (transient)
            {
                ops.Add(Op.ExactRange(OpKind.Vslock, p, 0, 0, all, flags: 1)); // write
                ops.Add(new Op(OpKind.Vsunlock, p, 0, 0, 0));
            }
            ops.AddRange(OpGroupNames.Ops(extra, p, mappingPages));
        }
        return ops;
    }

    /// <summary>
    /// Among equally short counterexamples the most severe is reported: a panic, then a
    /// frame with fewer wirings than holders (the step before an underflow), then the other
    /// kinds; ties go to the first found.
    /// </summary>
    private static int Rank(IReadOnlyList<Violation> violations) => 1 + violations.Min(v => v.Kind switch
    {
        ViolationKind.Underwired => 0,
        ViolationKind.Counter => 1,
        ViolationKind.FreeWired => 2,
        ViolationKind.LostLock => 3,
        ViolationKind.Leak => 4,
        ViolationKind.Segment => 5,
        ViolationKind.Nonresident => 6,
        ViolationKind.Map => 7,
        _ => throw new ArgumentOutOfRangeException(nameof(violations), v.Kind, "unknown violation kind"),
    });

    private static void Consider(Finding f, int rank, ref Finding? best, ref int bestRank)
    {
        if (rank < bestRank)
        {
            best = f;
            bestRank = rank;
        }
    }

    /// <summary>Prefixes a job takes at a time: enough to pay for moving to them, few enough to share a level evenly.</summary>
    private const int Chunk = 128;

    /// <summary>Chunks each job may compute ahead of the one being consumed.</summary>
    private const int Ahead = 8;

    /// <summary>
    /// What computing one successor gave: not applicable, a state's hash (<c>Known</c> when the
    /// walk saw it is kept already, so consuming need not look it up), or a finding and its rank.
    /// </summary>
    private readonly record struct Outcome(bool Applied, ulong Hash, Finding? Finding, int Rank, bool Known = false);

    /// <summary>One job's own engine, copy table, undo walk and sequence buffer (none may be shared between threads).</summary>
    private sealed class Worker(Universe u, int interchangeable)
    {
        public readonly Engine Engine = new(u, interchangeable: interchangeable);
        public readonly Snapshots.CloneMap Copies = new();
        public readonly PrefixWalk Walk = new(u);
        public readonly RecentStates Recent = new();
        public Op[] Prefix = [];

        /// <summary>The calls leading to state <paramref name="index"/> of <paramref name="level"/>, in this worker's buffer.</summary>
        public ReadOnlySpan<Op> PrefixOf(PrefixTree tree, int level, int index)
        {
            if (Prefix.Length != level)
            {
                Prefix = new Op[level];
            }
            tree.CopyPrefix(level, index, Prefix);
            return Prefix;
        }
    }

    /// <summary>The results of one chunk of a level, until they are consumed.</summary>
    private sealed class Slot(int alphabet)
    {
        public readonly Outcome[] Outcomes = new Outcome[Chunk * alphabet];
        public readonly OpInterpreter?[] States = new OpInterpreter?[Chunk];
    }

    /// <summary>Runs the search; <paramref name="progress"/> gets (depth, states) after each level.</summary>
    public static ExploreResult Run(ExploreOptions o, Action<int, long>? progress = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var cpu = CpuClock.StartNew();
        Universe u = o.Universe;
        // The processes the alphabet names, each offered the same calls: with Symmetry, the
        // ones whose order the state hash forgets.
        int named = Math.Max(u.Procs, 2);
        IReadOnlyList<Op> alphabet = Alphabet(named, o.MappingPages, o.Transient, o.Ops);
        if (alphabet.Count > ushort.MaxValue)
        {
            throw new ArgumentException($"an alphabet of {alphabet.Count} calls is more than the search can number", nameof(o));
        }
        int jobs = Math.Clamp(o.Jobs, 1, 64);
        var workers = Enumerable.Range(0, jobs).Select(_ => new Worker(u, o.Symmetry ? named : 0)).ToArray();
        int window = jobs == 1 ? 1 : Ahead * jobs;
        var slots = Enumerable.Range(0, window).Select(_ => new Slot(alphabet.Count)).ToArray();
        var seen = new StateSet();
        var tree = new PrefixTree(alphabet);
        var frontierHashes = new List<ulong>();
        // Snapshots: the kernels of the previous level that have a state in the frontier, and
        // for each frontier state the index of its parent there (-1 for the boot state). A
        // state's kernel is its parent's copy plus its last call, computed once per state;
        // each successor is a copy of that plus one call.
        var parents = new List<OpInterpreter>();
        var parentOf = new List<int> { -1 };
        workers[0].Engine.Begin([]);
        ulong boot = workers[0].Engine.Hash();
        seen.Add(boot);
        frontierHashes.Add(boot);
        List<List<ulong>>? levels = o.Shard is null ? null : [[boot]];
        long calls = 0;
        var perDepth = new List<long>();
        for (int depth = 1; depth <= o.Depth && tree.Count(depth - 1) > 0; depth++)
        {
            int level = depth - 1, frontier = tree.Count(level);
            var nextParent = new List<int>();
            var nextLast = new List<ushort>();
            var nextParents = new List<OpInterpreter>();
            var nextParentOf = new List<int>();
            var nextHashes = new List<ulong>();
            levels?.Add([]);
            Finding? best = null;
            int bestRank = int.MaxValue;
            List<ulong> hashes = frontierHashes;
            List<int> parentOfLevel = parentOf;
            List<OpInterpreter> parentKernels = parents;

            void Compute(int job, int chunk, int at)
            {
                Worker w = workers[job];
                Slot slot = slots[at];
                int first = chunk * Chunk, count = Math.Min(Chunk, frontier - first);
                if (o.Undoing)
                {
                    w.Walk.Expand(tree, level, hashes, seen, first, count, alphabet, slot.Outcomes, w, cancel);
                    return;
                }
                for (int i = 0; i < count; i++)
                {
                    ReadOnlySpan<Op> prefix = w.PrefixOf(tree, level, first + i);
                    OpInterpreter? state = null;
                    if (o.Snapshots)
                    {
                        state = parentOfLevel[first + i] is int parent and >= 0 ? parentKernels[parent].Copy(w.Copies) : u.Boot();
                        if (level > 0)
                        {
                            state.Apply(prefix[^1]);
                        }
                        slot.States[i] = state;
                    }
                    for (int a = 0; a < alphabet.Count; a++)
                    {
                        cancel.ThrowIfCancellationRequested();
                        slot.Outcomes[(i * alphabet.Count) + a] = Evaluate(u, prefix, state, alphabet[a], w);
                    }
                }
            }

            void Consume(int chunk, int at)
            {
                Slot slot = slots[at];
                int first = chunk * Chunk, count = Math.Min(Chunk, frontier - first);
                for (int i = 0; i < count; i++)
                {
                    int kept = -1;
                    if (!o.Replay && level > 0)
                    {
                        calls++; // the state itself: its parent's snapshot or the walk's descent, and its last call
                    }
                    for (int a = 0; a < alphabet.Count; a++)
                    {
                        Outcome r = slot.Outcomes[(i * alphabet.Count) + a];
                        if (!r.Applied)
                        {
                            continue;
                        }
                        // The calls made: the whole sequence when replaying, one from a snapshot or the walk.
                        calls += o.Replay ? level + 1 : 1;
                        if (r.Finding is { } f)
                        {
                            Consider(f, r.Rank, ref best, ref bestRank);
                        }
                        else if (!r.Known && seen.Add(r.Hash))
                        {
                            nextParent.Add(first + i);
                            nextLast.Add((ushort)a);
                            nextHashes.Add(r.Hash);
                            levels?[depth].Add(r.Hash);
                            if (o.Snapshots && depth < o.Depth)
                            {
                                if (kept < 0)
                                {
                                    kept = nextParents.Count;
                                    nextParents.Add(slot.States[i]!);
                                }
                                nextParentOf.Add(kept);
                            }
                        }
                    }
                    slot.States[i] = null;
                }
            }

            OrderedPipeline.Run((frontier + Chunk - 1) / Chunk, jobs, window, Compute, Consume, cancel);
            if (best is not null)
            {
                return new ExploreResult(seen.Count, calls, clock.Elapsed.TotalSeconds, depth, best, bestRank, Freeze(levels)) { StatesPerDepth = [.. perDepth, seen.Count], CpuSeconds = cpu.Seconds };
            }
            if (o.Shard is { } shard && depth == shard.SplitDepth)
            {
                tree.Add([.. nextParent.Where((_, i) => shard.Owns(nextHashes[i]))], [.. nextLast.Where((_, i) => shard.Owns(nextHashes[i]))]);
                frontierHashes = [.. nextHashes.Where(shard.Owns)];
                parentOf = nextParentOf.Count == 0 ? [] : [.. nextParentOf.Where((_, i) => shard.Owns(nextHashes[i]))];
            }
            else
            {
                tree.Add([.. nextParent], [.. nextLast]);
                frontierHashes = nextHashes;
                parentOf = nextParentOf;
            }
            parents = nextParents;
            perDepth.Add(seen.Count);
            progress?.Invoke(depth, seen.Count);
        }
        return new ExploreResult(seen.Count, calls, clock.Elapsed.TotalSeconds, o.Depth, null, 0, Freeze(levels)) { StatesPerDepth = perDepth, CpuSeconds = cpu.Seconds };
    }

    /// <summary>
    /// One job's kernel walked over the tree of a level's prefixes: it holds the state of the
    /// prefix it stands on, with an undo mark before each of its calls. Moving to the next
    /// prefix undoes the calls past the common part and applies the new ones; each successor
    /// is applied, hashed, audited when its state is new, and undone (a successor the log saw
    /// change nothing is its parent's state: neither hashed nor audited). Nothing is replayed
    /// from boot after the first state, and nothing is copied.
    /// </summary>
    private sealed class PrefixWalk(Universe u)
    {
        private readonly UvmSim.Undo.UndoLog _log = new();
        private int _mark;
        private Func<bool>? _unchanged;
        private readonly List<Op> _path = [];
        private readonly List<int> _marks = [];
        private OpInterpreter? _driver;

        /// <summary>
        /// Whether the call since the mark left the kernel as it was: the log recorded no change
        /// but the interpreter's own bookkeeping (every change is logged; the hash and the audit
        /// read the kernel only).
        /// </summary>
        private Func<bool> Unchanged => _unchanged ??= () => _log.NothingBut(_mark, _driver!);

        /// <summary>
        /// Writes the outcomes of the <paramref name="count"/> states of <paramref name="level"/>
        /// from <paramref name="first"/> on. <paramref name="seen"/> is read while the consuming
        /// thread adds to it: a state found there was audited clean; one not found yet is audited.
        /// </summary>
        public void Expand(PrefixTree tree, int level, List<ulong> hashes, StateSet seen, int first, int count, IReadOnlyList<Op> alphabet, Outcome[] outcomes, Worker w, CancellationToken cancel)
        {
            Engine engine = w.Engine;
            _driver ??= u.Boot();
            _log.Activate();
            try
            {
                for (int i = 0; i < count; i++)
                {
                    ReadOnlySpan<Op> prefix = w.PrefixOf(tree, level, first + i);
                    MoveTo(prefix);
                    engine.BeginFrom(_driver);
                    w.Recent.Add(hashes[first + i]); // a state the search keeps: it is in the frontier
                    for (int a = 0; a < alphabet.Count; a++)
                    {
                        cancel.ThrowIfCancellationRequested();
                        _mark = _log.Mark();
                        Op op = alphabet[a];
                        outcomes[(i * alphabet.Count) + a] = op.Proc >= engine.ProcessCount ? default
                            : OutcomeOf(u, prefix, op, engine.StepUnlessKnown(op, Unchanged, hashes[first + i], seen, w.Recent));
                        _log.Undo(_mark);
                    }
                }
            }
            catch
            {
                // A call that threw mid-way left the kernel where no mark can vouch for it.
                _log.Clear();
                _path.Clear();
                _marks.Clear();
                _driver = null;
                throw;
            }
            finally
            {
                UvmSim.Undo.UndoLog.Deactivate();
            }
        }

        /// <summary>Undoes the calls of the current path past its common part with <paramref name="prefix"/>, then applies the rest.</summary>
        private void MoveTo(ReadOnlySpan<Op> prefix)
        {
            int common = 0;
            while (common < _path.Count && common < prefix.Length && _path[common] == prefix[common])
            {
                common++;
            }
            if (common < _path.Count)
            {
                _log.Undo(_marks[common]);
                _path.RemoveRange(common, _path.Count - common);
                _marks.RemoveRange(common, _marks.Count - common);
            }
            for (int k = common; k < prefix.Length; k++)
            {
                _marks.Add(_log.Mark());
                _driver!.Apply(prefix[k]); // a prefix that reached a state did not panic
                _path.Add(prefix[k]);
            }
        }
    }

    private static ulong[][]? Freeze(List<List<ulong>>? levels) => levels?.Select(l => l.ToArray()).ToArray();

    /// <summary>
    /// Brings a worker's engine to the state <paramref name="prefix"/> led to, by replaying it
    /// on a fresh kernel or, given that state's kernel, as a copy of it, then applies
    /// <paramref name="op"/> and audits the result (one <see cref="Engine.Step"/>).
    /// =&gt; not applied when the op names a process that does not exist.
    /// </summary>
    private static Outcome Evaluate(Universe u, ReadOnlySpan<Op> prefix, OpInterpreter? state, Op op, Worker w)
    {
        Engine engine = w.Engine;
        if (state is null)
        {
            engine.Begin(prefix);
        }
        else if (op.Proc < state.ProcessCount)
        {
            engine.BeginFrom(state.Copy(w.Copies));
        }
        else
        {
            return default;
        }
        return op.Proc >= engine.ProcessCount ? default : OutcomeOf(u, prefix, op, engine.Step(op));
    }

    /// <summary>What a step gave, as the search keeps it (a finding carries its whole sequence).</summary>
    private static Outcome OutcomeOf(Universe u, ReadOnlySpan<Op> prefix, Op op, StepResult r) =>
        r.Kind switch
        {
            StepKind.State => new Outcome(true, r.Hash, null, 0, r.Known),
            StepKind.Panic => new Outcome(true, 0, new Finding(true, r.Panic!, [.. prefix, op], u.Procs, u.Pages), 0),
            StepKind.Violation => new Outcome(true, 0, Finding.FromViolations([.. r.Violations!], [.. prefix, op], u.Procs, u.Pages), Rank(r.Violations!)),
            _ => throw new InvalidOperationException($"unknown step kind {r.Kind}"),
        };
}
