namespace UvmSim.Wiring;

/// <summary>
/// The §5.3 limit tests <c>mlockall(MCL_CURRENT)</c> runs once the wiring knows what it would
/// lock: the kernel passes a struct that implements it, so the call allocates no closure
/// (issue 17).
/// </summary>
public interface ILimitTest
{
    /// <summary>Whether the limits allow locking everything now.</summary>
    bool Ok();
}
