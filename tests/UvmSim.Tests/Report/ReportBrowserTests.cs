using System.Text.Json;
using Microsoft.Playwright;
using UvmSim.Tests.Cli;

namespace UvmSim.Tests.Report;

/// <summary>
/// The report of every example in headless Chromium: the rendered DOM has the matrix, the
/// links, the timelines with the trace's counts and colours, no console errors and no network.
/// </summary>
public sealed class ReportBrowserTests(ReportBrowser browser) : IClassFixture<ReportBrowser>
{
    private static readonly int Policies = UvmSim.Policies.PresetNames.All.Count;

    [Fact]
    public async Task Matrix_has_one_cell_per_scenario_and_policy()
    {
        await using LoadedReport r = await browser.OpenAsync();
        var cells = await r.Page.Locator("table.matrix td[data-scenario]").EvaluateAllAsync<string[]>(
            "cs => cs.map(c => c.dataset.scenario + ' ' + c.dataset.policy)");
        var expected = ReportBrowser.Examples.SelectMany(f => UvmSim.Policies.PresetNames.All.Select(p => $"{Path.GetFileNameWithoutExtension(f)} {p}"));
        Assert.Equal(expected.Order(), cells.Order());
        Assert.Equal(ReportBrowser.Examples.Length * Policies, await r.Page.Locator("figure.timeline").CountAsync());
        Assert.Empty(r.Errors);
        Assert.Empty(r.Requests);
    }

