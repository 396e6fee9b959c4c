namespace UvmSim.Tests;

/// <summary>
/// The test classes that run programs on this machine's kernel (<c>uvmsim kernel</c>, its
/// fuzzer, emitted programs and their cleanup). They share the host's temporary directories,
/// SysV segments and memlock charges, so they run one at a time: a class that checks nothing
/// is left behind must not see another class's run in progress.
/// </summary>
[CollectionDefinition(Name)]
public sealed class HostKernelCollection
{
    /// <summary>The collection's name, for <c>[Collection]</c>.</summary>
    public const string Name = "host kernel";
}
