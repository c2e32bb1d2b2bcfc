using System;
using System.IO;

namespace EmbeddedMlp.Serialization
{
    /// <summary>
    /// Replaces a file atomically: the content goes to a temporary file in the same folder, is flushed to disk, then
    /// renamed over the target. Readers see the old file or the new one, never a torn one; a failure at any point
    /// leaves the old file as it was and removes the temporary file.
    /// </summary>
    internal static class AtomicFile
    {
        public static void Write(string path, Action<Stream> write)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            string full = Path.GetFullPath(path);
            string directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"path: expected a file path, found \"{path}\".", nameof(path));
            string temp = Path.Combine(directory, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N").Substring(0, 12) + ".tmp");
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096))
                {
                    write(stream);
                    stream.Flush(flushToDisk: true);
                }
                Replace(temp, full);
            }
            catch
            {
                try { File.Delete(temp); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
                throw;
            }
        }

        private static void Replace(string temp, string target)
        {
#if NET
            File.Move(temp, target, overwrite: true); // rename(2) on Unix, MoveFileEx(REPLACE_EXISTING) on Windows
#else
            if (File.Exists(target)) File.Replace(temp, target, null);
            else File.Move(temp, target);
#endif
        }
    }
}
