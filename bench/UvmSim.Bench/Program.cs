using BenchmarkDotNet.Running;

namespace UvmSim.Bench;

internal static class Program
{
    private static void Main(string[] args)
    {
        if (args is ["census", ..])
        {
            UndoCensus.Run(args.Length > 1 ? args[1] : Policies.PresetNames.Dual);
            return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
