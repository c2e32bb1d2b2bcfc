using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace EmbeddedMlp.Serialization
{
    /// <summary>
    /// Replaces a file atomically: the content goes to a temporary file in the same folder, is flushed to disk, then
    /// renamed over the target. Readers see the old file or the new one, never a torn one; a failure at any point
    /// leaves the old file as it was and removes the temporary file.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The temporary file is <c>.NAME.PID-HOST-RANDOM.tmp</c>: the writer's process id, 8 hex digits of a hash of the
    /// machine name and 12 random hex digits (<c>.NAME.RANDOM.tmp</c> where the process id or machine name cannot be
    /// read). The writer holds it open with <see cref="FileShare.None"/> until the rename.
    /// </para>
    /// <para>
    /// A process killed mid-save leaves its temporary file behind. Every save first removes the stale temporaries of
    /// the same target (the name must match exactly; other files are never touched): one whose writer is this
    /// process but which no save of this process is writing (an earlier process with the same id, as with pid 1 in
    /// containers), one whose writer process no longer exists, or one whose process id now belongs to a process that
    /// started after the file was last written (the id was reused). Any other one — its writer still runs, or cannot be
    /// told apart (another machine sharing the folder, no process information on the platform, a file of an older
    /// version) — is removed only once it was last written <see cref="StaleAge"/> ago. Before deleting, the file is opened with
    /// <see cref="FileShare.None"/>: a writer still holding it (Windows sharing rules; advisory locks on .NET on Unix)
    /// makes that fail and the file is kept. The cleanup is best-effort: it never throws, and the save then succeeds
    /// or fails exactly as it would have.
    /// </para>
    /// </remarks>
    internal static class AtomicFile
    {
        /// <summary>Age (since the last write) after which a temporary whose writer cannot be identified is stale.</summary>
        internal static readonly TimeSpan StaleAge = TimeSpan.FromHours(1);

        /// <summary>
        /// Slack when comparing a process's start time with a file's last-write time (coarse file timestamps: 2 s on
        /// FAT; start times derived from the boot time): only a process that started this much later is "another one".
        /// </summary>
        private static readonly TimeSpan StartTimeSlack = TimeSpan.FromSeconds(10);

        private const int RandomDigits = 12, HostDigits = 8;

        /// <summary>File names of the temporaries this process is writing right now (the cleanup never touches them).</summary>
        private static readonly HashSet<string> Writing = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>This process's id, or -1 when the platform does not give it.</summary>
        internal static readonly int OwnPid = CurrentPid();

        /// <summary>8 hex digits of an FNV-1a hash of the machine name, or null when the platform does not give it.</summary>
        internal static readonly string? HostTag = MachineTag();

        public static void Write(string path, Action<Stream> write)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            string full = Path.GetFullPath(path);
            string directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"path: expected a file path, found \"{path}\".", nameof(path));
            string name = Path.GetFileName(full);
            RemoveStaleTemporaries(directory, name);

            string tempName = TemporaryName(name, OwnPid, Guid.NewGuid().ToString("N").Substring(0, RandomDigits));
            string temp = Path.Combine(directory, tempName);
            lock (Writing) Writing.Add(tempName);
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
            finally
            {
                lock (Writing) Writing.Remove(tempName);
            }
        }

        /// <summary>
        /// The temporary file name for target file <paramref name="name"/> written by process <paramref name="pid"/>
        /// on this machine (the pid-less form when <paramref name="pid"/> or this machine's tag is unknown).
        /// </summary>
        internal static string TemporaryName(string name, int pid, string random)
        {
            if (pid < 0 || HostTag is null) return "." + name + "." + random + ".tmp";
            return "." + name + "." + pid.ToString(CultureInfo.InvariantCulture) + "-" + HostTag + "-" + random + ".tmp";
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

        // ---- Stale temporaries -----------------------------------------------------------------------------------

        /// <summary>Deletes the stale temporaries of target <paramref name="name"/> in <paramref name="directory"/>; never throws.</summary>
        internal static void RemoveStaleTemporaries(string directory, string name)
        {
            try
            {
                string prefix = "." + name + ".";
                // Characters that are wildcards or escapes in some search-pattern dialect: list every temporary instead.
                string pattern = name.IndexOfAny(PatternCharacters) >= 0 ? ".*.tmp" : prefix + "*.tmp";
                DateTime now = DateTime.UtcNow;
                foreach (string file in Directory.EnumerateFiles(directory, pattern))
                {
                    try
                    {
                        if (IsStale(file, prefix, now)) DeleteUnlessOpen(file);
                    }
                    catch (Exception) { } // best effort: a file in use, gone, or not ours to delete stays
                }
            }
            catch (Exception) { } // best effort: an unreadable folder fails the save itself, as before, if it must
        }

        private static readonly char[] PatternCharacters = { '*', '?', '<', '>', '"', '\\', '[', ']' };

        private static bool IsStale(string file, string prefix, DateTime now)
        {
            string fileName = Path.GetFileName(file);
            if (fileName.Length <= prefix.Length + 4 || !fileName.StartsWith(prefix, StringComparison.Ordinal) ||
                !fileName.EndsWith(".tmp", StringComparison.Ordinal))
                return false;
            // Exactly RANDOM or PID-HOST-RANDOM, without dots: a temporary of target NAME.X has a dot in its middle part.
            string middle = fileName.Substring(prefix.Length, fileName.Length - prefix.Length - 4);
            int pid;
            string? host;
            if (IsHex(middle, 0, middle.Length, RandomDigits))
            {
                pid = -1;
                host = null;
            }
            else if (!TryParseIdentity(middle, out pid, out host))
            {
                return false;
            }
            lock (Writing)
                if (Writing.Contains(fileName)) return false;

            DateTime lastWrite = File.GetLastWriteTimeUtc(file);
            if (pid >= 0 && OwnPid >= 0 && host == HostTag)
            {
                if (pid == OwnPid) return true; // not one this process is writing: an earlier process with the same id
                if (WriterIsGone(pid, lastWrite)) return true;
            }
            return now - lastWrite > StaleAge;
        }

        /// <summary>True when no process <paramref name="pid"/> exists, or it started after the file was last written.</summary>
        private static bool WriterIsGone(int pid, DateTime lastWriteUtc)
        {
            Process process;
            try
            {
                process = Process.GetProcessById(pid);
            }
            catch (ArgumentException)
            {
                return true; // "Process with an Id of … is not running."
            }
            catch (Exception)
            {
                return false; // unsupported here: fall back to the age rule
            }
            using (process)
            {
                try
                {
                    return process.StartTime.ToUniversalTime() > lastWriteUtc + StartTimeSlack;
                }
                catch (Exception)
                {
                    return false; // access denied, exited meanwhile, unsupported: fall back to the age rule
                }
            }
        }

        /// <summary>
        /// Deletes <paramref name="file"/> unless a writer still holds it: opening it with <see cref="FileShare.None"/>
        /// fails then (a sharing violation on Windows; the writer's advisory lock on .NET on Unix) and this throws.
        /// </summary>
        private static void DeleteUnlessOpen(string file)
        {
            using (new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.None, 1)) { }
            File.Delete(file);
        }

        private static bool TryParseIdentity(string middle, out int pid, out string? host)
        {
            pid = -1;
            host = null;
            int dash1 = middle.IndexOf('-');
            if (dash1 < 1 || dash1 > 10) return false;
            int dash2 = dash1 + 1 + HostDigits;
            if (middle.Length != dash2 + 1 + RandomDigits || middle[dash2] != '-') return false;
            if (!IsHex(middle, dash1 + 1, HostDigits, HostDigits) || !IsHex(middle, dash2 + 1, RandomDigits, RandomDigits)) return false;
            long value = 0;
            for (int i = 0; i < dash1; i++)
            {
                char c = middle[i];
                if (c < '0' || c > '9') return false;
                value = value * 10 + (c - '0');
            }
            if (value > int.MaxValue) return false;
            pid = (int)value;
            host = middle.Substring(dash1 + 1, HostDigits);
            return true;
        }

        private static bool IsHex(string s, int start, int length, int expected)
        {
            if (length != expected || start + length > s.Length) return false;
            for (int i = start; i < start + length; i++)
            {
                char c = s[i];
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
            }
            return true;
        }

        private static int CurrentPid()
        {
            try
            {
#if NET
                return Environment.ProcessId;
#else
                using (Process process = Process.GetCurrentProcess()) return process.Id;
#endif
            }
            catch (Exception)
            {
                return -1;
            }
        }

        private static string? MachineTag()
        {
            try
            {
                string machine = Environment.MachineName;
                uint hash = 2166136261;
                foreach (char c in machine)
                {
                    hash = (hash ^ c) * 16777619;
                }
                return hash.ToString("x8", CultureInfo.InvariantCulture);
            }
            catch (Exception)
            {
                return null;
            }
        }
    }
}
