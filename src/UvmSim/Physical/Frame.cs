using System.Runtime.InteropServices;

namespace UvmSim.Physical;

/// <summary>What a frame is doing now.</summary>
public enum FrameState : byte
{
    /// <summary>On the free list; <see cref="Frame.Owner"/> links to the next free frame.</summary>
    Free,
    /// <summary>Holds a page of an object or an anon.</summary>
    InUse,
    /// <summary>Freed by its owner while transient holds remained (SPEC §3.1, <c>transient=held</c>).</summary>
    Orphaned,
}

/// <summary>
/// One physical page (<c>struct vm_page</c>), packed into 16 bytes so that a 16 GiB machine
/// (4,194,304 frames) costs 64 MiB:
/// <code>
///  0      2     3     4          8          12         16
///  | wire | st  | idx | owner    | offset   | stamp    |
/// </code>
/// <c>wire</c> is 16-bit as in NetBSD, so it wraps with diagnostics off. For a free frame
/// <c>owner</c> is the next free frame's index (an intrusive free list).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public struct Frame
{
    /// <summary>How many wirings hold the frame (<c>wire_count</c>).</summary>
    public ushort WireCount;

    /// <summary>Free, in use or orphaned.</summary>
    public FrameState State;

    /// <summary>Non-zero while the frame is listed in the pool's index of counted frames.</summary>
    internal byte Indexed;

    /// <summary>Owner registry id (object or anon); next free frame while free.</summary>
    public int Owner;

    /// <summary>Page index within the owning object (0 for an anon).</summary>
    public int Offset;

    /// <summary>Activation stamp: the page daemon reclaims the oldest first.</summary>
    public uint Stamp;
}
