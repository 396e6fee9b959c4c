using System.CommandLine;
using System.CommandLine.Parsing;

namespace UvmSim.Cli;

/// <summary>
/// Parse errors in the user's words: an unknown word that is close to a command or an option of
/// the command it was given to gets "did you mean" (issue 12: a misspelt command said "Required
/// command was not provided"). Close: an edit distance of at most a third of the word, and 2.
/// </summary>
internal static class Suggestions
{
    /// <summary>The messages to print for <paramref name="parse"/>; empty when it has no error.</summary>
    public static List<string> Explain(ParseResult parse)
    {
        var messages = new List<string>();
        Command command = parse.CommandResult.Command;
        var unknown = new List<string>(parse.UnmatchedTokens);
        // System.CommandLine hands an unknown --flag to a FILE argument: one that names no file is a misspelt option.
        unknown.AddRange(parse.Tokens.Where(t => t.Type == TokenType.Argument && t.Value.StartsWith("--", StringComparison.Ordinal) && !File.Exists(t.Value))
            .Select(t => t.Value).Where(v => !unknown.Contains(v)));
        if (command.Subcommands.Any() && unknown.Count > 0)
        {
            unknown = unknown.Take(1).ToList();  // a misspelt command: what follows it is its arguments
        }
        else if (unknown.Any(w => w.StartsWith('-')))
        {
            unknown.RemoveAll(w => !w.StartsWith('-'));  // an unknown option's value is not news
        }
        foreach (string word in unknown)
        {
            bool option = word.StartsWith('-');
            IEnumerable<string> candidates = option
                ? command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal))
                : command.Subcommands.Select(c => c.Name);
            string? best = Closest(option ? word.Split('=', 2)[0] : word, candidates);
            string what = option ? "option" : command.Subcommands.Any() ? "command" : "argument";
            messages.Add($"unknown {what} '{TextSafety.OneLine(word)}'" + (best is null ? "" : $" (did you mean '{best}'?)"));
        }
        bool missingCommand = unknown.Count > 0;
        foreach (ParseError error in parse.Errors)
        {
            if (error.Message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal)
                || (missingCommand && error.Message.StartsWith("Required command was not provided", StringComparison.Ordinal)))
            {
                continue;  // said above, with a suggestion
            }
            messages.Add(error.Message);
        }
        return messages;
    }

    /// <summary>The candidate nearest <paramref name="word"/>, when near enough.</summary>
    public static string? Closest(string word, IEnumerable<string> candidates)
    {
        int limit = Math.Min(2, Math.Max(1, word.TrimStart('-').Length / 3));
        return candidates.Distinct(StringComparer.Ordinal)
            .Select(c => (Name: c, Distance: Distance(word, c)))
            .Where(c => c.Distance <= limit || (c.Name.StartsWith(word, StringComparison.Ordinal) && word.TrimStart('-').Length >= 3))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.Name)
            .FirstOrDefault();
    }

    /// <summary>Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
