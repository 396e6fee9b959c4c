namespace UvmSim.Kernel.Transient;

/// <summary>
/// One process's transient handles, in the handle table's order: a struct walk over the table,
/// so <c>exec</c> and <c>exit</c> pass a process's handles to the <c>transient</c> switch
/// without a LINQ filter and its closure per call (issue 17).
/// </summary>
public readonly struct ProcessHandles
{
    private readonly Dictionary<ulong, TransientHandle> _all;
    private readonly Process _process;

    internal ProcessHandles(Dictionary<ulong, TransientHandle> all, Process process)
    {
        _all = all;
        _process = process;
    }

    /// <summary>The struct enumerator <c>foreach</c> binds to.</summary>
    public Enumerator GetEnumerator() => new(_all.GetEnumerator(), _process);

    /// <summary>Steps over the table, stopping at the process's handles.</summary>
    public struct Enumerator
    {
        private Dictionary<ulong, TransientHandle>.Enumerator _inner;
        private readonly Process _process;

        internal Enumerator(Dictionary<ulong, TransientHandle>.Enumerator inner, Process process)
        {
            _inner = inner;
            _process = process;
        }

        /// <summary>The handle reached.</summary>
        public readonly TransientHandle Current => _inner.Current.Value;

        /// <summary>Moves to the process's next handle.</summary>
        public bool MoveNext()
        {
            while (_inner.MoveNext())
            {
                if (_inner.Current.Value.Process == _process)
                {
                    return true;
                }
            }
            return false;
        }
    }
}
