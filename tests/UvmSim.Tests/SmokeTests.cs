namespace UvmSim.Tests;

public class SmokeTests
{
    [Fact]
    public void Page_size_is_4096() => Assert.Equal(4096, Placeholder.PageSize);
}
