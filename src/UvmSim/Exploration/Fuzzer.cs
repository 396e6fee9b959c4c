using System.Diagnostics;
using UvmSim.Checking;
using UvmSim.Kernel;
using UvmSim.Undo;

namespace UvmSim.Exploration;

/// <summary>Limits and settings of a fuzzing run (SPEC §13 <c>uvmsim fuzz</c>).</summary>
public sealed record FuzzOptions(Universe Universe, long? Steps, double? Seconds, int Seed = 1, int Jobs = 1, int EpisodeLength = 48, bool Audit = true, bool PanicsOnly = false, FuzzShard? Shard = null);

/// <summary>
/// One shard of a step-budgeted run: job <paramref name="Index"/> of <paramref name="Count"/>,
/// the same seed stream and share of the steps that job has in <c>--jobs Count</c>.
/// </summary>
public sealed record FuzzShard(int Index, int Count);

/// <summary>
/// The outcome of a fuzzing run; <c>States</c> counts distinct states over all jobs, and
/// <c>StateSet</c> holds them (a shard's merge needs the set, not the count).
/// </summary>
public sealed record FuzzResult(long Calls, double Seconds, long States, Finding? Finding, int? Seed, StateSet? StateSet = null)
{
    /// <summary>The process's CPU seconds over the same span as <c>Seconds</c> (<see cref="CpuClock"/>).</summary>
    public double CpuSeconds { get; init; }
}

/// <summary>
/// Random multi-process call sequences (SPEC §13): episodes of seeded random <see cref="Op"/>s
/// on a fresh small kernel, audited after every call, stopping at the first panic or
/// violation. Each job runs its own seed (seed, seed+1, …), so a seed replays exactly.
/// </summary>
public static class Fuzzer
{
    private static readonly OpKind[] Weighted = BuildWeights();

    private static OpKind[] BuildWeights()
    {
        var w = new List<OpKind>();
        void Add(OpKind k, int n) => w.AddRange(Enumerable.Repeat(k, n));
        Add(OpKind.Mmap, 6); Add(OpKind.Munmap, 3); Add(OpKind.Mprotect, 3); Add(OpKind.Minherit, 2);
        Add(OpKind.Mlock, 6); Add(OpKind.Munlock, 6); Add(OpKind.Mlockall, 2); Add(OpKind.Munlockall, 2);
        Add(OpKind.Brk, 1); Add(OpKind.Touch, 4); Add(OpKind.Fork, 2); Add(OpKind.Exec, 1); Add(OpKind.Exit, 1);
        Add(OpKind.Setrlimit, 1); Add(OpKind.Shmget, 3); Add(OpKind.Shmat, 4); Add(OpKind.Shmdt, 2);
        Add(OpKind.Shmctl, 8); Add(OpKind.Vslock, 3); Add(OpKind.Vsunlock, 3); Add(OpKind.Pagedaemon, 1);
        return [.. w];
    }

    /// <summary>A random op from <paramref name="rng"/>.</summary>
    public static Op RandomOp(Random rng) =>
        new(Weighted[rng.Next(Weighted.Length)], rng.Next(4), rng.Next(1024), rng.Next(1024), rng.Next(16));

    /// <summary>
    /// Runs until a finding, the step budget or the time budget; <paramref name="progress"/>
    /// is called now and then with (calls, distinct states) from the first job.
    /// </summary>
    /// <remarks>
    /// With a time budget the first finding stops every job. With a step budget each job runs
    /// its whole share or up to its own finding, and the lowest job's finding is reported:
    /// the answer (finding, calls, states) then depends only on the seed and the steps, so the
    /// shards of <c>--shard I/N</c> merge into exactly what <c>--jobs N</c> gives.
    /// </remarks>
    public static FuzzResult Run(FuzzOptions o, Action<long, long>? progress = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var cpu = CpuClock.StartNew();
        int jobs = o.Shard?.Count ?? Math.Max(1, o.Jobs);
        int[] mine = o.Shard is { } shard ? [shard.Index] : [.. Enumerable.Range(0, jobs)];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var results = new (long Calls, StateSet States, Finding? Finding)[mine.Length];
        long? stepsPerJob = o.Steps is { } s ? (s + jobs - 1) / jobs : null;
        Parallel.For(0, mine.Length, new ParallelOptions { MaxDegreeOfParallelism = mine.Length }, k =>
        {
            results[k] = RunJob(o, o.Seed + mine[k], stepsPerJob, clock, k == 0 ? progress : null, stop);
            if (results[k].Finding is not null && o.Steps is null)
            {
                stop.Cancel();
            }
        });
        int found = Array.FindIndex(results, r => r.Finding is not null);
        StateSet states = results[0].States;
        for (int k = 1; k < results.Length; k++)
        {
            states.UnionWith(results[k].States);
        }
        return new FuzzResult(results.Sum(r => r.Calls), clock.Elapsed.TotalSeconds, states.Count,
            found >= 0 ? results[found].Finding : null, found >= 0 ? o.Seed + mine[found] : null, states) { CpuSeconds = cpu.Seconds };
    }

