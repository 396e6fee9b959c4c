namespace UvmSim.Tests;

/// <summary>Folders of the repository the tests read, found by walking up from the test binary to <c>UvmSim.slnx</c>.</summary>
public static class RepoPaths
{
    /// <summary>The repository root.</summary>
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "UvmSim.slnx")))
            {
                dir = dir.Parent;
            }
            return dir?.FullName ?? throw new DirectoryNotFoundException("UvmSim.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The §11 scenarios.</summary>
    public static string Examples => Path.Combine(Root, "examples");

    /// <summary>The conformance scenarios.</summary>
    public static string Conformance => Path.Combine(Root, "tests", "UvmSim.Tests", "Conformance");
}
