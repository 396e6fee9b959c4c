namespace UvmSim.Scenarios.Syntax;

/// <summary>
/// One signed term of an <see cref="Expr"/>: a number or a bound name.
/// A number written with the unit <c>p</c> keeps its page count in <see cref="Value"/>
/// (<see cref="InPages"/>), because the page size is a machine setting, not a constant.
/// </summary>
public sealed record Term(bool Negative, string? Name, ulong Value, bool InPages)
{
    /// <summary>A plain number of bytes (or a count).</summary>
    public static Term Number(ulong value, bool negative = false) => new(negative, null, value, false);

    /// <summary>A number of pages (<c>4p</c>).</summary>
    public static Term Pages(ulong pages, bool negative = false) => new(negative, null, pages, true);

    /// <summary>A name bound by an earlier <c>NAME =</c>.</summary>
    public static Term Named(string name, bool negative = false) => new(negative, name, 0, false);
}

/// <summary>
/// An expression such as <c>heap+1p+16</c>: terms joined by <c>+</c> or <c>-</c>, computed
/// modulo 2^64 at run time, when names are bound and the page size is known.
/// </summary>
public sealed record Expr(EquatableList<Term> Terms)
{
    /// <summary>A constant expression.</summary>
    public static Expr Of(ulong value) => new([Term.Number(value)]);

    /// <summary>A constant number of pages.</summary>
    public static Expr OfPages(ulong pages) => new([Term.Pages(pages)]);

    /// <summary>A single name.</summary>
    public static Expr OfName(string name) => new([Term.Named(name)]);

    /// <summary>The names used, so a runner can report an unbound one before evaluating.</summary>
    public IEnumerable<string> Names => Terms.Where(t => t.Name is not null).Select(t => t.Name!);

    /// <summary>
    /// The value modulo 2^64; a negative check value comes back in two's complement
    /// (cast to <c>long</c> to compare signed).
    /// =&gt; <paramref name="lookup"/> must know every name in <see cref="Names"/>.
    /// </summary>
    public ulong Evaluate(Func<string, ulong> lookup, ulong pageSize)
    {
        ulong sum = 0;
        foreach (var term in Terms)
        {
            ulong value = term.Name is { } name ? lookup(name)
                : term.InPages ? unchecked(term.Value * pageSize)
                : term.Value;
            sum = term.Negative ? unchecked(sum - value) : unchecked(sum + value);
        }
        return sum;
    }

    /// <summary>The canonical text, as the printer writes it.</summary>
    public override string ToString() => ScenarioPrinter.Format(this);
}
