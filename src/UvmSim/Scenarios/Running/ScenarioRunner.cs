using UnreachableException = System.Diagnostics.UnreachableException;
using UvmSim.Checking;
using UvmSim.Kernel;
using UvmSim.Map;
using UvmSim.Physical;
using UvmSim.Policies;
using UvmSim.Scenarios.Syntax;
using UvmSim.SysV;

namespace UvmSim.Scenarios.Running;

/// <summary>
/// Runs a parsed scenario under one policy (SPEC §12.6): lines in order, outcomes and checks
/// compared with their expectations, panics survived (later calls are <c>dead</c>, checks
/// still read the state the kernel died in), and a final audit. Never lets an exception
/// other than a bug in UvmSim escape.
/// </summary>
public sealed class ScenarioRunner
{
    private readonly Scenario _scenario;
    private readonly Policy _policy;
    private readonly bool? _diagnostics;
    private readonly bool _trace;
    private readonly Dictionary<string, ulong> _values = [];
    private readonly HashSet<string> _unbound = [];
    private readonly Dictionary<string, Process?> _procs = [];
    private readonly List<LineResult> _lines = [];
    private Kernel.Kernel? _kernel;
    private MachineConfig _config = new();
    private (int, string)? _panic;

    /// <summary>
    /// The machine before the scenario's own <c>machine</c> lines apply: SPEC's defaults unless
    /// a caller configures it (<c>uvmsim kernel</c> configures it from the host, SPEC §17.1).
    /// </summary>
    public MachineConfig? BaseConfig { get; init; }

    /// <summary>When set, the auditor runs after every call and its findings are kept here by line.</summary>
    public Dictionary<int, List<Violation>>? StepAudits { get; init; }

    /// <summary>When set, the observed digest (SPEC §17.8) after every call and check is kept here by line (<c>uvmsim kernel</c>).</summary>
    public Dictionary<int, ObservedDigest>? Observed { get; init; }

    private readonly ObservedNames _observedNames = new();

    /// <summary>Prepares a run; <paramref name="diagnostics"/> false is <c>--no-diagnostics</c>.</summary>
    public ScenarioRunner(Scenario scenario, Policy policy, bool? diagnostics = null, bool trace = false)
    {
        _scenario = scenario;
        _policy = policy;
        _diagnostics = diagnostics;
        _trace = trace;
    }

    /// <summary>The kernel after the run (for tests and the explorer).</summary>
    public Kernel.Kernel Kernel => _kernel ??= Boot();

    /// <summary>Runs the scenario.</summary>
    public RunResult Run()
    {
        // The machine is configured before anything runs: machine lines come before the
        // first proc, but a sysctl or file line may precede them.
        _config = BaseConfig ?? _config;
        foreach (MachineStatement m in _scenario.Statements.OfType<MachineStatement>())
        {
            _config = Configure(_config, m);
        }
        foreach (Statement s in _scenario.Statements)
        {
            switch (s)
            {
                case MachineStatement:
                    break;
                case SysctlStatement sc:
                    Sysctl(sc);
                    break;
                case ProcStatement p:
                    _procs[p.Name] = Kernel.CreateProcess((uint)(p.Uid ?? 0), (uint)(p.Gid ?? p.Uid ?? 0),
                        p.Caps is null ? null : UvmSim.Kernel.Privilege.CapabilityNames.Parse(p.Caps));
                    break;
                case CallStatement c:
                    _lines.Add(RunCall(c));
                    if (StepAudits is not null && Auditor.Audit(Kernel) is { Count: > 0 } found)
                    {
                        StepAudits[c.Line] = found;
                    }
                    Observe(c.Line);
                    break;
                case CheckStatement ch:
                    _lines.Add(RunCheck(ch));
                    Observe(ch.Line);
                    break;
            }
        }
        return new RunResult(_scenario.FileName, _policy, Kernel.Vm.Frames.Diagnostics, _lines, _panic, Auditor.Audit(Kernel));
    }

