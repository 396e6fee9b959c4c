using System.Reflection;
using UvmSim.Policies;
using UvmSim.Scenarios.Running;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Exploration.Shrinking;

/// <summary>
/// Reduces a failing scenario to a minimal one that fails the same way (same panic message,
/// or the same first violation kind at the end): delta debugging over the calls, then
/// simpler arguments (offset terms dropped, lengths cut to one page) and fewer processes,
/// repeated until nothing more goes. The result has its outcomes filled in, ends with the
/// audit checks it fails, and parses (lines left referring to names or processes whose
/// binding was removed are pruned, since they never run).
/// The oracle that says how a candidate fails is the model under a policy by default; another
/// oracle (the host kernel compared with the model, <c>uvmsim kernel --fuzz</c>) can be given,
/// so the same algorithm shrinks either kind of failure.
/// </summary>
public sealed class Shrinker
{
    private readonly Policy? _policy;
    private readonly bool? _diagnostics;
    private readonly Func<Scenario, string?> _oracle;
    private string _signature = "";

    /// <summary>A shrinker for runs under <paramref name="policy"/>.</summary>
    public Shrinker(Policy policy, bool? diagnostics = null)
    {
        _policy = policy;
        _diagnostics = diagnostics;
        _oracle = s => Signature(RunModel(s));
    }

    /// <summary>
    /// A shrinker whose <paramref name="oracle"/> says how a candidate fails (a signature
    /// string, equal for the same failure) or null when it does not. The result keeps the
    /// statements as shrunk: no outcomes filled in, no audit checks appended (those are the
    /// model's; another oracle has its own notion of failing).
    /// </summary>
    public Shrinker(Func<Scenario, string?> oracle)
    {
        _oracle = oracle;
    }

    /// <summary>Candidate runs so far.</summary>
    public int Runs { get; private set; }

    /// <summary>How a run fails: <c>panic: MESSAGE</c>, <c>violation: KIND</c>, or null when it does not.</summary>
    public static string? Signature(RunResult r) =>
        r.Panic is { } p ? "panic: " + p.Message
        : r.Audit.Count > 0 ? "violation: " + r.Audit[0].KindName
        : null;

    /// <summary>The shrunk scenario with outcomes filled in, or null when it does not fail under the policy.</summary>
    public Scenario? Shrink(Scenario scenario)
    {
        var calls = scenario.Statements.Where(s => s is not CheckStatement).ToList();
        if (Oracle(scenario with { Statements = [.. calls] }) is not { } sig)
        {
            return null;
        }
        _signature = sig;
        List<Statement> current = Prune(calls);
        bool changed = true;
        while (changed)
        {
            int before = current.Count;
            current = DeltaDebug(scenario, current);
            changed = current.Count < before;
            changed |= SimplifyArguments(scenario, current);
        }
        Scenario shrunk = scenario with { Statements = [.. current] };
        return _policy is null ? shrunk : Finish(shrunk);
    }

    private string? Oracle(Scenario s)
    {
        Runs++;
        return _oracle(s);
    }

    private RunResult RunModel(Scenario s) =>
        new ScenarioRunner(s, _policy ?? throw new InvalidOperationException("the model oracle needs a policy"), _diagnostics).Run();

    private bool Fails(Scenario template, List<Statement> statements) =>
        Oracle(template with { Statements = [.. statements] }) == _signature;

    /// <summary>Zeller's ddmin over the call lines; declarations stay.</summary>
    private List<Statement> DeltaDebug(Scenario template, List<Statement> current)
    {
        int n = 2;
        while (true)
        {
            var removable = current.Where(IsRemovable).ToList();
            if (removable.Count == 0)
            {
                return current;
            }
            n = Math.Min(n, removable.Count);
            int chunk = (removable.Count + n - 1) / n;
            bool reduced = false;
            for (int i = 0; i < n && !reduced; i++)
            {
                var drop = removable.Skip(i * chunk).Take(chunk).ToHashSet();
                var candidate = Prune(current.Where(s => !drop.Contains(s)).ToList());
                if (candidate.Count < current.Count && Fails(template, candidate))
                {
                    current = candidate;
                    n = Math.Max(n - 1, 2);
                    reduced = true;
                }
            }
            if (!reduced)
            {
                if (n >= removable.Count)
                {
                    return current;
                }
                n = Math.Min(n * 2, removable.Count);
            }
        }
    }

    private static bool IsRemovable(Statement s) => s is CallStatement or ProcStatement;

    /// <summary>Tries simpler arguments and processes line by line; true if anything changed.</summary>
    private bool SimplifyArguments(Scenario template, List<Statement> current)
    {
        bool any = false;
        string? firstProc = current.OfType<ProcStatement>().FirstOrDefault()?.Name;
        for (int i = 0; i < current.Count; i++)
        {
            if (current[i] is not CallStatement c)
            {
                continue;
            }
            foreach (CallStatement variant in Variants(c, firstProc))
            {
                var candidate = new List<Statement>(current) { [i] = variant };
                candidate = Prune(candidate);
                if (Fails(template, candidate))
                {
                    current.Clear();
                    current.AddRange(candidate);
                    any = true;
                    break;
                }
            }
        }
        return any;
    }

