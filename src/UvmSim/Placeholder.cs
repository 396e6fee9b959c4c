namespace UvmSim;

/// <summary>Temporary anchor so the skeleton builds.</summary>
public static class Placeholder
{
    /// <summary>Page size used until the machine model lands.</summary>
    public const int PageSize = 4096;
}