    private void Observe(int line)
    {
        if (Observed is not null)
        {
            Observed[line] = ObservedDigest.Of(Kernel, _procs, _observedNames);
        }
    }

    private Kernel.Kernel Boot()
    {
        MachineConfig config = _diagnostics is { } d ? _config with { Diagnostics = d } : _config;
        return new Kernel.Kernel(config, _policy);
    }

    /// <summary>Applies one <c>machine</c> line over what earlier ones set.</summary>
    private static MachineConfig Configure(MachineConfig c, MachineStatement m)
    {
        static int Clamp(ulong v, int max) => (int)Math.Min(v, (ulong)max);
        if (m.Pages is { } pages) c = c with { Pages = Math.Max(1, Clamp(pages, 1 << 24)) };
        if (m.PageSize is { } ps) c = c with { PageSize = Clamp(ps, 1 << 30) };
        if (m.WiredMax is { } wm) c = c with { WiredMax = (long)Math.Min(wm, long.MaxValue) };
        if (m.Diagnostics is { } d) c = c with { Diagnostics = d };
        if (m.Swap is { } sw) c = c with { Swap = (long)Math.Min(sw, long.MaxValue) };
        if (m.FreeTarget is { } ft) c = c with { FreeTarget = Clamp(ft, int.MaxValue) };
        if (m.MaxProc is { } mp) c = c with { MaxProc = Clamp(mp, int.MaxValue) };
        if (m.RootCaps is { } rc) c = c with { RootCaps = (int)UvmSim.Kernel.Privilege.CapabilityNames.Parse(rc)! };
        if (m.ImageLockable is { } il) c = c with { ImageLockable = (long)Math.Min(il, 1UL << 40), ImageTotal = (long)Math.Min(m.ImageTotal ?? il, 1UL << 40) };
        if (m.Top is { } top) c = c with { Top = top };
        return c;
    }

    private void Sysctl(SysctlStatement s)
    {
        if (!TryEval(s.Value, out ulong v))
        {
            return;
        }
        ShmTable shm = Kernel.Shm;
        switch (s.Key)
        {
            case SysctlKey.ShmUsePhys: shm.UsePhys = v != 0; break;
            case SysctlKey.ShmMax: shm.SetShmMax(v); break;
            case SysctlKey.ShmAll: shm.ShmAll = v; break;
            case SysctlKey.ShmMin: shm.ShmMin = v; break;
            case SysctlKey.ShmSeg: shm.ShmSeg = (int)Math.Min(v, int.MaxValue); break;
            case SysctlKey.ShmMni: shm.ShmMni = (int)Math.Min(v, 32768); break;
            default: throw new UnreachableException($"sysctl {s.Key}");
        }
    }

    private ulong Page => (ulong)Kernel.PageSize;

    private bool TryEval(Expr e, out ulong value)
    {
        value = 0;
        if (e.Names.Any(n => _unbound.Contains(n) || !_values.ContainsKey(n)))
        {
            return false;
        }
        value = e.Evaluate(n => _values[n], Page);
        return true;
    }

