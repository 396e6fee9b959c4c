using UvmSim.Kernel;

namespace UvmSim.Scenarios.Syntax;

/// <summary>What a call is expected to do under one policy (SPEC §12.4).</summary>
public abstract record Outcome
{
    /// <summary><c>0</c> or <c>ok</c>: the call succeeded, whatever it returned.</summary>
    public static Outcome Ok { get; } = new OkOutcome();

    /// <summary><c>dead</c>: the kernel panicked earlier, so the call does not run.</summary>
    public static Outcome Dead { get; } = new DeadOutcome();

    /// <summary><c>unbound</c>: the line uses a name or process an earlier failure left unbound.</summary>
    public static Outcome Unbound { get; } = new UnboundOutcome();

    /// <summary>The call fails with <paramref name="errno"/>.</summary>
    public static Outcome Error(Errno errno) => new ErrnoOutcome(errno);

    /// <summary>The kernel panics with a message containing <paramref name="text"/>.</summary>
    public static Outcome Panic(string text) => new PanicOutcome(text);
}

/// <summary>The call succeeded.</summary>
public sealed record OkOutcome : Outcome;

/// <summary>The call returned an errno.</summary>
public sealed record ErrnoOutcome(Errno Errno) : Outcome;

/// <summary>The call panicked; <see cref="Text"/> is a substring of the panic message.</summary>
public sealed record PanicOutcome(string Text) : Outcome;

/// <summary>The kernel was already dead.</summary>
public sealed record DeadOutcome : Outcome;

/// <summary>The line was not run because a name or process it uses is unbound.</summary>
public sealed record UnboundOutcome : Outcome;
