using System.Text.Json;
using UvmSim.Cli;
using UvmSim.Tests.Cli;
using UvmSim.Cli.Commands;
using UvmSim.Cli.KernelComparison;
using UvmSim.Emit;
using UvmSim.Policies;
using UvmSim.Scenarios.Running;
using UvmSim.Scenarios.Syntax;

namespace UvmSim.Tests.Linux;

/// <summary>
/// The observed digest of SPEC §17.8: the model's side (<see cref="ObservedDigest.Of"/>, kept by
/// <see cref="ScenarioRunner.Observed"/>), its text form, how <c>uvmsim kernel</c> compares it
/// (a line is <c>same</c> only if its digests agree too) and its JSON fields. The last tests run
/// the probe scenarios of this folder on the host kernel where it can (Linux with a C compiler;
/// <c>--as both</c> as root only) and return early elsewhere, as the other host tests do.
/// </summary>
[Collection(HostKernelCollection.Name)]
public class ObservedDigestTests
{
    private static Scenario Parse(string text)
    {
        ParseResult parsed = ScenarioParser.Parse("inline.scn", text);
        Assert.True(parsed.Success, parsed.Error?.Render());
        return parsed.Scenario!;
    }

    /// <summary>The digests after each line under <c>linux</c>, as text.</summary>
    private static Dictionary<int, string> Observe(string text, out RunResult result)
    {
        var observed = new Dictionary<int, ObservedDigest>();
        result = new ScenarioRunner(Parse(text), Policy.FromPreset(PresetNames.Linux)!) { Observed = observed }.Run();
        return observed.ToDictionary(kv => kv.Key, kv => kv.Value.Format());
    }

    [Fact]
    public void Codes_give_per_page_lock_onfault_and_residency_and_locked_bytes()
    {
        var d = Observe("""
            proc A
            A: a = mmap 4p rw private|anon
            A: mlock a 2p
            A: touch a+3p 1 write
            A: b = mmap 2p rw private|anon
            A: mlock2 b 2p onfault
            A: touch b 1 write
            A: munmap a+2p 1p
            A: munlock a 1p
            """, out _);
        Assert.Equal("proc A locked 0 a=....", d[2]);
        Assert.Equal("proc A locked 8192 a=LL..", d[3]);     // mlock populates (LINUX.md A.2)
        Assert.Equal("proc A locked 8192 a=LL.r", d[4]);
        Assert.Equal("proc A locked 8192 a=LL.r b=..", d[5]);
        Assert.Equal("proc A locked 16384 a=LL.r b=ff", d[6]); // on-fault: locked, nothing faulted in
        Assert.Equal("proc A locked 16384 a=LL.r b=Ff", d[7]);
        Assert.Equal("proc A locked 16384 a=LL-r b=Ff", d[8]);
        Assert.Equal("proc A locked 12288 a=rL-r b=Ff", d[9]);
    }

    [Fact]
    public void Every_live_process_sees_every_name_and_an_exited_one_leaves()
    {
        var d = Observe("""
            proc A
            A: a = mmap 1p rw private|anon
            A: touch a 1 write
            A: fork B
            B: c = mmap 1p rw private|anon
            A: exit
            """, out _);
        Assert.Equal("proc A locked 0 a=r | proc B locked 0 a=r", d[4]);
        Assert.Equal("proc A locked 0 a=r c=- | proc B locked 0 a=r c=.", d[5]);
        Assert.Equal("proc B locked 0 a=r c=.", d[6]);
    }

    [Fact]
    public void A_failed_call_unbinds_its_name_and_the_digest_drops_it()
    {
        var d = Observe("""
            proc A
            A: a = mmap 1p rw private|anon
            A: a = mmap 0 rw private|anon
            """, out _);
        Assert.Equal("proc A locked 0 a=.", d[2]);
        Assert.Equal("proc A locked 0", d[3]);
    }