    private LineResult RunCall(CallStatement c)
    {
        Outcome expected = c.Expect?.For(_policy) ?? new OkOutcome();
        string expectedText = Render(expected);
        LineResult Result(string actual, LineStatus status, string? value = null, TraceStep? trace = null, string? error = null) =>
            new(c.Line, c.Proc, c.Text, actual, expectedText, status, value, trace?.Changes ?? [], error) { Trace = trace };

        if (Kernel.Dead)
        {
            // After a panic no further call runs, whatever it names (§12.6).
            Unbind(c);
            return Result("dead", expected is DeadOutcome ? LineStatus.Pass : LineStatus.Skipped);
        }
        Process? proc = null;
        if (c.Proc is not null)
        {
            if (!_procs.TryGetValue(c.Proc, out proc) || proc is null)
            {
                Unbind(c);
                return Result("unbound", expected is UnboundOutcome ? LineStatus.Pass : LineStatus.Fail);
            }
        }
        if (proc is { Alive: false })
        {
            return Result("exited", LineStatus.Fail, error: $"process {c.Proc} has exited");
        }
        if (c.Call.Names.Any(n => _unbound.Contains(n) || !_values.ContainsKey(n)))
        {
            Unbind(c);
            return Result("unbound", expected is UnboundOutcome ? LineStatus.Pass : LineStatus.Fail);
        }
        var before = _trace ? Snapshot.Take(Kernel) : null;
        SysResult r;
        Process? child = null;
        try
        {
            r = Kernel.Run(() => Execute(proc, c.Call, out child));
        }
        catch (KernelPanic panic)
        {
            _panic ??= (c.Line, panic.Message);
            Unbind(c);
            bool ok = expected is PanicOutcome p && panic.Message.Contains(p.Text, StringComparison.Ordinal);
            return Result($"panic \"{panic.Message}\"", ok ? LineStatus.Pass : LineStatus.Fail, trace: before?.Compare(Kernel));
        }
        TraceStep? changes = before?.Compare(Kernel);
        if (!r.Ok)
        {
            Unbind(c);
            bool ok = expected is ErrnoOutcome e && e.Errno == r.Error;
            return Result(r.Error.ToString(), ok ? LineStatus.Pass : LineStatus.Fail, trace: changes);
        }
        if (c.BindName is { } name)
        {
            _values[name] = r.Value;
            _unbound.Remove(name);
            _observedNames.Bound(name, c.Call, r.Value, e => e.Evaluate(n => _values[n], Page), Kernel);
        }
        if (c.Call is ForkCall f)
        {
            _procs[f.Child] = child;
        }
        return Result("ok", expected is OkOutcome ? LineStatus.Pass : LineStatus.Fail, $"0x{r.Value:x}", changes);
    }

    private void Unbind(CallStatement c)
    {
        if (c.BindName is { } name)
        {
            _values.Remove(name);
            _unbound.Add(name);
            _observedNames.Unbound(name);
        }
        if (c.Call is ForkCall f)
        {
            _procs[f.Child] = null;
        }
    }

    private SysResult Execute(Process? p, Call call, out Process? child)
    {
        var executor = new Executor(this, p);
        SysResult r = call.Accept(executor);
        child = executor.Child;
        return r;
    }

    /// <summary>
    /// Each call's system call on the kernel, its arguments evaluated: the runner's row of the
    /// per-call table. A call that needs a process and has none is <c>EINVAL</c>.
    /// </summary>
    private sealed class Executor(ScenarioRunner runner, Process? proc) : ICallVisitor<SysResult>
    {
        private Kernel.Kernel K => runner.Kernel;

        /// <summary>The process <c>fork</c> created.</summary>
        public Process? Child { get; private set; }

        private ulong V(Expr e) => e.Evaluate(n => runner._values[n], runner.Page);

        private ulong V(Expr? e, ulong omitted) => e is null ? omitted : V(e);

        private SysResult In(Func<Process, SysResult> call) => proc is null ? Errno.EINVAL : call(proc);

        private static bool Write(Access access) => access switch
        {
            Access.Read => false,
            Access.Write => true,
            _ => throw new UnreachableException($"access {access}"),
        };

        public SysResult VisitMmap(MmapCall m) =>
            In(p => K.Mmap(p, V(m.Length), m.Protection, (MapFlags)m.Flags.Bits, V(m.Address, 0), m.File, V(m.Offset, 0)));

        public SysResult VisitMunmap(MunmapCall m) => In(p => K.Munmap(p, V(m.Address), V(m.Length)));

        public SysResult VisitMprotect(MprotectCall m) => In(p => K.Mprotect(p, V(m.Address), V(m.Length), m.Protection));

        public SysResult VisitMinherit(MinheritCall m) => In(p => K.Minherit(p, V(m.Address), V(m.Length), m.Inheritance));

        public SysResult VisitMlock(MlockCall m) => In(p => K.Mlock(p, V(m.Address), V(m.Length)));

