namespace UvmSim.Policies;

/// <summary><c>wiring</c>: how an entry records wirings (SPEC §4.1, §4.2).</summary>
public enum WiringSwitch { /** <summary>One counter for everything (NetBSD).</summary> */ Counter, /** <summary>POSIX bit plus balanced count (the proposal).</summary> */ Split }

/// <summary><c>sysv</c>: what <c>SHM_LOCK</c> wires (SPEC §8.2–§8.4).</summary>
public enum SysvSwitch { /** <summary>Object then the caller's newest attachment.</summary> */ Legacy, /** <summary>The object only (netbsd-9).</summary> */ Object, /** <summary>The segment owns a record in every attachment entry.</summary> */ Segment }

/// <summary><c>zero-length</c>: whether a zero-length wiring call walks at all (SPEC §4).</summary>
public enum ZeroLengthSwitch { /** <summary>Walks run (the S5 hazard).</summary> */ Unchecked, /** <summary>Returns 0 after the lookup.</summary> */ Noop }

/// <summary><c>transient</c>: how <c>vslock</c> remembers what it wired (SPEC §7).</summary>
public enum TransientSwitch { /** <summary>By address range (NetBSD).</summary> */ Address, /** <summary>By the frames it wired.</summary> */ Held }

/// <summary><c>munlock-unlocked</c>: <c>munlock</c> over a range not locked (SPEC §5.3).</summary>
public enum MunlockUnlockedSwitch { /** <summary>Fails (NetBSD).</summary> */ Enomem, /** <summary>Skips such entries.</summary> */ Ok }

/// <summary><c>relock-counts</c>: how the memlock limit counts (SPEC §5.3).</summary>
public enum RelockCountsSwitch { /** <summary>Wired translations, re-locks counted again (NetBSD).</summary> */ Yes, /** <summary>Exact POSIX-locked bytes.</summary> */ No }

/// <summary><c>unwire-by</c>: what <c>FaultUnwire</c> unwires (SPEC §3.4).</summary>
public enum UnwireBySwitch { /** <summary>The frame mapped now (NetBSD).</summary> */ Translation, /** <summary>The page at the address.</summary> */ Pages }

/// <summary><c>length-wrap</c>: a length within a page of 2^64 (SPEC §5.1).</summary>
public enum LengthWrapSwitch { /** <summary>Wraps silently (NetBSD).</summary> */ Wrap, /** <summary>Range error.</summary> */ Reject }
