namespace UvmSim.Policies;

/// <summary><c>wiring</c>: how an entry records wirings (SPEC §4.1, §4.2).</summary>
public enum WiringSwitch { /** <summary>One counter for everything (NetBSD).</summary> */ Counter, /** <summary>POSIX bit plus balanced count (the proposal).</summary> */ Split, /** <summary>Linux's <c>VM_LOCKED</c>: a flag, wirings follow translations (SPEC §17.2).</summary> */ Flag }

/// <summary><c>sysv</c>: what <c>SHM_LOCK</c> wires (SPEC §8.2–§8.4).</summary>
public enum SysvSwitch { /** <summary>Object then the caller's newest attachment.</summary> */ Legacy, /** <summary>The object only (netbsd-9).</summary> */ Object, /** <summary>The segment owns a record in every attachment entry.</summary> */ Segment, /** <summary>Linux's shmem lock: a segment flag with a per-uid charge (SPEC §17.3).</summary> */ Shmem }

/// <summary><c>zero-length</c>: whether a zero-length wiring call walks at all (SPEC §4).</summary>
public enum ZeroLengthSwitch { /** <summary>Walks run (the S5 hazard).</summary> */ Unchecked, /** <summary>Returns 0 after the lookup.</summary> */ Noop, /** <summary>Returns 0 before the lookup, so an unmapped start is accepted (Linux, SPEC §17).</summary> */ Early }

/// <summary><c>transient</c>: how <c>vslock</c> remembers what it wired (SPEC §7).</summary>
public enum TransientSwitch { /** <summary>By address range (NetBSD).</summary> */ Address, /** <summary>By the frames it wired.</summary> */ Held }

/// <summary><c>munlock-unlocked</c>: <c>munlock</c> over a range not locked (SPEC §5.3).</summary>
public enum MunlockUnlockedSwitch { /** <summary>Fails (NetBSD).</summary> */ Enomem, /** <summary>Skips such entries.</summary> */ Ok }

/// <summary><c>relock-counts</c>: how the memlock limit counts (SPEC §5.3).</summary>
public enum RelockCountsSwitch { /** <summary>Wired translations, re-locks counted again (NetBSD).</summary> */ Yes, /** <summary>Exact POSIX-locked bytes.</summary> */ No, /** <summary>Linux's <c>locked_vm</c>: every page of a locked entry, tested before the range (SPEC §17.4).</summary> */ Vma }

/// <summary><c>unwire-by</c>: what <c>FaultUnwire</c> unwires (SPEC §3.4).</summary>
public enum UnwireBySwitch { /** <summary>The frame mapped now (NetBSD).</summary> */ Translation, /** <summary>The page at the address.</summary> */ Pages }

/// <summary><c>length-wrap</c>: a length within a page of 2^64 (SPEC §5.1).</summary>
public enum LengthWrapSwitch { /** <summary>Wraps silently (NetBSD).</summary> */ Wrap, /** <summary>Range error.</summary> */ Reject }

/// <summary><c>privilege</c>: what makes a process privileged (SPEC §3.5, §17.5).</summary>
public enum PrivilegeSwitch { /** <summary>uid 0 (NetBSD).</summary> */ Uid0, /** <summary>Per capability (Linux).</summary> */ Caps }

/// <summary><c>placement</c>: where a mapping without a fixed address goes (SPEC §3.3, §17.6).</summary>
public enum PlacementSwitch { /** <summary>Lowest fit (NetBSD).</summary> */ Bottomup, /** <summary>Highest fit below <c>top</c> (Linux).</summary> */ Topdown }

/// <summary><c>syscalls</c>: the order of argument checks and the errnos of the call layer (SPEC §5, §17.7).</summary>
public enum SyscallsSwitch { /** <summary>NetBSD's <c>uvm_mmap.c</c>.</summary> */ Netbsd, /** <summary>Linux's <c>mm/</c>.</summary> */ Linux }
