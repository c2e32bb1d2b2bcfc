#if !UNITY_5_3_OR_NEWER // checks of the repository itself: not meaningful inside a Unity project
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace EmbeddedMlp.Tests.Package
{
    /// <summary>The repository root and the files Unity would import from it.</summary>
    internal static class RepositoryFiles
    {
        private static string? _root;

        public static string Root => _root ??= FindRoot();

        private static string FindRoot()
        {
            string? dir = AppContext.BaseDirectory;
            while (dir != null)
            {
                if (File.Exists(Path.Combine(dir, "package.json")) && File.Exists(Path.Combine(dir, "EmbeddedMlp.sln"))) return dir;
                dir = Path.GetDirectoryName(dir);
            }
            throw new InvalidOperationException($"repository root: expected a folder holding package.json and EmbeddedMlp.sln above {AppContext.BaseDirectory}, found none.");
        }

        /// <summary>Files git tracks plus untracked files it does not ignore (relative, '/'-separated).</summary>
        public static IReadOnlyList<string> Listed()
        {
            var psi = new ProcessStartInfo("git", "ls-files -co --exclude-standard -z")
            {
                WorkingDirectory = Root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using (Process p = Process.Start(psi)!)
            {
                string output = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode != 0) throw new InvalidOperationException("git ls-files failed: " + p.StandardError.ReadToEnd());
                return output.Split('\0').Where(f => f.Length > 0 && File.Exists(Path.Combine(Root, f))).OrderBy(f => f, StringComparer.Ordinal).ToList();
            }
        }

        /// <summary>Unity imports every path except names starting with '.' or ending with '~', "cvs", and *.tmp.</summary>
        public static bool IsImportedByUnity(string relative)
        {
            foreach (string part in relative.Split('/'))
                if (part.StartsWith(".", StringComparison.Ordinal) || part.EndsWith("~", StringComparison.Ordinal) || string.Equals(part, "cvs", StringComparison.OrdinalIgnoreCase))
                    return false;
            return !relative.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase);
        }

        public static string Read(string relative) => File.ReadAllText(Path.Combine(Root, relative));
    }
}
#endif