    private static IEnumerable<CallStatement> Variants(CallStatement c, string? firstProc)
    {
        if (firstProc is not null && c.Proc is not null && c.Proc != firstProc && c.Call is not ForkCall)
        {
            yield return c with { Proc = firstProc };
        }
        foreach (Call call in CallVariants(c.Call))
        {
            yield return c with { Call = call };
        }
    }

    /// <summary>Each variant replaces one expression argument by a simpler one.</summary>
    private static IEnumerable<Call> CallVariants(Call call)
    {
        Type type = call.GetType();
        ConstructorInfo? ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
        if (ctor is null)
        {
            yield break;
        }
        ParameterInfo[] ps = ctor.GetParameters();
        for (int i = 0; i < ps.Length; i++)
        {
            if (ps[i].ParameterType != typeof(Expr))
            {
                continue;
            }
            var args = ps.Select(p => type.GetProperty(p.Name!, BindingFlags.Public | BindingFlags.Instance)?.GetValue(call)).ToArray();
            if (args[i] is not Expr e)
            {
                continue;
            }
            foreach (Expr simpler in Simpler(e))
            {
                var copy = (object?[])args.Clone();
                copy[i] = simpler;
                yield return (Call)ctor.Invoke(copy);
            }
        }
    }

    private static IEnumerable<Expr> Simpler(Expr e)
    {
        var terms = e.Terms;
        for (int t = 0; t < terms.Count; t++)
        {
            if (terms[t].Name is null && terms.Count > 1)
            {
                yield return new Expr([.. terms.Where((_, j) => j != t)]);
            }
            if (terms[t].Name is null && terms[t].InPages && terms[t].Value > 1)
            {
                yield return new Expr([.. terms.Select((x, j) => j == t ? x with { Value = 1 } : x)]);
            }
        }
    }

    /// <summary>Drops lines that could not run: their process or a name they use is no longer declared before them.</summary>
    private static List<Statement> Prune(List<Statement> statements)
    {
        var procs = new HashSet<string>();
        var names = new HashSet<string>();
        var files = new HashSet<string>();
        var kept = new List<Statement>(statements.Count);
        foreach (Statement s in statements)
        {
            switch (s)
            {
                case ProcStatement p:
                    procs.Add(p.Name);
                    kept.Add(s);
                    break;
                case CallStatement c:
                    if ((c.Proc is not null && !procs.Contains(c.Proc)) || Uses(c.Call).Any(n => !names.Contains(n))
                        || (c.Call is MmapCall { File: { } f } && !files.Contains(f)))
                    {
                        continue;
                    }
                    if (c.BindName is { } b) names.Add(b);
                    if (c.Call is ForkCall fork) procs.Add(fork.Child);
                    if (c.Call is FileCall file) files.Add(file.Name);
                    kept.Add(s);
                    break;
                default:
                    kept.Add(s);
                    break;
            }
        }
        // A process nothing refers to any more is dropped too.
        var used = kept.OfType<CallStatement>().Select(c => c.Proc).ToHashSet();
        return kept.Where(s => s is not ProcStatement p || used.Contains(p.Name)).ToList();
    }

    private static IEnumerable<string> Uses(Call call) => call.GetType().GetProperties()
        .Where(p => p.PropertyType == typeof(Expr))
        .SelectMany(p => p.GetValue(call) is Expr e ? e.Names : []);

    /// <summary>Fills every call's outcome with what it did, and appends the audit checks.</summary>
    private Scenario Finish(Scenario s)
    {
        Runs++;
        RunResult r = RunModel(s);
        var outcomes = r.Lines.ToDictionary(l => l.Line, l => l.Actual);
        var statements = new List<Statement>();
        foreach (Statement st in s.Statements)
        {
            if (st is CallStatement c && outcomes.TryGetValue(c.Line, out string? actual))
            {
                statements.Add(c with { Expect = OutcomeOf(actual, r) is { } o ? Expectation.Always(o) : null });
            }
            else
            {
                statements.Add(st);
            }
        }
        if (r.Panic is null && r.Audit.Count > 0)
        {
            statements.Add(new CheckStatement(null, new AuditCheck(Comparison.Equal, CheckExpectation.Always(new WordValue(CheckWord.Dirty)))));
            statements.Add(new CheckStatement(null, new AuditFindsCheck(r.Audit[0].KindName + ":")));
        }
        return s with { Statements = [.. statements] };
    }

    private static Outcome? OutcomeOf(string actual, RunResult r)
    {
        if (actual == "ok")
        {
            return null;
        }
        if (actual.StartsWith("panic", StringComparison.Ordinal) && r.Panic is { } p)
        {
            return Outcome.Panic(p.Message);
        }
        return Enum.TryParse(actual, out Errno e) ? Outcome.Error(e) : null;
    }
}
