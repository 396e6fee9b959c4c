using System.Text.Json;
using UvmSim.Tests.Cli;

namespace UvmSim.Tests.Report;

/// <summary><c>run --trace --format json</c>: holders by kind, entries, segments, the panic and the audit, per call line.</summary>
public class TraceJsonTests
{
    private static JsonElement Run(string example, string policy)
    {
        var cli = new CliHarness();
        cli.Run("run", Path.Combine(RepoPaths.Examples, example), "--policy", policy, "--trace", "--format", "json");
        return JsonDocument.Parse(cli.Out.Output).RootElement.GetProperty("runs")[0];
    }

    private static JsonElement Trace(JsonElement run, int line) =>
        run.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("line").GetInt32() == line).GetProperty("trace");

    private static int Holder(JsonElement frame, string side, string kind) => frame.GetProperty(side).GetProperty(kind).GetInt32();

    [Fact]
    public void Shm_lock_under_netbsd_8_wires_each_page_for_the_object_and_the_entry()
    {
        JsonElement run = Run("s9-shm-lock-then-munlock.scn", "netbsd-8");
        JsonElement t = Trace(run, 5);
        Assert.Equal(0, t.GetProperty("wired").GetProperty("before").GetInt64());
        Assert.Equal(4, t.GetProperty("wired").GetProperty("after").GetInt64());
        var frames = t.GetProperty("frames").EnumerateArray().ToList();
        Assert.Equal(4, frames.Count);
        Assert.All(frames, f =>
        {
            Assert.Equal(2, f.GetProperty("after").GetInt32());
            Assert.Equal(1, Holder(f, "holdersAfter", "balanced"));
            Assert.Equal(1, Holder(f, "holdersAfter", "segment"));
            Assert.Equal(0, Holder(f, "holdersAfter", "posix"));
        });
        JsonElement entry = t.GetProperty("entries").EnumerateArray().Single();
        Assert.Equal(0, entry.GetProperty("before").GetProperty("wiredCount").GetInt32());
        Assert.Equal(1, entry.GetProperty("after").GetProperty("wiredCount").GetInt32());
        Assert.False(entry.GetProperty("after").GetProperty("mlocked").GetBoolean());
        JsonElement seg = t.GetProperty("segments").EnumerateArray().Single();
        Assert.False(seg.GetProperty("before").GetProperty("locked").GetBoolean());
        Assert.True(seg.GetProperty("after").GetProperty("locked").GetBoolean());
        Assert.Equal(1, seg.GetProperty("after").GetProperty("nattch").GetInt32());

        // The EIO unlock leaves the pages unwired while the segment still holds them.
        JsonElement eio = Trace(run, 12);
        Assert.Contains(eio.GetProperty("violations").EnumerateArray(), v => v.GetProperty("kind").GetString() == "underwired");
        JsonElement panic = Trace(run, 16);
        Assert.Contains("pg->wire_count != 0", panic.GetProperty("panic").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, eio.GetProperty("panic").ValueKind);
    }

    [Fact]
    public void Mlock_under_dual_is_a_posix_entry_holder()
    {
        JsonElement run = Run("s1-mlock-twice.scn", "dual");
        JsonElement t = run.GetProperty("lines").EnumerateArray().First(l => l.TryGetProperty("trace", out var x) && x.GetProperty("frames").GetArrayLength() > 0).GetProperty("trace");
        Assert.All(t.GetProperty("frames").EnumerateArray(), f =>
        {
            Assert.Equal(1, Holder(f, "holdersAfter", "posix"));
            Assert.Equal(0, Holder(f, "holdersAfter", "balanced"));
        });
        Assert.All(t.GetProperty("entries").EnumerateArray(), e => Assert.True(e.GetProperty("after").GetProperty("mlocked").GetBoolean()));
    }

    [Fact]
    public void Vslock_is_a_transient_record_holder()
    {
        JsonElement run = Run("s26-vslock-mlocked.scn", "dual");
        var frames = run.GetProperty("lines").EnumerateArray().Where(l => l.TryGetProperty("trace", out _))
            .SelectMany(l => l.GetProperty("trace").GetProperty("frames").EnumerateArray());
        Assert.Contains(frames, f => Holder(f, "holdersAfter", "transient") == 1);
    }

    [Fact]
    public void Without_trace_lines_have_no_trace_object()
    {
        var cli = new CliHarness();
        cli.Run("run", Path.Combine(RepoPaths.Examples, "s1-mlock-twice.scn"), "--policy", "dual", "--format", "json");
        var lines = JsonDocument.Parse(cli.Out.Output).RootElement.GetProperty("runs")[0].GetProperty("lines").EnumerateArray();
        Assert.All(lines, l => Assert.False(l.TryGetProperty("trace", out _)));
    }
}
