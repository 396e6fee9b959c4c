using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace UvmSim.Tests.Dispatch;

/// <summary>
/// Finds dispatch that can fall through silently (house rule: every dispatch over a switch
/// value, a call or an op ends in a throw). A <c>switch</c> statement or expression over a
/// policy switch enum (<c>UvmSim.Policies</c>), a <c>Call</c>, an <c>OpKind</c> or another closed
/// type (violation kinds, outcomes, checks and their values, comparisons, sysctl keys) must end in
/// a default (<c>default:</c> or <c>_</c>) that throws; a conditional <c>?:</c> whose
/// condition compares a policy switch value is a two-way dispatch that cannot throw, so it
/// is reported too. Works on a semantic model, so a switch is recognised by the type it
/// switches over, however the value is spelled.
/// </summary>
public static class DispatchChecker
{
    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Preview);

    /// <summary>The usings the SDK adds to every project (<c>ImplicitUsings</c>).</summary>
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    /// <summary>
    /// Every violation in the C# files under <paramref name="root"/> (bin and obj skipped), and
    /// how many guarded dispatches were checked.
    /// </summary>
    public static (List<string> Found, int Checked) CheckTree(string root)
    {
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .ToList();
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), Parse, path: Path.GetRelativePath(root, f))).ToList();
        int seen = 0;
        List<string> found = Check(trees, extraReferences: [], () => seen++);
        return (found, seen);
    }

    /// <summary>Every violation in <paramref name="source"/>, compiled against the UvmSim assembly (for a planted example).</summary>
    public static List<string> CheckSource(string source) =>
        Check([CSharpSyntaxTree.ParseText(source, Parse, path: "planted.cs")],
            [MetadataReference.CreateFromFile(typeof(UvmSim.Policies.Policy).Assembly.Location)], () => { });

    private static List<string> Check(List<SyntaxTree> trees, IEnumerable<MetadataReference> extraReferences, Action guarded)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Select(p => MetadataReference.CreateFromFile(p))
            .Concat(extraReferences);
        var compilation = CSharpCompilation.Create("DispatchCheck",
            [.. trees, CSharpSyntaxTree.ParseText(ImplicitUsings, Parse, path: "implicit.cs")],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var found = new List<string>();
        foreach (SyntaxTree tree in trees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
            {
                ExpressionSyntax? governing = node switch
                {
                    SwitchStatementSyntax s => s.Expression,
                    SwitchExpressionSyntax s => s.GoverningExpression,
                    _ => null,
                };
                if (governing is not null && Guarded(model, governing) is not null)
                {
                    guarded();
                }
                string? problem = node switch
                {
                    SwitchStatementSyntax s when Guarded(model, s.Expression) is { } what && !ThrowsByDefault(s) =>
                        $"switch statement over {what} has no default that throws",
                    SwitchExpressionSyntax s when Guarded(model, s.GoverningExpression) is { } what && !ThrowsByDefault(s) =>
                        $"switch expression over {what} has no discard arm that throws",
                    ConditionalExpressionSyntax c when ComparesPolicySwitch(model, c.Condition) is { } what =>
                        $"?: over {what} (a two-way dispatch with no throw; use a switch)",
                    _ => null,
                };
                if (problem is not null)
                {
                    var line = node.GetLocation().GetLineSpan();
                    found.Add($"{line.Path}:{line.StartLinePosition.Line + 1}: {problem}");
                }
            }
        }
        return found;
    }

    /// <summary>The name of the guarded type <paramref name="e"/> has, or null when dispatch over it is not checked.</summary>
    private static string? Guarded(SemanticModel model, ExpressionSyntax e)
    {
        ITypeSymbol? type = model.GetTypeInfo(e).Type;
        if (type is null)
        {
            return null;
        }
        if (IsPolicySwitch(type) || (type.TypeKind == TypeKind.Enum && GuardedEnums.Contains(type.ToDisplayString())))
        {
            return type.Name;
        }
        for (ITypeSymbol? t = type; t is not null; t = t.BaseType)
        {
            if (GuardedHierarchies.Contains(t.ToDisplayString()))
            {
                return type.Name;
            }
        }
        return null;
    }

    /// <summary>Closed enums besides the policy switches whose every value a dispatch must name.</summary>
    private static readonly HashSet<string> GuardedEnums =
    [
        "UvmSim.Exploration.OpKind",
        "UvmSim.Checking.ViolationKind",
        "UvmSim.Scenarios.Syntax.Comparison",
        "UvmSim.Scenarios.Syntax.SysctlKey",
    ];

    /// <summary>Closed record hierarchies (a call, an outcome, a check and its expected value).</summary>
    private static readonly HashSet<string> GuardedHierarchies =
    [
        "UvmSim.Scenarios.Syntax.Call",
        "UvmSim.Scenarios.Syntax.Outcome",
        "UvmSim.Scenarios.Syntax.Check",
        "UvmSim.Scenarios.Syntax.CheckValue",
    ];

    private static bool IsPolicySwitch(ITypeSymbol type) =>
        type.TypeKind == TypeKind.Enum && type.ContainingNamespace?.ToDisplayString() == "UvmSim.Policies";

    private static string? ComparesPolicySwitch(SemanticModel model, ExpressionSyntax condition) =>
        condition is BinaryExpressionSyntax b
        && (b.IsKind(SyntaxKind.EqualsExpression) || b.IsKind(SyntaxKind.NotEqualsExpression))
        && model.GetTypeInfo(b.Left).Type is { } left && IsPolicySwitch(left)
            ? left.Name
            : null;

    private static bool ThrowsByDefault(SwitchStatementSyntax s)
    {
        SwitchSectionSyntax? section = s.Sections.FirstOrDefault(sec => sec.Labels.Any(l =>
            l is DefaultSwitchLabelSyntax
            || (l is CasePatternSwitchLabelSyntax { Pattern: DiscardPatternSyntax or VarPatternSyntax, WhenClause: null })));
        return section is not null && section.Statements.LastOrDefault() is ThrowStatementSyntax
            && section.Statements.Count == 1;
    }

    private static bool ThrowsByDefault(SwitchExpressionSyntax s)
    {
        var catchAll = s.Arms.Where(a => a.WhenClause is null && a.Pattern is DiscardPatternSyntax or VarPatternSyntax).ToList();
        return catchAll.Count > 0 && catchAll.All(a => a.Expression is ThrowExpressionSyntax);
    }
}
