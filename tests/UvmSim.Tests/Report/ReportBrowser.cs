using Microsoft.Playwright;
using UvmSim.Tests.Cli;

namespace UvmSim.Tests.Report;

/// <summary>
/// The report of every example, generated once, and the system's Chromium driven through
/// Playwright (never a downloaded browser). When no Chromium can be started, <see cref="Unavailable"/>
/// says why and the browser tests skip with that reason.
/// </summary>
public sealed class ReportBrowser : IAsyncLifetime
{
    /// <summary>The examples in the report, in the order given on the command line.</summary>
    public static string[] Examples => [.. Directory.GetFiles(RepoPaths.Examples, "*.scn").Order(StringComparer.Ordinal)];

    /// <summary>Where the report and the screenshots go: the test's output folder, never the repository.</summary>
    public static string OutputDir => Path.Combine(AppContext.BaseDirectory, "TestResults", "report");

    public string ReportPath { get; } = Path.Combine(OutputDir, "report.html");

    public string? Unavailable { get; private set; }

    public IBrowser? Browser { get; private set; }

    private IPlaywright? _playwright;

    /// <summary>The system Chromium: <c>UVMSIM_CHROMIUM</c>, else the first of the usual names on PATH.</summary>
    public static string? FindChromium()
    {
        if (Environment.GetEnvironmentVariable("UVMSIM_CHROMIUM") is { Length: > 0 } set)
        {
            return set;
        }
        string[] names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .SelectMany(dir => names.Select(n => Path.Combine(dir, n)))
            .FirstOrDefault(File.Exists);
    }

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(OutputDir);
        var cli = new CliHarness();
        if (cli.Run(["report", .. Examples, "-o", ReportPath]) != 0)
        {
            throw new InvalidOperationException("report failed: " + cli.Error.Output);
        }
        string? chromium = FindChromium();
        if (chromium is null)
        {
            Unavailable = "no Chromium on PATH (apt-get install chromium, or set UVMSIM_CHROMIUM)";
            return;
        }
        try
        {
            _playwright = await Playwright.CreateAsync();
            Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = chromium,
                Headless = true,
                // Root in CI has no user namespace sandbox.
                Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
                Timeout = 60_000,
            });
        }
        catch (PlaywrightException e)
        {
            Unavailable = $"Chromium at {chromium} could not be started: {e.Message.Split('\n')[0]}";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
    }

    /// <summary>
    /// A page with the report loaded, offline, every request that is not the report itself
    /// aborted and recorded, and console errors and page errors collected.
    /// </summary>
    public async Task<LoadedReport> OpenAsync(ColorScheme scheme = ColorScheme.Light)
    {
        Assert.SkipWhen(Unavailable is not null, Unavailable ?? "");
        IBrowserContext context = await Browser!.NewContextAsync(new BrowserNewContextOptions
        {
            Offline = true,
            ColorScheme = scheme,
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
        });
        IPage page = await context.NewPageAsync();
        var loaded = new LoadedReport(context, page);
        page.Console += (_, m) =>
        {
            if (m.Type is "error" or "warning")
            {
                loaded.Errors.Add($"console {m.Type}: {m.Text}");
            }
        };
        page.PageError += (_, e) => loaded.Errors.Add("page error: " + e);
        string url = new Uri(ReportPath).AbsoluteUri;
        await page.RouteAsync("**/*", async route =>
        {
            if (route.Request.Url == url)
            {
                await route.ContinueAsync();
            }
            else
            {
                loaded.Requests.Add(route.Request.Url);
                await route.AbortAsync();
            }
        });
        await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        return loaded;
    }
}

/// <summary>A loaded report and what happened while it loaded.</summary>
public sealed record LoadedReport(IBrowserContext Context, IPage Page) : IAsyncDisposable
{
    public List<string> Errors { get; } = [];

    public List<string> Requests { get; } = [];

    public ValueTask DisposeAsync() => new(Context.CloseAsync());
}
