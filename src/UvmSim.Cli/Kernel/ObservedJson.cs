using System.Text.Json;
using UvmSim.Scenarios.Running;

namespace UvmSim.Cli.KernelComparison;

/// <summary>
/// An observed digest in JSON (SPEC §17.8, docs/json.md): <c>{"procs": {PROC: {"locked": BYTES,
/// "ranges": {NAME: CODES}}}, "segments": {NAME: {"exists", "locked", "dest", "nattch"}}}</c>.
/// </summary>
internal static class ObservedJson
{
    /// <summary>Writes <paramref name="digest"/> as property <paramref name="name"/>, or null when there is none.</summary>
    public static void Write(Utf8JsonWriter w, string name, ObservedDigest? digest)
    {
        if (digest is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        w.WriteStartObject("procs");
        foreach (var (proc, p) in digest.Procs.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject(proc);
            w.WriteNumber("locked", p.Locked);
            w.WriteStartObject("ranges");
            foreach (var (range, codes) in p.Ranges.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.WriteString(range, codes);
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartObject("segments");
        foreach (var (seg, s) in digest.Segments.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject(seg);
            w.WriteBoolean("exists", s.Exists);
            w.WriteBoolean("locked", s.Locked);
            w.WriteBoolean("dest", s.Dest);
            w.WriteNumber("nattch", s.Nattch);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
