using System.Globalization;
using System.Text;
using System.Xml;

namespace UvmSim.Cli.Rendering;

/// <summary>
/// JUnit XML (<c>--format junit</c>), the report CI systems (GitLab, Jenkins, GitHub actions)
/// show per test: one <c>testsuite</c> per command run, one <c>testcase</c> per scenario and
/// policy, a <c>failure</c> with the failed lines, an <c>error</c> for a file that did not parse.
/// Text is escaped for XML and shown as <see cref="TextSafety"/> shows it (XML cannot carry
/// most control characters at all).
/// </summary>
internal static class Junit
{
    /// <summary>One test case: the file (class name), the policy (name), and what failed or erred, if anything.</summary>
    public sealed record Case(string File, string Name, string? Failure, string? Error, double Seconds = 0);

    /// <summary>The document for <paramref name="cases"/> under the suite <paramref name="suite"/>.</summary>
    public static string Write(string suite, IReadOnlyList<Case> cases)
    {
        var buffer = new StringBuilder();
        using (var w = XmlWriter.Create(buffer, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false, Encoding = Encoding.UTF8 }))
        {
            w.WriteStartElement("testsuites");
            w.WriteStartElement("testsuite");
            w.WriteAttributeString("name", suite);
            w.WriteAttributeString("tests", cases.Count.ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("failures", cases.Count(c => c.Failure is not null).ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("errors", cases.Count(c => c.Error is not null).ToString(CultureInfo.InvariantCulture));
            foreach (Case c in cases)
            {
                w.WriteStartElement("testcase");
                w.WriteAttributeString("classname", Clean(c.File));
                w.WriteAttributeString("name", Clean(c.Name));
                w.WriteAttributeString("time", c.Seconds.ToString("0.###", CultureInfo.InvariantCulture));
                if (c.Failure is { } failure)
                {
                    w.WriteStartElement("failure");
                    w.WriteAttributeString("message", Clean(failure.Split('\n')[0]));
                    w.WriteString(Clean(failure, keepNewlines: true));
                    w.WriteEndElement();
                }
                if (c.Error is { } error)
                {
                    w.WriteStartElement("error");
                    w.WriteAttributeString("message", Clean(error.Split('\n')[0]));
                    w.WriteString(Clean(error, keepNewlines: true));
                    w.WriteEndElement();
                }
                w.WriteEndElement();
            }
            w.WriteEndElement();
            w.WriteEndElement();
        }
        return buffer.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal);
    }

    /// <summary>Text XML can hold: controls escaped as on a terminal, anything else XML forbids (lone surrogates, U+FFFE) as U+FFFD.</summary>
    private static string Clean(string text, bool keepNewlines = false)
    {
        string visible = keepNewlines ? TextSafety.Lines(text) : TextSafety.OneLine(text);
        var b = new StringBuilder(visible.Length);
        for (int i = 0; i < visible.Length; i++)
        {
            char c = visible[i];
            if (char.IsHighSurrogate(c) && i + 1 < visible.Length && char.IsLowSurrogate(visible[i + 1]))
            {
                b.Append(c).Append(visible[++i]);
            }
            else
            {
                b.Append(XmlConvert.IsXmlChar(c) ? c : '\uFFFD');
            }
        }
        return b.ToString();
    }
}