    private static (long, StateSet, Finding?) RunJob(FuzzOptions o, int seed, long? steps, Stopwatch clock, Action<long, long>? progress, CancellationTokenSource stop)
    {
        var rng = new Random(seed);
        var seen = new StateSet(SlotsFor(steps));
        // New states are added in batches, so the set's cache misses overlap (StateSet.AddRange).
        Span<ulong> pending = stackalloc ulong[PendingStates];
        int npending = 0;
        var engine = new Engine(o.Universe, o.Audit);
        // The states of this episode that were audited clean. A call that leaves the kernel in
        // one of them (more than half do: a failed call, a lock of what is locked, an unlock
        // undone) is hashed but not audited again: the audit of a state is a function of the
        // state, and the hash covers what the auditor reads (Engine.StepUnlessKnown, as the
        // explorer does with every state it keeps). Small, so it stays cached.
        var clean = new StateSet(EpisodeSlots);
        var episode = new List<Op>(o.EpisodeLength);
        long calls = 0;
        Universe u = o.Universe;
        // A call that changed nothing (the counter saw no hook fire but the interpreter's own)
        // left the state before it: when that one is in the episode's clean set, it is neither
        // hashed nor audited again (its hash is the one before). The model announces every
        // change to its undo hooks, which the undo tests pin; the counter keeps nothing.
        var counter = UndoLog.Counter();
        bool beforeClean = false;
        ulong before = 0;
        Func<bool> unchanged = () => beforeClean && !counter.Changed;
        counter.Activate();
        try
        {
            while (true)
            {
                engine.Begin([]);
                episode.Clear();
                clean.Clear();
                beforeClean = false; // the boot state is not in this episode's set yet
                for (int i = 0; i < o.EpisodeLength; i++)
                {
                    if ((steps is { } max && calls >= max) || ((calls & 1023) == 0 && Expired(o, clock, stop)))
                    {
                        seen.AddRange(pending[..npending]);
                        return (calls, seen, null);
                    }
                    Op op = RandomOp(rng);
                    episode.Add(op);
                    calls++;
                    counter.CountFrom(engine.Driver);
                    StepResult r = engine.StepUnlessKnown(op, unchanged, before, clean);
                    beforeClean = r.Kind == StepKind.State;
                    before = r.Hash;
                    switch (r.Kind)
                    {
                        case StepKind.Panic:
                            seen.AddRange(pending[..npending]);
                            return (calls, seen, new Finding(true, r.Panic!, [.. episode], u.Procs, u.Pages));
                        case StepKind.Violation when !o.PanicsOnly:
                            seen.AddRange(pending[..npending]);
                            return (calls, seen, Finding.FromViolations([.. r.Violations!], [.. episode], u.Procs, u.Pages));
                        case StepKind.Violation:
                            pending[npending++] = engine.Hash(); // --stop-on panic goes on past a violation
                            break;
                        case StepKind.State when r.Known:
                            break; // a state of this episode, in the job's set already or pending
                        case StepKind.State:
                            clean.Add(r.Hash);
                            pending[npending++] = r.Hash;
                            break;
                        default:
                            throw new InvalidOperationException($"unknown step kind {r.Kind}");
                    }
                    bool report = progress is not null && (calls & 0xffff) == 0;
                    if (npending == PendingStates || report)
                    {
                        seen.AddRange(pending[..npending]);
                        npending = 0;
                    }
                    if (report)
                    {
                        progress?.Invoke(calls, seen.Count);
                    }
                }
            }
        }
        finally
        {
            UndoLog.Deactivate();
        }
    }

    /// <summary>
    /// The size of a job's set of states: for a step budget, room for half the steps as
    /// distinct states (dual reaches about a third) up to 2²³ slots (64 MB), so a long run
    /// does not rehash its table as it fills; past that it grows as before.
    /// </summary>
    private static int SlotsFor(long? steps)
    {
        long want = steps is { } n ? n / 2 * 4 / 3 : 0;
        return (int)Math.Clamp(System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)Math.Max(want, 1)), 1 << 16, 1 << 23);
    }

    /// <summary>Slots of an episode's set of clean states: room for far more than an episode's calls.</summary>
    private const int EpisodeSlots = 256;

    /// <summary>States a job holds back before adding them to its set in one batch.</summary>
    private const int PendingStates = 64;

    private static bool Expired(FuzzOptions o, Stopwatch clock, CancellationTokenSource stop) =>
        stop.IsCancellationRequested || (o.Seconds is { } s && clock.Elapsed.TotalSeconds >= s);
}
