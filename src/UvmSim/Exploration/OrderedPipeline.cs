using System.Runtime.ExceptionServices;

namespace UvmSim.Exploration;

/// <summary>
/// Computes numbered chunks of work on several threads in any order, and consumes their
/// results on the calling thread in chunk order: the explorer's level, whose successors are
/// computed in parallel and whose new states must be taken in the sequential order so that
/// the answer does not depend on the number of jobs.
/// </summary>
/// <remarks>
/// The calling thread consumes a chunk as soon as it and every chunk before it are done, and
/// computes chunks itself while it waits, so consuming overlaps the other jobs' computing
/// (a level cut into blocks with a barrier after each left every other core idle while one
/// took the block's outcomes). Computing runs at most <c>window</c> chunks ahead of
/// consuming: chunk k's results live in slot k mod window until consumed. The first failure
/// of any thread (a cancellation included) stops all of them and is rethrown here.
/// </remarks>
internal static class OrderedPipeline
{
    /// <summary>
    /// Runs <paramref name="compute"/>(job, chunk, slot) for every chunk on
    /// <paramref name="jobs"/> threads (job 0 is the calling thread) and
    /// <paramref name="consume"/>(chunk, slot) on the calling thread, in chunk order.
    /// </summary>
    public static void Run(int chunks, int jobs, int window, Action<int, int, int> compute, Action<int, int> consume, CancellationToken cancel)
    {
        if (jobs <= 1 || chunks <= 1)
        {
            for (int k = 0; k < chunks; k++)
            {
                cancel.ThrowIfCancellationRequested();
                compute(0, k, 0);
                consume(k, 0);
            }
            return;
        }
        var state = new Shared(chunks, window);
        var others = new Thread[jobs - 1];
        for (int j = 1; j < jobs; j++)
        {
            int job = j;
            others[j - 1] = new Thread(() => state.Work(job, compute, cancel)) { IsBackground = true, Name = $"explore job {job}" };
            others[j - 1].Start();
        }
        try
        {
            state.Lead(compute, consume, cancel);
        }
        catch (Exception e)
        {
            state.Fail(e);
        }
        finally
        {
            foreach (Thread t in others)
            {
                t.Join();
            }
        }
        if (state.Failure is { } failure)
        {
            ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }

    /// <summary>What the threads of one run share: the next chunk to claim, the next to consume, and which slots hold a computed chunk.</summary>
    private sealed class Shared(int chunks, int window)
    {
        private readonly int[] _done = new int[window]; // chunk + 1 once slot's chunk is computed
        private int _claimed;
        private int _consumed;
        private Exception? _failure;

        public Exception? Failure => Volatile.Read(ref _failure);

        public void Fail(Exception e) => Interlocked.CompareExchange(ref _failure, e, null);

        /// <summary>Another job: claims the next chunk, waits until it fits in the window, computes it.</summary>
        public void Work(int job, Action<int, int, int> compute, CancellationToken cancel)
        {
            try
            {
                while (Failure is null)
                {
                    int k = Interlocked.Increment(ref _claimed) - 1;
                    if (k >= chunks)
                    {
                        return;
                    }
                    var spin = new SpinWait();
                    while (k >= Volatile.Read(ref _consumed) + window)
                    {
                        if (Failure is not null)
                        {
                            return;
                        }
                        cancel.ThrowIfCancellationRequested();
                        spin.SpinOnce();
                    }
                    Compute(job, k, compute);
                }
            }
            catch (Exception e)
            {
                Fail(e);
            }
        }

        /// <summary>The calling thread: consumes each chunk in order, and computes one whenever the next to consume is not ready.</summary>
        public void Lead(Action<int, int, int> compute, Action<int, int> consume, CancellationToken cancel)
        {
            var spin = new SpinWait();
            while (_consumed < chunks)
            {
                if (Failure is { } failure)
                {
                    ExceptionDispatchInfo.Capture(failure).Throw();
                }
                cancel.ThrowIfCancellationRequested();
                int next = _consumed;
                if (Volatile.Read(ref _done[next % window]) == next + 1)
                {
                    consume(next, next % window);
                    Volatile.Write(ref _consumed, next + 1);
                    spin.Reset();
                    continue;
                }
                int k = Volatile.Read(ref _claimed);
                if (k < chunks && k < next + window && Interlocked.CompareExchange(ref _claimed, k + 1, k) == k)
                {
                    Compute(0, k, compute);
                    spin.Reset();
                    continue;
                }
                spin.SpinOnce();
            }
        }

        private void Compute(int job, int k, Action<int, int, int> compute)
        {
            compute(job, k, k % window);
            Volatile.Write(ref _done[k % window], k + 1);
        }
    }
}
