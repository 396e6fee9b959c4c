using CsCheck;
using UvmSim.Policies;
using UvmSim.Scenarios.Running;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Tests.Scenarios;

/// <summary>
/// Bad input never crashes the model: generated scenarios full of extreme arguments
/// (0, 1, unaligned, the top of the address space, 2^64−1, huge lengths, raw flag bits) run
/// under every preset without any exception escaping the runner.
/// </summary>
public class AdversarialRunTests
{
    private static readonly string[] Numbers =
        ["0", "1", "100", "1p", "2p", "3p+5", "0x7f7fffffc000", "0x7f7fffffb000", "0xffffffffffffffff", "0xfffffffffffff000",
         "0x8000000000000000", "16g", "65536g", "0x1000", "4095"];

    private static readonly Gen<string> Value = Gen.OneOf(
        Gen.OneOfConst(Numbers),
        Gen.Select(Gen.OneOfConst("m", "s", "h"), Gen.Int[1, 6], Gen.OneOfConst("", "+1p", "+100", "-1p", "+0xffffffffffffffff"),
            (n, i, off) => $"{n}{i}{off}"));

    private static readonly Gen<string> Prot = Gen.OneOfConst("none", "r", "w", "rw", "rx", "rwx");

    private static readonly Gen<string> Line = Gen.Select(Gen.Int[0, 21], Value, Value, Value, Prot, Gen.Int[0, 1], Gen.Int[1, 6])
        .Select((kind, a, b, c, prot, who, n) =>
        {
            string p = who == 0 ? "A" : "B";
            return kind switch
            {
                0 => $"{p}: m{n} = mmap {b} {prot} private|anon",
                1 => $"{p}: m{n} = mmap {b} {prot} shared|anon|wired",
                2 => $"{p}: m{n} = mmap {b} {prot} private|anon|fixed at {a}",
                3 => $"{p}: munmap {a} {b}",
                4 => $"{p}: mprotect {a} {b} {prot}",
                5 => $"{p}: mlock {a} {b}",
                6 => $"{p}: munlock {a} {b}",
                7 => $"{p}: mlockall {n % 4}",
                8 => $"{p}: munlockall",
                9 => $"{p}: touch {a} {b} write",
                10 => $"{p}: s{n} = shmget private {b} create|0600",
                11 => $"{p}: m{n} = shmat {a}",
                12 => $"{p}: shmdt {a}",
                13 => $"{p}: shmctl {a} SHM_LOCK",
                14 => $"{p}: shmctl {a} SHM_UNLOCK",
                15 => $"{p}: shmctl {a} IPC_RMID",
                16 => $"{p}: h{n} = vslock {a} {b}",
                17 => $"{p}: vsunlock {a}",
                18 => $"{p}: minherit {a} {b} copy",
                19 => $"{p}: setrlimit memlock {a} {b}",
                20 => $"{p}: b{n} = brk {b}",
                _ => $"{p}: pagedaemon {n}",
            };
        });

    [Fact]
    public void Generated_scenarios_with_extreme_arguments_never_throw()
    {
        int ran = 0;
        Gen.Select(Line.Array[1, 25], Gen.Int[0, PresetNames.All.Count - 1], Gen.Bool).Sample((lines, preset, diagnostics) =>
        {
            // Names must be bound before use to parse; bind every name up front.
            string header = $"machine pages=256 swap=4096{(diagnostics ? "" : " diagnostics=off")}\n"
                + "proc A\nproc B uid=1000\n"
                + string.Concat(Enumerable.Range(1, 6).Select(i => $"A: m{i} = mmap 1p rw private|anon\nA: s{i} = shmget private 1p create|0666\nA: h{i} = vslock m{i} 1p\n"));
            string text = header + string.Join("\n", lines) + "\ncheck audit == clean\n";
            ParseResult parsed = ScenarioParser.Parse("adversarial.scn", text);
            if (!parsed.Success)
            {
                return true; // the parser's own property test covers rejected input
            }
            Interlocked.Increment(ref ran);
            _ = new ScenarioRunner(parsed.Scenario!, Policy.FromPreset(PresetNames.All[preset])!).Run();
            return true;
        }, iter: 600);
        Assert.True(ran > 400, $"only {ran} of 600 generated scenarios parsed");
    }
}
