namespace UvmSim.Tests.Dispatch;

/// <summary>
/// Every dispatch over a policy switch value, a call or an op kind ends in a throw, so a new
/// value or call that some switch misses fails loudly instead of behaving like another.
/// </summary>
public sealed class ExhaustiveDispatchTests
{
    [Fact]
    public void No_switch_in_src_over_a_switch_value_call_or_op_falls_back_silently()
    {
        var (found, checkedCount) = DispatchChecker.CheckTree(Path.Combine(RepoPaths.Root, "src"));
        Assert.True(found.Count == 0, "silent fallbacks:\n" + string.Join('\n', found));
        // Not vacuous: the factories, the printer and the interpreter dispatch over guarded types.
        Assert.True(checkedCount >= 5, $"only {checkedCount} guarded dispatches seen: is the semantic model resolving UvmSim's types?");
    }

    [Theory]
    [InlineData("""
        using UvmSim.Policies;
        static class Planted
        {
            static int F(WiringSwitch w) => w switch { WiringSwitch.Counter => 1, _ => 2 };
        }
        """, "switch expression over WiringSwitch")]
    [InlineData("""
        using UvmSim.Policies;
        static class Planted
        {
            static int F(SysvSwitch s)
            {
                switch (s)
                {
                    case SysvSwitch.Legacy: return 1;
                    default: return 2;
                }
            }
        }
        """, "switch statement over SysvSwitch")]
    [InlineData("""
        using UvmSim.Scenarios.Syntax;
        static class Planted
        {
            static string F(Call c) => c switch { MmapCall => "m", _ => c.Keyword };
        }
        """, "switch expression over Call")]
    [InlineData("""
        using UvmSim.Scenarios.Syntax;
        static class Planted
        {
            static int F(CallStatement c)
            {
                switch (c.Call)
                {
                    case ForkCall: return 1;
                }
                return 0;
            }
        }
        """, "switch statement over Call")]
    [InlineData("""
        using UvmSim.Exploration;
        static class Planted
        {
            static int F(Op op) => op.Kind switch { OpKind.Mmap => 1, _ => 0 };
        }
        """, "switch expression over OpKind")]
    [InlineData("""
        using UvmSim.Policies;
        static class Planted
        {
            static int F(Policy p) => p.Transient == TransientSwitch.Held ? 1 : 2;
        }
        """, "?: over TransientSwitch")]
    public void A_planted_silent_fallback_is_found(string source, string expected)
    {
        List<string> found = DispatchChecker.CheckSource(source);
        Assert.Single(found);
        Assert.Contains(expected, found[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_fallback_that_throws_passes()
    {
        List<string> found = DispatchChecker.CheckSource("""
            using System.Diagnostics;
            using UvmSim.Policies;
            using UvmSim.Scenarios.Syntax;
            static class Planted
            {
                static int F(WiringSwitch w) => w switch
                {
                    WiringSwitch.Counter => 1,
                    WiringSwitch.Split => 2,
                    _ => throw new UnreachableException(),
                };

                static int G(Call c)
                {
                    switch (c)
                    {
                        case MmapCall: return 1;
                        default: throw new NotSupportedException(c.Keyword);
                    }
                }

                static int H(int i) => i switch { 0 => 1, _ => 2 };
            }
            """);
        Assert.Empty(found);
    }
}
