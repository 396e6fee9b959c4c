using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using UvmSim.Cli.Host;
using UvmSim.Cli.Rendering;

namespace UvmSim.Cli.Commands;

/// <summary>
/// <c>uvmsim bench host [--repeat N] [--format text|json]</c>: the wiring sequences on the
/// host Linux kernel and in the model under <c>dual</c>, side by side (SPEC §13, issue 5).
/// Exit 0, or 2 for a usage error, missing privilege, another OS or a failed call.
/// </summary>
internal static class BenchHostCommand
{
    /// <summary>Default batches per side.</summary>
    public const int DefaultRepeat = 101;

    /// <summary><c>--repeat N</c>: timed batches per side, sequence and size.</summary>
    public static readonly Option<int> Repeat = CreateRepeat();

    /// <summary>The <c>bench</c> command with its <c>host</c> subcommand.</summary>
    public static Command Create(Terminal terminal)
    {
        var host = new Command("host", "Run the wiring sequences on the host kernel and in the model (dual), alternating, and print median microseconds and host/model.")
        {
            Repeat,
            SharedOptions.Format,
        };
        host.SetAction(parse => CliApp.Guard(terminal, () => Execute(
            terminal, parse.GetValue(Repeat), parse.GetValue(SharedOptions.Format) == SharedOptions.Json)));
        return new Command("bench", "Benchmarks.") { host };
    }

    /// <summary>Checks privilege, measures, prints.</summary>
    public static int Execute(Terminal terminal, int repeat, bool json)
    {
        if (HostBench.MissingPrivilege() is { } missing)
        {
            return terminal.Usage(missing);
        }
        if (HostBench.ModelUnoptimized())
        {
            terminal.ErrorLine("uvmsim: warning: the model was compiled without JIT optimizations; its times are not representative");
        }
        List<BenchRow> rows;
        try
        {
            rows = HostBench.Run(repeat, terminal.Rich ? name => terminal.ErrorLine("measuring " + name) : null);
        }
        catch (BenchFailure failure)
        {
            return terminal.Usage(failure.Message);
        }
        if (json)
        {
            terminal.Line(RenderJson(rows));
            return ExitCodes.Ok;
        }
        string[] header = ["sequence", "pages", "host µs", "model µs", "host/model"];
        var cells = rows.Select(r => new[]
        {
            Sequences.Name(r.Sequence),
            r.Pages.ToString(CultureInfo.InvariantCulture),
            r.HostMicros.ToString("F3", CultureInfo.InvariantCulture),
            r.ModelMicros.ToString("F3", CultureInfo.InvariantCulture),
            r.Speedup.ToString("F1", CultureInfo.InvariantCulture) + "x",
        }).ToList();
        if (terminal.Rich)
        {
            var table = new Table().Border(TableBorder.Rounded);
            for (int i = 0; i < header.Length; i++)
            {
                table.AddColumn(new TableColumn(Markup.Escape(header[i])) { Alignment = i == 0 ? Justify.Left : Justify.Right });
            }
            foreach (string[] row in cells)
            {
                table.AddRow(row.Select(Markup.Escape).ToArray());
            }
            terminal.Out.Write(table);
        }
        else
        {
            var all = new List<string[]> { header };
            all.AddRange(cells);
            int[] widths = Enumerable.Range(0, header.Length).Select(i => all.Max(r => r[i].Length)).ToArray();
            foreach (string[] row in all)
            {
                terminal.Line(string.Join("  ", row.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd());
            }
        }
        terminal.Line($"medians of {repeat} alternating batches of {HostBench.Batch} sequences per side; model: dual, resident pages");
        return ExitCodes.Ok;
    }

    /// <summary>An array of <c>{"sequence", "pages", "hostMicros", "modelMicros", "speedup"}</c>.</summary>
    public static string RenderJson(IEnumerable<BenchRow> rows) => Json.Write(w =>
    {
        w.WriteStartArray();
        foreach (BenchRow r in rows)
        {
            w.WriteStartObject();
            w.WriteString("sequence", Sequences.Name(r.Sequence));
            w.WriteNumber("pages", r.Pages);
            w.WriteNumber("hostMicros", Math.Round(r.HostMicros, 3));
            w.WriteNumber("modelMicros", Math.Round(r.ModelMicros, 3));
            w.WriteNumber("speedup", Math.Round(r.Speedup, 2));
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    private static Option<int> CreateRepeat()
    {
        var option = new Option<int>("--repeat", "-n")
        {
            Description = $"Timed batches per side, sequence and size (default {DefaultRepeat}).",
            DefaultValueFactory = _ => DefaultRepeat,
            HelpName = "N",
        };
        option.Validators.Add(result =>
        {
            // Only a well-formed number is checked here; a malformed one is already a parse error.
            if (result.Tokens.Count > 0
                && int.TryParse(result.Tokens[^1].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n)
                && n < 1)
            {
                result.AddError("--repeat must be at least 1.");
            }
        });
        return option;
    }
}
