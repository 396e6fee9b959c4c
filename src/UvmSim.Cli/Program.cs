namespace UvmSim.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        Console.WriteLine("uvmsim " + string.Join(' ', args));
        return 0;
    }
}
