using System.Collections.Concurrent;
using UvmSim.Exploration;

namespace UvmSim.Tests.Exploration;

/// <summary>
/// The explorer's level pipeline: every chunk computed once, consumed in order on the
/// calling thread after it was computed, never more than the window ahead, and a failure on
/// any thread rethrown on the caller with no thread left running.
/// </summary>
public sealed class OrderedPipelineTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(37, 2, 4)]
    [InlineData(200, 3, 3)]
    [InlineData(64, 4, 32)]
    public void Every_chunk_is_computed_once_and_consumed_in_order(int chunks, int jobs, int window)
    {
        var computed = new ConcurrentDictionary<int, int>();
        var slotHolds = new int[window];
        var consumed = new List<int>();
        int callerThread = Environment.CurrentManagedThreadId;
        OrderedPipeline.Run(chunks, jobs, jobs == 1 ? 1 : window,
            (job, chunk, slot) =>
            {
                Assert.InRange(job, 0, jobs - 1);
                Assert.True(computed.TryAdd(chunk, slot), $"chunk {chunk} computed twice");
                Thread.SpinWait((chunk * 7919) % 2000); // uneven chunks, as a level's are
                Volatile.Write(ref slotHolds[slot], chunk);
            },
            (chunk, slot) =>
            {
                Assert.Equal(callerThread, Environment.CurrentManagedThreadId);
                Assert.Equal(chunk, Volatile.Read(ref slotHolds[slot])); // not yet overwritten by a chunk ahead
                consumed.Add(chunk);
            },
            TestContext.Current.CancellationToken);
        Assert.Equal(Enumerable.Range(0, chunks), consumed);
        Assert.Equal(chunks, computed.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void A_failure_on_any_job_is_rethrown_to_the_caller(int failingJob)
    {
        int failedOn = -1;
        var e = Assert.Throws<InvalidOperationException>(() => OrderedPipeline.Run(500, 2, 8,
            (job, chunk, _) =>
            {
                if (job != failingJob)
                {
                    // the other job waits for the failure, so the failing one gets a chunk
                    SpinWait.SpinUntil(() => Volatile.Read(ref failedOn) >= 0, TimeSpan.FromSeconds(30));
                    return;
                }
                if (Interlocked.CompareExchange(ref failedOn, chunk, -1) == -1)
                {
                    throw new InvalidOperationException($"chunk {chunk}");
                }
            },
            (_, _) => { },
            TestContext.Current.CancellationToken));
        Assert.Equal($"chunk {failedOn}", e.Message);
    }

    [Fact]
    public void A_cancellation_stops_the_run()
    {
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => OrderedPipeline.Run(10_000, 2, 8,
            (_, chunk, _) =>
            {
                if (chunk == 50)
                {
                    cancel.Cancel();
                }
            },
            (_, _) => { },
            cancel.Token));
    }

    [Fact]
    public void A_prefix_is_rebuilt_from_the_tree_of_parents_and_last_calls()
    {
        IReadOnlyList<Op> alphabet = Explorer.Alphabet(2, 2, transient: false);
        var tree = new PrefixTree(alphabet);
        tree.Add([0, 0, 0], [3, 5, 7]);   // level 1: three children of the boot state
        tree.Add([2, 0], [1, 4]);         // level 2: a child of the third, one of the first
        var into = new Op[2];
        tree.CopyPrefix(2, 0, into);
        Assert.Equal([alphabet[7], alphabet[1]], into);
        tree.CopyPrefix(2, 1, into);
        Assert.Equal([alphabet[3], alphabet[4]], into);
        Assert.Equal(2, tree.Depth);
        Assert.Equal(3, tree.Count(1));
        Assert.Throws<ArgumentException>(() => tree.CopyPrefix(2, 0, new Op[1]));
    }
}