    [Fact]
    public void Segments_show_exists_locked_dest_and_nattch_until_freed()
    {
        var d = Observe("""
            proc A
            A: s = shmget private 2p create|0600
            A: p = shmat s
            A: shmctl s SHM_LOCK
            A: shmctl s IPC_RMID
            A: shmdt p
            """, out _);
        Assert.Equal("proc A locked 0 | segment s yes locked=no dest=no nattch=0", d[2]);
        Assert.Equal("proc A locked 0 p=.. | segment s yes locked=no dest=no nattch=1", d[3]);
        Assert.Equal("proc A locked 0 p=.. | segment s yes locked=yes dest=no nattch=1", d[4]);  // SHM_LOCK faults nothing in (§17.3)
        Assert.Equal("proc A locked 0 p=.. | segment s yes locked=yes dest=yes nattch=1", d[5]);
        Assert.Equal("proc A locked 0 p=-- | segment s no", d[6]);
    }

    [Fact]
    public void Locked_bytes_leave_out_the_image_that_mlockall_locks()
    {
        var d = Observe("""
            machine image=10:12
            proc A
            A: a = mmap 2p rw private|anon
            A: mlockall current
            A: check locked == 12p
            """, out RunResult result);
        Assert.Equal(LineStatus.Pass, result.Lines.Single(l => l.Line == 5).Status);  // the accounting counts the image...
        Assert.Equal("proc A locked 8192 a=LL", d[4]);                                  // ...the digest does not (VmLck less the image)
    }

    [Fact]
    public void Format_and_parse_round_trip_and_bad_text_is_refused()
    {
        const string text = "proc A locked 4096 a=-.rlLfF | proc B locked 0 | segment s yes locked=yes dest=no nattch=2 | segment t no";
        ObservedDigest? d = ObservedDigest.Parse(text, out string? error);
        Assert.Null(error);
        Assert.Equal(text, d!.Format());
        Assert.Equal(["A: locked 4096 bytes, a [-.rlLfF]", "B: locked 0 bytes", "segment s: exists, locked yes, dest no, nattch 2", "segment t: gone"], d.Describe());
        Assert.Equal("", ObservedDigest.Parse("", out _)!.Format());
        Assert.Null(ObservedDigest.Parse("proc A locked x", out error));
        Assert.NotNull(error);
        Assert.Null(ObservedDigest.Parse("proc A locked 0 a=LQ", out _));
        Assert.Null(ObservedDigest.Parse("segment s maybe", out _));
        Assert.Null(ObservedDigest.Parse("unreadable", out _));
    }

    [Fact]
    public void A_planted_digest_difference_makes_its_line_differ_and_shows_in_json()
    {
        const string text = """
            proc A
            A: a = mmap 2p rw private|anon
            A: mlock a 2p
            A: touch a 1 write
            """;
        Scenario scenario = Parse(text);
        var observed = new Dictionary<int, ObservedDigest>();
        RunResult model = new ScenarioRunner(scenario, Policy.FromPreset(PresetNames.Linux)!) { Observed = observed }.Run();
        // The kernel's side agrees on every result; its digest after line 3 is planted: one page not resident.
        var results = model.Lines.ToDictionary(l => l.Line, CEmitOutput.Of);
        var kernelObserved = observed.ToDictionary(kv => kv.Key, kv => kv.Value.Format());
        Assert.Equal("proc A locked 8192 a=LL", kernelObserved[3]);
        kernelObserved[3] = "proc A locked 8192 a=Ll";

        FileComparison file = FileComparison.Of(scenario, model, results, CTarget.Linux, false, "declared", observed, kernelObserved);
        Assert.Equal([Agreement.Same, Agreement.Differs, Agreement.Same], file.Lines.Select(l => l.Status));
        ComparedLine three = file.Lines[1];
        Assert.True(three.ObservedDiffers);
        Assert.Equal(three.Model, three.Kernel);  // the results agree: the digest alone differs
        Assert.Equal("proc A locked 8192 a=Ll", three.KernelObserved!.Format());

        // Without digests the same results are all same (the entry point that takes none).
        Assert.All(FileComparison.Of(scenario, model, results, CTarget.Linux).Lines, l => Assert.Equal(Agreement.Same, l.Status));

        using JsonDocument doc = JsonDocument.Parse(KernelCommand.RenderJson([file], ExitCodes.ExpectationFailed));
        JsonElement line = doc.RootElement.GetProperty("files")[0].GetProperty("lines")[1];
        Assert.Equal(["line", "proc", "text", "model", "kernel", "status", "modelObserved", "kernelObserved"], line.EnumerateObject().Select(p => p.Name));
        Assert.Equal("differs", line.GetProperty("status").GetString());
        JsonElement mine = line.GetProperty("modelObserved"), theirs = line.GetProperty("kernelObserved");
        Assert.Equal(["procs", "segments"], mine.EnumerateObject().Select(p => p.Name));
        Assert.Equal(8192, mine.GetProperty("procs").GetProperty("A").GetProperty("locked").GetInt64());
        Assert.Equal("LL", mine.GetProperty("procs").GetProperty("A").GetProperty("ranges").GetProperty("a").GetString());
        Assert.Equal("Ll", theirs.GetProperty("procs").GetProperty("A").GetProperty("ranges").GetProperty("a").GetString());
        Assert.Equal("declared", doc.RootElement.GetProperty("files")[0].GetProperty("as").GetString());
    }

