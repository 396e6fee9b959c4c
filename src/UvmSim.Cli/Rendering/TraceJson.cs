using System.Text.Json;
using UvmSim.Checking;
using UvmSim.Scenarios.Running;

namespace UvmSim.Cli.Rendering;

/// <summary>A call line's <c>trace</c> object in <c>run --trace --format json</c> (docs/json.md).</summary>
internal static class TraceJson
{
    /// <summary>Writes <c>"trace": {...}</c> for a traced call; <paramref name="panic"/> is the message if this line panicked.</summary>
    public static void Write(Utf8JsonWriter w, TraceStep t, string? panic)
    {
        w.WriteStartObject("trace");
        Pair(w, "wired", t.WiredBefore, t.WiredAfter);
        Pair(w, "free", t.FreeBefore, t.FreeAfter);
        w.WriteStartArray("frames");
        foreach (FrameStep f in t.Frames)
        {
            w.WriteStartObject();
            w.WriteNumber("frame", f.Frame);
            w.WriteNumber("before", f.Before);
            w.WriteNumber("after", f.After);
            HoldersObject(w, "holdersBefore", f.HoldersBefore);
            HoldersObject(w, "holdersAfter", f.HoldersAfter);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("entries");
        foreach (EntryStep e in t.Entries)
        {
            w.WriteStartObject();
            w.WriteNumber("pid", e.Pid);
            w.WriteString("start", $"0x{e.Start:x}");
            w.WriteString("end", $"0x{e.End:x}");
            Entry(w, "before", e.Before);
            Entry(w, "after", e.After);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("segments");
        foreach (SegmentStep s in t.Segments)
        {
            w.WriteStartObject();
            w.WriteNumber("id", s.Id);
            Segment(w, "before", s.Before);
            Segment(w, "after", s.After);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.StringOrNull("panic", panic);
        WriteViolations(w, "violations", t.Violations);
        w.WriteStartArray("changes");
        foreach (string c in t.Changes)
        {
            w.WriteStringValue(c);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Writes audit findings as <c>[{"kind", "message"}]</c>, the shape of <c>run</c>'s <c>audit</c>.</summary>
    public static void WriteViolations(Utf8JsonWriter w, string name, IEnumerable<Violation> violations)
    {
        w.WriteStartArray(name);
        foreach (Violation v in violations)
        {
            w.WriteStartObject();
            w.WriteString("kind", v.KindName);
            w.WriteString("message", v.Detail);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void Pair(Utf8JsonWriter w, string name, long before, long after)
    {
        w.WriteStartObject(name);
        w.WriteNumber("before", before);
        w.WriteNumber("after", after);
        w.WriteEndObject();
    }

    private static void HoldersObject(Utf8JsonWriter w, string name, Holders h)
    {
        w.WriteStartObject(name);
        w.WriteNumber("posix", h.Posix);
        w.WriteNumber("balanced", h.Balanced);
        w.WriteNumber("segment", h.Segment);
        w.WriteNumber("transient", h.Transient);
        w.WriteEndObject();
    }

    private static void Entry(Utf8JsonWriter w, string name, EntryWiring? e) => ObjectOrNull(w, name, e, v =>
    {
        w.WriteBoolean("mlocked", v.Mlocked);
        w.WriteNumber("wiredCount", v.WiredCount);
        w.WriteBoolean("segmentRecord", v.SegmentRecord);
    });

    private static void Segment(Utf8JsonWriter w, string name, SegmentState? s) => ObjectOrNull(w, name, s, v =>
    {
        w.WriteBoolean("locked", v.Locked);
        w.WriteNumber("nattch", v.Nattch);
        w.WriteBoolean("removed", v.Removed);
    });

    /// <summary>Writes <c>"name": {...}</c> with <paramref name="fields"/>, or <c>"name": null</c> for a side that did not exist.</summary>
    private static void ObjectOrNull<T>(Utf8JsonWriter w, string name, T? value, Action<T> fields)
        where T : struct
    {
        if (value is not { } v)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        fields(v);
        w.WriteEndObject();
    }
}