        public SysResult VisitMlock2(Mlock2Call m) => In(p => K.Mlock2(p, V(m.Address), V(m.Length), m.OnFault ? UvmSim.Kernel.Kernel.MlockOnFault : 0));

        public SysResult VisitMunlock(MunlockCall m) => In(p => K.Munlock(p, V(m.Address), V(m.Length)));

        public SysResult VisitMlockall(MlockallCall m) => In(p => K.Mlockall(p, m.Flags.Bits));

        public SysResult VisitMunlockall(MunlockallCall m) => In(K.Munlockall);

        public SysResult VisitBrk(BrkCall m) => In(p => K.Brk(p, V(m.Length)));

        public SysResult VisitTouch(TouchCall m) => In(p => K.Touch(p, V(m.Address), V(m.Length), Write(m.Access)));

        public SysResult VisitFork(ForkCall m) => In(p =>
        {
            SysResult r = K.Fork(p, out Process? child);
            Child = child;
            return r;
        });

        public SysResult VisitExec(ExecCall m) => In(K.Exec);

        public SysResult VisitExit(ExitCall m) => In(K.Exit);

        public SysResult VisitSetrlimit(SetrlimitCall m) => In(p => K.SetMemlockLimit(p, V(m.Soft), V(m.Hard)));

        public SysResult VisitShmget(ShmgetCall m) =>
            In(p => K.Shm.Shmget(p, m.Key is null ? null : V(m.Key), V(m.Size), m.Flags.Bits));

        public SysResult VisitShmat(ShmatCall m) => In(p => K.Shm.Shmat(p, V(m.Id), V(m.Address, 0), m.Flags.Bits));

        public SysResult VisitShmdt(ShmdtCall m) => In(p => K.Shm.Shmdt(p, V(m.Address)));

        public SysResult VisitShmctl(ShmctlCall m) => In(p => K.Shm.Shmctl(p, V(m.Id), Command(m.Command),
            m.Uid is null ? null : (uint)V(m.Uid), m.Gid is null ? null : (uint)V(m.Gid), m.Mode is null ? null : (uint)V(m.Mode)));

        public SysResult VisitVslock(VslockCall m) => In(p => K.Vslock(p, V(m.Address), V(m.Length), Write(m.Access)));

        public SysResult VisitVsunlock(VsunlockCall m) => K.Vsunlock(V(m.Handle));

        public SysResult VisitPagedaemon(PagedaemonCall m) => K.PageDaemon(m.Pages is null ? null : V(m.Pages));

        public SysResult VisitFile(FileCall f) => K.CreateFile(f.Name, V(f.Size), f.ReadOnly);

        private static ShmCommand Command(ShmctlCommand c) => c switch
        {
            ShmctlCommand.IPC_STAT => ShmCommand.IpcStat,
            ShmctlCommand.IPC_SET => ShmCommand.IpcSet,
            ShmctlCommand.IPC_RMID => ShmCommand.IpcRmid,
            ShmctlCommand.SHM_LOCK => ShmCommand.ShmLock,
            ShmctlCommand.SHM_UNLOCK => ShmCommand.ShmUnlock,
            _ => throw new UnreachableException($"shmctl command {c}"),
        };
    }

    private static string Render(Outcome o) => o switch
    {
        OkOutcome => "ok",
        ErrnoOutcome e => e.Errno.ToString(),
        PanicOutcome p => $"panic \"{p.Text}\"",
        DeadOutcome => "dead",
        UnboundOutcome => "unbound",
        _ => throw new UnreachableException($"outcome {o.GetType().Name}"),
    };

    private LineResult RunCheck(CheckStatement c)
    {
        var eval = new CheckEvaluator(Kernel, _procs, _values, _unbound);
        var (actual, status, expected, error) = eval.Evaluate(c, _policy);
        return new LineResult(c.Line, c.Proc, c.Text, actual, expected, status, null, [], error);
    }
}
