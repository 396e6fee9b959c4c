namespace UvmSim.Undo;

/// <summary>
/// On a collection field: touching its holder does not save it, because the code that
/// changes it logs it there, element by element (<see cref="UndoLog.Element{T}"/>: the
/// frames, where a touch of the pool would copy all of physical memory) or with a touch of
/// its own; or because it is scratch, cleared before every use. A touch of an object is
/// then as cheap as the fields it changes.
/// </summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class LoggedApartAttribute : Attribute;
