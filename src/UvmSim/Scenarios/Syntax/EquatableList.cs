using System.Collections;
using System.Runtime.CompilerServices;

namespace UvmSim.Scenarios.Syntax;

/// <summary>
/// An immutable list compared element by element, so that AST records holding lists
/// compare structurally (a printed and re-parsed scenario equals the original).
/// </summary>
[CollectionBuilder(typeof(EquatableList), nameof(EquatableList.Create))]
public sealed class EquatableList<T> : IReadOnlyList<T>, IEquatable<EquatableList<T>>
{
    private readonly T[] _items;

    // The empty list (shared; it is immutable).
    internal static EquatableList<T> Empty { get; } = new([]);

    internal EquatableList(T[] items) => _items = items;

    /// <inheritdoc/>
    public T this[int index] => _items[index];

    /// <inheritdoc/>
    public int Count => _items.Length;

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(EquatableList<T>? other) =>
        other is not null && _items.AsSpan().SequenceEqual(other._items, EqualityComparer<T>.Default);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as EquatableList<T>);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items)
        {
            hash.Add(item);
        }
        return hash.ToHashCode();
    }

    /// <summary>Shows the elements, for test failure messages.</summary>
    public override string ToString() => "[" + string.Join(", ", _items) + "]";
}

/// <summary>Factory for <see cref="EquatableList{T}"/> (collection expressions use it).</summary>
public static class EquatableList
{
    /// <summary>Copies <paramref name="items"/> into a new list.</summary>
    public static EquatableList<T> Create<T>(ReadOnlySpan<T> items) =>
        items.IsEmpty ? EquatableList<T>.Empty : new(items.ToArray());

    /// <summary>Copies <paramref name="items"/> into a new list.</summary>
    public static EquatableList<T> ToEquatableList<T>(this IEnumerable<T> items) => new([.. items]);
}
