namespace UvmSim.Cli;

/// <summary>
/// Files the tool writes appear whole or not at all (issue 12): the text goes to a temporary
/// file beside the target, which is then renamed over it, so an interrupted or failed write
/// never leaves half a reproducer, and a reader never sees one being written.
/// </summary>
internal static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="text"/> to <paramref name="path"/>.
    /// =&gt; with <paramref name="overwrite"/> false, an existing file is kept and the call throws
    ///    <see cref="IOException"/> (the rename refuses), so two writers never take one name.
    /// =&gt; on any failure the temporary file is removed and the exception propagates.
    /// </summary>
    public static void Write(string path, string text, bool overwrite)
    {
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(text);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Writes to <paramref name="stem"/><c>.scn</c>, else <c>STEM-2.scn</c>, <c>STEM-3.scn</c>…,
    /// the first name nobody holds; returns it.
    /// </summary>
    public static string WriteNew(string stem, string extension, Func<string, string> text)
    {
        for (int i = 1; ; i++)
        {
            string path = i == 1 ? stem + extension : $"{stem}-{i}{extension}";
            if (File.Exists(path))
            {
                continue;
            }
            try
            {
                Write(path, text(path), overwrite: false);
                return path;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Taken between the check and the rename: try the next name.
            }
        }
    }

    /// <summary>
    /// Null when a file can be created in <paramref name="directory"/> (created first if
    /// needed), else why not: checked before a search starts, so a finding is never lost to an
    /// unwritable <c>--out</c>.
    /// </summary>
    public static string? CheckWritable(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            string probe = Path.Combine(directory, $".uvmsim-probe-{Guid.NewGuid():N}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return e.Message;
        }
    }
}
