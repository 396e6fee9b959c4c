namespace UvmSim.Map;

// TEMPORARY; replaced by branch `tree`.
public sealed partial class MapEntry
{
    internal MapEntry? Prev { get; set; }
    internal MapEntry? Next { get; set; }
}
