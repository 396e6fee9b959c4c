// A fixture for LayerTests: an upward reference planted on purpose, in the physical layer's
// namespace but in the test assembly, so the model itself stays clean.
namespace UvmSim.Physical;

/// <summary>Uses the kernel and the scenario runner from the physical layer: what the architecture test must catch.</summary>
internal static class PlantedUpwardReference
{
    public static int Processes(Kernel.Kernel kernel) => kernel.Processes.Count;

    public static string Parse(string text) => Scenarios.Syntax.ScenarioParser.Parse("planted", text).ToString() ?? "";
}
