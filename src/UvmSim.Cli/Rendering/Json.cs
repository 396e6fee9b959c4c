using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace UvmSim.Cli.Rendering;

/// <summary>Writes the JSON documents of docs/json.md with a <see cref="Utf8JsonWriter"/>: indented, UTF-8, fields in documented order.</summary>
internal static class Json
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The document <paramref name="write"/> produces, as a string.</summary>
    public static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes a string property, or null.</summary>
    public static void StringOrNull(this Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    /// <summary>Writes a number property, or null.</summary>
    public static void NumberOrNull(this Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
