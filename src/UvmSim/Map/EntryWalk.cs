using System.Collections;

namespace UvmSim.Map;

/// <summary>
/// A map's entries in address order (<see cref="VmMap.Entries"/>): a <c>foreach</c> walks the
/// threaded list through a struct enumerator, so the per-call paths that walk a whole map
/// (mlockall, the wiring switches) allocate nothing, as the iterator method they replace did
/// (issue 17). Each step reads the current entry's <c>Next</c>, as that iterator did.
/// </summary>
public readonly struct EntryWalk : IEnumerable<MapEntry>
{
    private readonly EntryTree _tree;

    internal EntryWalk(EntryTree tree) => _tree = tree;

    /// <summary>The struct enumerator <c>foreach</c> binds to.</summary>
    public Enumerator GetEnumerator() => new(_tree);

    IEnumerator<MapEntry> IEnumerable<MapEntry>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Walks from the tree's first entry along <c>Next</c>.</summary>
    public struct Enumerator : IEnumerator<MapEntry>
    {
        private readonly EntryTree _tree;
        private MapEntry? _current;
        private bool _started;

        internal Enumerator(EntryTree tree)
        {
            _tree = tree;
            _current = null;
            _started = false;
        }

        /// <inheritdoc/>
        public readonly MapEntry Current => _current!;

        readonly object IEnumerator.Current => Current;

        /// <inheritdoc/>
        public bool MoveNext()
        {
            _current = _started ? _current?.Next : _tree.First;
            _started = true;
            return _current is not null;
        }

        /// <inheritdoc/>
        public void Reset()
        {
            _current = null;
            _started = false;
        }

        /// <inheritdoc/>
        public readonly void Dispose()
        {
        }
    }
}
