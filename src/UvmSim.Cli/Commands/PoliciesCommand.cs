using System.CommandLine;
using Spectre.Console;
using UvmSim.Cli.Rendering;
using UvmSim.Policies;

namespace UvmSim.Cli.Commands;

/// <summary><c>uvmsim policies</c>: the presets and their switch values (SPEC §6, §13).</summary>
internal static class PoliciesCommand
{
    /// <summary>The command, writing to <paramref name="terminal"/>.</summary>
    public static Command Create(Terminal terminal)
    {
        var command = new Command("policies", "List the presets and their switch values.")
        {
            SharedOptions.Format,
        };
        command.SetAction(parse => CliApp.Guard(terminal, () => Execute(
            terminal, parse.GetValue(SharedOptions.Format) == SharedOptions.Json)));
        return command;
    }

    /// <summary>Prints the switches × presets table, or the JSON document.</summary>
    public static int Execute(Terminal terminal, bool json)
    {
        var presets = PresetNames.Named.Select(n => Policy.FromPreset(n)!).ToList();
        if (json)
        {
            terminal.Line(RenderJson(presets));
            return ExitCodes.Ok;
        }
        string Head(Policy p) => p.Preset == Policy.Default.Preset ? p.Preset + " (default)" : p.Preset;
        if (terminal.Rich)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn("switch");
            foreach (Policy p in presets)
            {
                table.AddColumn(Markup.Escape(Head(p)));
            }
            table.AddColumn("values");
            foreach (string sw in Policy.AllSwitchNames)
            {
                table.AddRow([sw, .. presets.Select(p => Value(p, sw)), string.Join("|", Policy.AllValuesOf(sw)!)]);
            }
            terminal.Out.Write(table);
        }
        else
        {
            var header = new List<string> { "switch" };
            header.AddRange(presets.Select(Head));
            header.Add("values");
            var rows = new List<List<string>> { header };
            foreach (string sw in Policy.AllSwitchNames)
            {
                var row = new List<string> { sw };
                row.AddRange(presets.Select(p => Value(p, sw)));
                row.Add(string.Join("|", Policy.AllValuesOf(sw)!));
                rows.Add(row);
            }
            var widths = Enumerable.Range(0, header.Count).Select(i => rows.Max(r => r[i].Length)).ToList();
            foreach (var row in rows)
            {
                terminal.Line(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
            }
        }
        return ExitCodes.Ok;
    }

    private static string Value(Policy p, string sw) => p.Switches.First(s => s.Key == sw).Value;

    /// <summary><c>{"default": "dual", "presets": [{"name", "switches": {SWITCH: VALUE}}]}</c>.</summary>
    public static string RenderJson(IEnumerable<Policy> presets) => Json.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("default", Policy.Default.Preset);
        w.WriteStartArray("presets");
        foreach (Policy p in presets)
        {
            w.WriteStartObject();
            w.WriteString("name", p.Preset);
            Runs.WriteSwitches(w, "switches", p);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });
}
