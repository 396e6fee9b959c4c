using UvmSim.Exploration;

namespace UvmSim.Tests.Exploration;

/// <summary>
/// An explorer job's cache of recent clean states: a hit is exact (the whole hash is kept),
/// a collision forgets the older hash rather than answering for it, and hash 0, the empty
/// slot's mark, is never found.
/// </summary>
public sealed class RecentStatesTests
{
    [Fact]
    public void A_hash_added_is_found_and_no_other_is()
    {
        var recent = new RecentStates();
        var rng = new Random(5);
        var added = new HashSet<ulong>();
        for (int i = 0; i < 1000; i++)
        {
            ulong h = (ulong)rng.NextInt64() | 1;
            recent.Add(h);
            added.Add(h);
            Assert.True(recent.Contains(h));
        }
        for (int i = 0; i < 10_000; i++)
        {
            ulong other = (ulong)rng.NextInt64() | 1;
            Assert.Equal(added.Contains(other) && recent.Contains(other), recent.Contains(other));
        }
    }

    [Fact]
    public void A_colliding_hash_replaces_the_older_one()
    {
        var recent = new RecentStates();
        const ulong older = 0x1234_0000_0000_0007UL, newer = 0x9876_0000_0000_0007UL; // the same low bits
        recent.Add(older);
        recent.Add(newer);
        Assert.True(recent.Contains(newer));
        Assert.False(recent.Contains(older));
    }

    [Fact]
    public void Hash_zero_is_never_found()
    {
        var recent = new RecentStates();
        Assert.False(recent.Contains(0));
        recent.Add(0);
        Assert.False(recent.Contains(0));
    }
}