    [Fact]
    public async Task S9_netbsd_8_cell_says_panic_and_its_link_opens_a_timeline_with_the_traces_counts()
    {
        await using LoadedReport r = await browser.OpenAsync();
        IPage page = r.Page;
        ILocator cell = page.Locator("table.matrix td[data-scenario='s9-shm-lock-then-munlock'][data-policy='netbsd-8']");
        Assert.Equal("PANIC", (await cell.InnerTextAsync()).Trim());

        // Follow the link from the keyboard.
        ILocator link = cell.Locator("a");
        await link.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        string target = (await link.GetAttributeAsync("href"))!;
        Assert.EndsWith(target, page.Url, StringComparison.Ordinal);
        ILocator timeline = page.Locator(target);
        Assert.Equal("s9-shm-lock-then-munlock", await timeline.GetAttributeAsync("data-scenario"));
        Assert.Equal("netbsd-8", await timeline.GetAttributeAsync("data-policy"));
        Assert.True(await timeline.IsVisibleAsync());

        // What run --trace says for the same file and policy.
        var cli = new CliHarness();
        cli.Run("run", Path.Combine(RepoPaths.Examples, "s9-shm-lock-then-munlock.scn"), "--policy", "netbsd-8", "--trace");
        TracedRun trace = TextTrace.Parse(cli.Out.Output).Single();

        // Rows are the scenario's pages: the four pages of its segment, frames 0-3.
        var rows = await timeline.Locator("tr[data-frame]").EvaluateAllAsync<int[]>("rs => rs.map(r => +r.dataset.frame)");
        Assert.Equal(trace.Frames, rows);
        Assert.Equal([0, 1, 2, 3], rows);

        // Every cell: its count is the trace's, and its colour is the legend's swatch for that count.
        string cellsJson = await timeline.EvaluateAsync<string>("""
            t => JSON.stringify([...t.querySelectorAll('td.cell')].map(c => ({
              frame: +c.closest('tr').dataset.frame, line: +c.dataset.line, count: +c.dataset.count,
              colour: getComputedStyle(c).backgroundColor })))
            """);
        var swatches = new Dictionary<int, string>();
        for (int c = 0; c <= 3; c++)
        {
            swatches[c] = await page.Locator($".legend [data-legend='{c}']").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
        }
        Assert.Equal(4, swatches.Values.Distinct().Count());
        using var cells = JsonDocument.Parse(cellsJson);
        int checkedCells = 0;
        foreach (JsonElement c in cells.RootElement.EnumerateArray())
        {
            int frame = c.GetProperty("frame").GetInt32(), line = c.GetProperty("line").GetInt32(), count = c.GetProperty("count").GetInt32();
            Assert.Equal(trace.CountsAfter(line)[frame], count);
            Assert.Equal(swatches[Math.Min(count, 3)], c.GetProperty("colour").GetString());
            checkedCells++;
        }
        Assert.True(checkedCells >= 4 * 4, $"{checkedCells} cells");
        // Both counts the bug goes through are drawn: 2 after SHM_LOCK, 0 after the EIO unlock.
        Assert.Equal(swatches[2], await timeline.Locator("tr[data-frame='0'] td[data-line='5']").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        Assert.Equal(swatches[0], await timeline.Locator("tr[data-frame='0'] td[data-line='12']").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));

        // The failing line: highlighted, with its text and the panic message.
        Assert.Equal("16", await timeline.Locator("th.failcol").GetAttributeAsync("data-line"));
        string failure = await timeline.Locator(".failure").InnerTextAsync();
        Assert.Contains("line 16", failure, StringComparison.Ordinal);
        Assert.Contains("shmctl seg SHM_UNLOCK", failure, StringComparison.Ordinal);
        Assert.Contains("pg->wire_count != 0", failure, StringComparison.Ordinal);

        // Focusing a cell shows its call and counts; arrow keys move along the row.
        ILocator first = timeline.Locator("td.cell[tabindex='0']");
        await first.FocusAsync();
        string detail = await timeline.Locator(".detail").InnerTextAsync();
        Assert.Equal(await first.GetAttributeAsync("aria-label"), detail);
        Assert.Contains("frame 0: wire count", detail, StringComparison.Ordinal);
        await page.Keyboard.PressAsync("ArrowRight");
        Assert.Equal(await timeline.Locator("tr[data-frame='0'] td.cell").Nth(1).GetAttributeAsync("aria-label"),
            await page.EvaluateAsync<string>("() => document.activeElement.getAttribute('aria-label')"));
        await timeline.Locator("tr[data-frame='2'] td[data-line='5']").HoverAsync();
        Assert.Contains("line 5: A: shmctl seg SHM_LOCK", await timeline.Locator(".detail").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("1 balanced entry count, 1 segment record", await timeline.Locator(".detail").InnerTextAsync(), StringComparison.Ordinal);

        await timeline.ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(ReportBrowser.OutputDir, "s9-netbsd-8-timeline.png") });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ReportBrowser.OutputDir, "report.png") });
        Assert.True(new FileInfo(Path.Combine(ReportBrowser.OutputDir, "report.png")).Length > 10_000);
        Assert.Empty(r.Errors);
        Assert.Empty(r.Requests);
    }

    [Fact]
    public async Task Every_timeline_in_the_browser_shows_the_traces_counts()
    {
        await using LoadedReport r = await browser.OpenAsync();
        var cli = new CliHarness();
        cli.Run(["run", .. ReportBrowser.Examples, "--trace"]);
        var traces = TextTrace.Parse(cli.Out.Output);
        string json = await r.Page.EvaluateAsync<string>("""
            () => JSON.stringify([...document.querySelectorAll('figure.timeline')].map(t => ({
              scenario: t.dataset.scenario, policy: t.dataset.policy,
              cells: [...t.querySelectorAll('td.cell')].map(c => [+c.closest('tr').dataset.frame, +c.dataset.line, +c.dataset.count]) })))
            """);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(traces.Count, doc.RootElement.GetArrayLength());
        foreach (JsonElement t in doc.RootElement.EnumerateArray())
        {
            TracedRun run = traces.Single(x => Path.GetFileNameWithoutExtension(x.File) == t.GetProperty("scenario").GetString() && x.Policy == t.GetProperty("policy").GetString());
            foreach (JsonElement c in t.GetProperty("cells").EnumerateArray())
            {
                int frame = c[0].GetInt32(), line = c[1].GetInt32();
                Assert.Equal(run.CountsAfter(line).GetValueOrDefault(frame), c[2].GetInt32());
            }
        }
    }

    [Fact]
    public async Task Dark_mode_swaps_the_colours_and_keeps_the_text_readable()
    {
        await using LoadedReport light = await browser.OpenAsync(ColorScheme.Light);
        await using LoadedReport dark = await browser.OpenAsync(ColorScheme.Dark);
        const string Colours = "() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]";
        string[] l = await light.Page.EvaluateAsync<string[]>(Colours), d = await dark.Page.EvaluateAsync<string[]>(Colours);
        Assert.Equal("rgb(255, 255, 255)", l[0]);
        Assert.NotEqual(l[0], d[0]);
        Assert.NotEqual(d[0], d[1]);
        await dark.Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ReportBrowser.OutputDir, "report-dark.png") });
        Assert.Empty(dark.Errors);
    }

    [Fact]
    public async Task Cells_and_links_have_text_alternatives()
    {
        await using LoadedReport r = await browser.OpenAsync();
        int unlabelled = await r.Page.EvaluateAsync<int>(
            "() => [...document.querySelectorAll('td.cell, table.matrix td a, svg[role=img]')].filter(e => !(e.getAttribute('aria-label') || '').trim()).length");
        Assert.Equal(0, unlabelled);
        // One tab stop per timeline grid; the rest are reached with the arrow keys.
        int grids = await r.Page.Locator("table.grid").CountAsync();
        Assert.Equal(grids, await r.Page.Locator("td.cell[tabindex='0']").CountAsync());
    }
}