    [Fact]
    public void Segment_digest_json_has_the_four_fields()
    {
        ObservedDigest d = ObservedDigest.Parse("segment s yes locked=yes dest=no nattch=2", out _)!;
        string json = UvmSim.Cli.Rendering.Json.Write(w =>
        {
            w.WriteStartObject();
            ObservedJson.Write(w, "o", d);
            ObservedJson.Write(w, "none", null);
            w.WriteEndObject();
        });
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement s = doc.RootElement.GetProperty("o").GetProperty("segments").GetProperty("s");
        Assert.Equal(["exists", "locked", "dest", "nattch"], s.EnumerateObject().Select(p => p.Name));
        Assert.True(s.GetProperty("locked").GetBoolean());
        Assert.False(s.GetProperty("dest").GetBoolean());
        Assert.Equal(2, s.GetProperty("nattch").GetInt32());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("none").ValueKind);
    }

    private static bool CanRunOnHost() => OperatingSystem.IsLinux() && EmitCPrograms.Compiler() is not null;

    [Fact]
    public void On_the_host_every_compared_line_has_both_digests_and_the_model_runs_on_the_measured_image()
    {
        if (!CanRunOnHost())
        {
            return;
        }
        string file = Path.Combine(RepoPaths.Root, "tests", "UvmSim.Tests", "Linux", "l09-mlock2-onfault.scn");
        var cli = new CliHarness();
        int exit = cli.Run(["kernel", file, "--format", "json"]);
        using JsonDocument doc = JsonDocument.Parse(cli.Out.Output);
        var lines = doc.RootElement.GetProperty("files")[0].GetProperty("lines").EnumerateArray()
            .Where(l => l.GetProperty("status").GetString() != "n/a").ToList();
        Assert.NotEmpty(lines);
        foreach (JsonElement line in lines)
        {
            Assert.Equal(JsonValueKind.Object, line.GetProperty("kernelObserved").ValueKind);
            Assert.Equal(line.GetProperty("modelObserved").ToString(), line.GetProperty("kernelObserved").ToString());
        }
        Assert.Equal(ExitCodes.Ok, exit);
    }

    [Fact]
    public void On_the_host_as_root_the_probe_scenarios_agree_with_their_digests_as_both()
    {
        if (!CanRunOnHost() || !Environment.IsPrivilegedProcess)
        {
            return;
        }
        string[] probes = Directory.GetFiles(Path.Combine(RepoPaths.Root, "tests", "UvmSim.Tests", "Linux"), "*.scn");
        var cli = new CliHarness();
        int exit = cli.Run(["kernel", .. probes, "--as", "both"]);
        Assert.True(exit == ExitCodes.Ok, cli.Out.Output);
        Assert.DoesNotContain("  differs ", cli.Out.Output, StringComparison.Ordinal);
    }
}
