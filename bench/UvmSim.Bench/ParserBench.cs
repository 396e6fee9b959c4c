using System.Text;
using BenchmarkDotNet.Attributes;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Bench;

/// <summary>
/// Parsing one long line (issue 12): a 1 MB expression of 1-page terms, and a 1 MB flag set.
/// Columns are counted incrementally, so time grows linearly with the line; the 100 KB cases
/// beside the 1 MB ones show the ratio (about 10 when linear, about 100 when quadratic).
/// </summary>
[MemoryDiagnoser]
public class ParserBench
{
    private byte[] _expression = [];
    private byte[] _flags = [];

    /// <summary>The length of the long line, in bytes.</summary>
    [Params(100_000, 1_000_000)]
    public int Bytes { get; set; }

    /// <summary>Builds the two scenarios.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _expression = Scenario("A: mlock p ", "1", "+1", Bytes);
        _flags = Scenario("A: seg = shmget private 1p ", "create", "|0600", Bytes);
    }

    private static byte[] Scenario(string head, string first, string term, int bytes)
    {
        var b = new StringBuilder("proc A\nA: p = mmap 1p rw private|anon\n").Append(head).Append(first);
        while (b.Length < bytes)
        {
            b.Append(term);
        }
        return Encoding.ASCII.GetBytes(b.Append('\n').ToString());
    }

    /// <summary><c>mlock p 1+1+1+…</c>: one expression of many terms.</summary>
    [Benchmark]
    public bool LongExpression() => ScenarioParser.Parse("long.scn", _expression).Success;

    /// <summary><c>shmget private 1p create|0600|0600|…</c>: one flag set of many parts.</summary>
    [Benchmark]
    public bool LongFlagSet() => ScenarioParser.Parse("long.scn", _flags).Success;
}
