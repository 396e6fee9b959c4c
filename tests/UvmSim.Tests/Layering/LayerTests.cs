using UvmSim.Cli;

namespace UvmSim.Tests.Layering;

/// <summary>
/// The layering of <c>src/UvmSim/layers.txt</c> holds over the model and the CLI, read from
/// their IL; and the same check fails when an upward reference is planted.
/// </summary>
public sealed class LayerTests
{
    private static Layers ReadLayers() =>
        Layers.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "UvmSim", "layers.txt")));

    private static string ModelPath => typeof(Errno).Assembly.Location;

    private static string CliPath => typeof(ExitCodes).Assembly.Location;

    [Fact]
    public void Model_and_cli_reference_no_higher_layer()
    {
        Layers layers = ReadLayers();
        var edges = TypeDependencies.Of(ModelPath).Concat(TypeDependencies.Of(CliPath)).ToList();
        List<string> violations = layers.Violations(edges);
        Assert.True(violations.Count == 0, string.Join('\n', violations));
        // The check saw the model: every layer but the lowest uses one below it.
        var namespaces = edges.Select(e => e.FromNamespace).Where(n => n.StartsWith("UvmSim", StringComparison.Ordinal)).Distinct().ToList();
        Assert.All(layers.Names, name => Assert.Contains(namespaces, n => layers.NameOf(layers.LayerOf(n)) == name));
    }

    [Fact]
    public void Every_model_namespace_has_a_line()
    {
        Layers layers = ReadLayers();
        var unlisted = typeof(Errno).Assembly.GetTypes().Concat(typeof(ExitCodes).Assembly.GetTypes())
            .Select(t => t.Namespace ?? "").Where(n => n.StartsWith("UvmSim", StringComparison.Ordinal))
            .Distinct().Where(n => layers.LayerOf(n) < 0).ToList();
        Assert.True(unlisted.Count == 0, string.Join('\n', unlisted));
    }

    [Fact]
    public void Kernel_and_sysv_do_not_reference_each_other_both_ways()
    {
        var edges = TypeDependencies.Of(ModelPath);
        bool kernelUsesSysv = edges.Any(e => e.FromNamespace.StartsWith("UvmSim.Kernel", StringComparison.Ordinal) && e.ToNamespace == "UvmSim.SysV");
        var sysvUsesKernel = edges.Where(e => e.FromNamespace == "UvmSim.SysV" && e.ToNamespace.StartsWith("UvmSim.Kernel", StringComparison.Ordinal)).ToList();
        Assert.True(kernelUsesSysv);
        Assert.True(sysvUsesKernel.Count == 0, string.Join('\n', sysvUsesKernel));
    }

    [Fact]
    public void A_planted_upward_reference_in_il_is_reported()
    {
        // PlantedUpwardReference (below) is declared in the physical layer's namespace and
        // calls the kernel: read from this test assembly's IL, the check must name it.
        Layers layers = ReadLayers();
        var edges = TypeDependencies.Of(typeof(LayerTests).Assembly.Location,
            t => t.FullName == typeof(UvmSim.Physical.PlantedUpwardReference).FullName);
        List<string> violations = layers.Violations(edges);
        Assert.Contains(violations, v => v.StartsWith("upward reference: physical -> kernel: UvmSim.Physical.PlantedUpwardReference uses UvmSim.Kernel.Kernel", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("upward reference: physical -> scenarios: ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_planted_edge_between_model_namespaces_is_reported_and_downward_ones_are_not()
    {
        Layers layers = ReadLayers();
        var planted = new List<Dependency>
        {
            new("UvmSim.SysV.ShmTable", "UvmSim.SysV", "UvmSim.Kernel.Kernel", "UvmSim.Kernel"),
            new("UvmSim.Kernel.Kernel", "UvmSim.Kernel", "UvmSim.SysV.ShmTable", "UvmSim.SysV"),
            new("UvmSim.Scenarios.Running.ScenarioRunner", "UvmSim.Scenarios.Running", "UvmSim.Exploration.Op", "UvmSim.Exploration"),
            new("UvmSim.Kernel.Transient.X", "UvmSim.Kernel.Transient", "UvmSim.Errno", "UvmSim"),
            new("UvmSim.Newcomer.X", "UvmSim.Newcomer", "UvmSim.Errno", "UvmSim"),
            new("UvmSim.Map.VmMap", "UvmSim.Map", "System.String", "System"),
        };
        Assert.Equal(
            [
                "UvmSim.Newcomer is in no line of layers.txt (UvmSim.Newcomer.X uses UvmSim.Errno)",
                "upward reference: scenarios -> exploration: UvmSim.Scenarios.Running.ScenarioRunner uses UvmSim.Exploration.Op",
                "upward reference: sysv -> kernel: UvmSim.SysV.ShmTable uses UvmSim.Kernel.Kernel",
            ],
            layers.Violations(planted));
    }

    [Fact]
    public void A_malformed_layers_file_names_its_line()
    {
        var e = Assert.Throws<FormatException>(() => Layers.Parse("# c\nvocabulary: UvmSim\nmap UvmSim.Map\n"));
        Assert.Contains("layers.txt:3:", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<FormatException>(() => Layers.Parse("a: UvmSim\nb: UvmSim.Map UvmSim.Map\n"));
        Assert.Contains("listed twice", e.Message, StringComparison.Ordinal);
    }
}
