using UvmSim.Policies;
using UvmSim.Scenarios.Running;
using UvmSim.Scenarios.Syntax;
using UvmSim.Tests.Scenarios;

namespace UvmSim.Tests.Linux;

/// <summary>
/// The <c>linux</c> preset (SPEC §17): the probe scenarios of LINUX.md Part A in this folder
/// meet their expectations under <c>linux</c> with a clean audit after every call (§17.9),
/// the preset has §17's values, and the Linux-only switch values stay outside the 384-policy
/// lattice yet are each defined alone.
/// </summary>
public class LinuxPersonalityTests
{
    private static string Folder => Path.Combine(RepoPaths.Root, "tests", "UvmSim.Tests", "Linux");

    public static TheoryData<string> Probes() => [.. Directory.GetFiles(Folder, "*.scn").Order(StringComparer.Ordinal).Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(Probes))]
    public void Probe_scenario_meets_its_expectations_with_a_clean_audit_after_every_call(string file)
    {
        ParseResult parsed = ScenarioParser.Parse(file, File.ReadAllBytes(Path.Combine(Folder, file)));
        Assert.True(parsed.Success, parsed.Error?.Render());
        var audits = new Dictionary<int, List<UvmSim.Checking.Violation>>();
        RunResult result = new ScenarioRunner(parsed.Scenario!, Policy.FromPreset(PresetNames.Linux)!) { StepAudits = audits }.Run();
        var failures = result.Lines.Where(l => l.Status == LineStatus.Fail)
            .Select(l => $"{file}:{l.Line}: `{l.Text}` expected {l.Expected}, got {l.Actual} {l.Error}");
        Assert.True(result.Passed, string.Join("\n", failures));
        Assert.Empty(audits.SelectMany(a => a.Value.Select(v => $"line {a.Key}: {v}")));
    }

    [Fact]
    public void The_preset_has_the_values_of_spec_17()
    {
        Policy linux = Policy.FromPreset(PresetNames.Linux)!;
        Assert.Equal(
            "wiring=flag sysv=shmem zero-length=early transient=held munlock-unlocked=ok relock-counts=vma unwire-by=pages length-wrap=wrap privilege=caps placement=topdown syscalls=linux",
            string.Join(' ', linux.Switches.Select(s => $"{s.Key}={s.Value}")));
        Assert.DoesNotContain(PresetNames.Linux, PresetNames.All);
        Assert.Contains(PresetNames.Linux, PresetNames.Named);
    }

    [Fact]
    public void Linux_values_are_outside_the_lattice_but_accepted()
    {
        foreach (string sw in Policy.SwitchNames)
        {
            Assert.All(Policy.ValuesOf(sw)!, v => Assert.False(Policy.IsLinuxOnly(sw, v)));
        }
        Assert.Equal(["counter", "split", "flag"], Policy.AllValuesOf("wiring"));
        Assert.Null(Policy.ValuesOf("syscalls"));
        Assert.Equal("dual+wiring=flag,syscalls=linux",
            Policy.Default.With("wiring", "flag", out _)!.With("syscalls", "linux", out _)!.Label);
    }

    /// <summary>Each Linux value alone on each NetBSD-derived preset, and each value on linux: every example runs to the end.</summary>
    [Fact]
    public void Every_linux_value_alone_and_every_override_of_linux_runs_every_example()
    {
        var scenarios = Directory.GetFiles(ExamplesTestsPaths.Examples, "*.scn")
            .Concat(Directory.GetFiles(Folder, "*.scn"))
            .Select(f => ScenarioParser.Parse(Path.GetFileName(f), File.ReadAllBytes(f)).Scenario!)
            .ToList();
        var policies = new List<Policy>();
        foreach (string sw in Policy.AllSwitchNames)
        {
            foreach (string value in Policy.AllValuesOf(sw)!)
            {
                policies.Add(Policy.FromPreset(PresetNames.Linux)!.With(sw, value, out _)!);
                if (Policy.IsLinuxOnly(sw, value))
                {
                    policies.AddRange(PresetNames.All.Select(n => Policy.FromPreset(n)!.With(sw, value, out _)!));
                }
            }
        }
        foreach (Policy p in policies)
        {
            foreach (Scenario s in scenarios)
            {
                RunResult r = new ScenarioRunner(s, p).Run();
                Assert.Equal(s.Statements.OfType<CallStatement>().Count() + s.Statements.OfType<CheckStatement>().Count(), r.Lines.Count);
            }
        }
    }

    [Fact]
    public void Mlock2_is_ENOSYS_and_onfault_EINVAL_under_netbsd_calls()
    {
        var k = new UvmSim.Kernel.Kernel(new UvmSim.Physical.MachineConfig { Pages = 256 }, Policy.Default);
        var p = k.CreateProcess(0, 0)!;
        ulong a = k.Mmap(p, 4096, UvmSim.Map.Protection.ReadWrite, UvmSim.Kernel.MapFlags.Private | UvmSim.Kernel.MapFlags.Anon).Value;
        Assert.Equal(Errno.ENOSYS, k.Mlock2(p, a, 4096, 0).Error);
        Assert.Equal(Errno.EINVAL, k.Mlockall(p, 1 | 4).Error);
    }

    [Fact]
    public void Top_down_placement_goes_below_top_and_descends()
    {
        var k = new UvmSim.Kernel.Kernel(new UvmSim.Physical.MachineConfig { Pages = 256, Top = 0x10000000 }, Policy.FromPreset(PresetNames.Linux)!);
        var p = k.CreateProcess(0, 0)!;
        ulong a = k.Mmap(p, 2 * 4096, UvmSim.Map.Protection.ReadWrite, UvmSim.Kernel.MapFlags.Private | UvmSim.Kernel.MapFlags.Anon).Value;
        ulong b = k.Mmap(p, 4096, UvmSim.Map.Protection.Read, UvmSim.Kernel.MapFlags.Private | UvmSim.Kernel.MapFlags.Anon).Value;
        Assert.Equal(0x10000000UL - 2 * 4096, a);
        Assert.Equal(a - 4096, b);
    }
}
