using System.Net;
using System.Text.RegularExpressions;

namespace UvmSim.Tests.Report;

/// <summary>A timeline read back from the report's HTML: its rows and each cell's count by (frame, line).</summary>
internal sealed record HtmlTimeline(string Id, string Scenario, string Policy, List<int> Frames, Dictionary<(int Frame, int Line), int> Counts);

/// <summary>Reads the report's timelines from its markup (the browser tests read the same through the DOM).</summary>
internal static partial class ReportHtml
{
    public static List<HtmlTimeline> Timelines(string html)
    {
        var result = new List<HtmlTimeline>();
        foreach (Match fig in Figure().Matches(html))
        {
            var frames = new List<int>();
            var counts = new Dictionary<(int, int), int>();
            foreach (Match row in Row().Matches(fig.Groups[4].Value))
            {
                int frame = int.Parse(row.Groups[1].Value);
                frames.Add(frame);
                foreach (Match cell in Cell().Matches(row.Groups[2].Value))
                {
                    counts[(frame, int.Parse(cell.Groups[1].Value))] = int.Parse(cell.Groups[2].Value);
                }
            }
            result.Add(new HtmlTimeline(fig.Groups[1].Value, WebUtility.HtmlDecode(fig.Groups[2].Value), WebUtility.HtmlDecode(fig.Groups[3].Value), frames, counts));
        }
        return result;
    }

    [GeneratedRegex("<figure class=\"timeline\" id=\"([^\"]+)\" data-scenario=\"([^\"]*)\" data-policy=\"([^\"]*)\"(.*?)</figure>", RegexOptions.Singleline)]
    private static partial Regex Figure();

    [GeneratedRegex("<tr data-frame=\"(\\d+)\">(.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex Row();

    [GeneratedRegex("<td class=\"cell[^\"]*\"[^>]*? data-line=\"(\\d+)\" data-count=\"(\\d+)\"")]
    private static partial Regex Cell();
}
