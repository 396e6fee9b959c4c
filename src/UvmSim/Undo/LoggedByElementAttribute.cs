namespace UvmSim.Undo;

/// <summary>
/// On an array field: its holder logs each element before changing it
/// (<see cref="UndoLog.Element{T}"/>), so touching the holder does not save the whole array
/// (the frames: a touch of the frame pool would otherwise copy all of physical memory).
/// </summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class LoggedByElementAttribute : Attribute;
