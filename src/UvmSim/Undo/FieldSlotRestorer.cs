using System.Runtime.CompilerServices;

namespace UvmSim.Undo;

/// <summary>
/// Saves and restores one field of an object (<see cref="UndoLog.Set{TOwner, T}"/>): the old
/// value travels in the entry, with the field's place as a byte offset into the object, so a
/// property set logs a few words instead of a copy of its owner (the saves were most of the
/// walk's cost of a call: docs/performance.md, "The undo log").
/// </summary>
/// <remarks>
/// The offset of a field in its object never changes, and the collector moves an object
/// whole, so restoring writes through the object's current address plus the offset. A
/// reference travels in <c>Saved</c>, a small plain value in the payload; any other value
/// (a struct holding references, or over 16 bytes) makes its owner be saved whole instead.
/// </remarks>
internal sealed class FieldSlotRestorer<T> : Restorer
{
    public static readonly FieldSlotRestorer<T> Instance = new();

    /// <summary>Whether a <typeparamref name="T"/> travels in an entry: a reference, or a plain value of up to 16 bytes.</summary>
    public static readonly bool Fits = !typeof(T).IsValueType
        || (!RuntimeHelpers.IsReferenceOrContainsReferences<T>() && Unsafe.SizeOf<T>() <= Unsafe.SizeOf<UndoLog.Payload>());

    /// <summary>The first byte of <paramref name="o"/>'s fields, the origin a field's offset is taken from.</summary>
    public static ref byte FieldsOf(object o) => ref Unsafe.As<RawObject>(o).Data;

    public static void Save(object owner, ref T field, UndoLog log)
    {
        int offset = (int)Unsafe.ByteOffset(ref FieldsOf(owner), ref Unsafe.As<T, byte>(ref field));
        if (typeof(T).IsValueType)
        {
            UndoLog.Payload old = default;
            Unsafe.As<UndoLog.Payload, T>(ref old) = field;
            log.Add(Instance, owner, null, offset, old);
        }
        else
        {
            log.Add(Instance, owner, Unsafe.As<T, object?>(ref field), offset);
        }
    }

    public override void Restore(in UndoLog.Entry e, UndoLog log)
    {
        ref T field = ref Unsafe.As<byte, T>(ref Unsafe.AddByteOffset(ref FieldsOf(e.Target), (nint)e.Index));
        if (typeof(T).IsValueType)
        {
            UndoLog.Payload old = e.Old;
            field = Unsafe.As<UndoLog.Payload, T>(ref old);
        }
        else
        {
            object? saved = e.Saved;
            field = Unsafe.As<object?, T>(ref saved);
        }
    }

    /// <summary>An object seen as its first field: the layout every class instance has after its header.</summary>
    private sealed class RawObject
    {
        public byte Data;
    }
}
