using System.Runtime.CompilerServices;
using Spectre.Console.Testing;
using UvmSim.Cli;

namespace UvmSim.Tests.Cli;

/// <summary>Runs <c>uvmsim</c> in-process against test consoles.</summary>
internal sealed class CliHarness
{
    public TestConsole Out { get; } = new();
    public TestConsole Error { get; } = new();
    public Terminal Terminal => new(Out, Error, Rich: false);

    public int Run(params string[] args) => CliApp.Run(args, Terminal);

    public static string Data(string file) => Path.Combine(DataDirectory(), file);

    private static string DataDirectory([CallerFilePath] string path = "") =>
        Path.Combine(Path.GetDirectoryName(path)!, "TestData");
}
