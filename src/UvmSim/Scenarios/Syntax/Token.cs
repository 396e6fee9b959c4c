namespace UvmSim.Scenarios.Syntax;

/// <summary>What a <see cref="Token"/> is.</summary>
public enum TokenKind
{
    /// <summary>A blank-separated word; its meaning depends on where it appears.</summary>
    Word,
    /// <summary>A quoted string; <see cref="Token.Text"/> holds the unescaped value.</summary>
    String,
    /// <summary>Outcome punctuation split out of a word after <c>=&gt;</c> or a comparison: <c>| , :</c>.</summary>
    Punct,
    /// <summary>Something that cannot be a token; <see cref="Token.Error"/> says why.</summary>
    Bad,
}

/// <summary>
/// A token of one line. A bad token carries its error, and the parser reports it only when it
/// reaches it, so errors come out in the order of their columns.
/// </summary>
/// <param name="Kind">What it is.</param>
/// <param name="Text">The word, the unescaped string, or the offending text.</param>
/// <param name="Column">1-based column of its first scalar (for a bad token: of the offending scalar).</param>
/// <param name="Length">Its width in scalars, so "one past" a token can be computed.</param>
/// <param name="Error">Why a bad token is bad.</param>
public readonly record struct Token(TokenKind Kind, string Text, int Column, int Length, string? Error = null)
{
    /// <summary>The column just after the token.</summary>
    public int EndColumn => Column + Length;

    /// <summary>True for a word spelled <paramref name="text"/>.</summary>
    public bool IsWord(string text) => Kind == TokenKind.Word && Text == text;

    /// <summary>True for the punctuation <paramref name="text"/>.</summary>
    public bool IsPunct(string text) => Kind == TokenKind.Punct && Text == text;
}
