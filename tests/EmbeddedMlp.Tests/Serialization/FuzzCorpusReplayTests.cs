#if !UNITY_5_3_OR_NEWER // reads the repository's fuzz corpus: not meaningful inside a Unity project
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EmbeddedMlp.Serialization;
using EmbeddedMlp.Tests.Package;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Serialization
{
    /// <summary>
    /// Replays the minimised corpus of the coverage-guided campaigns (tests/EmbeddedMlp.Fuzz~/corpus: 306 inputs that
    /// together reach every branch AFL++ found) through every entry point: each must load or be rejected with a
    /// <see cref="ModelFormatException"/>, so a change to the reader is checked against the inputs that reach its corners.
    /// </summary>
    [TestFixture]
    public class FuzzCorpusReplayTests
    {
        [Test]
        public void EveryCorpusInputLoadsOrIsRejectedWithModelFormatException()
        {
            string dir = Path.Combine(RepositoryFiles.Root, "tests", "EmbeddedMlp.Fuzz~", "corpus");
            string[] files = Directory.GetFiles(dir, "*.mp").OrderBy(f => f, StringComparer.Ordinal).ToArray();
            Assert.That(files.Length, Is.GreaterThan(100));
            var lenient = new ModelLoadOptions { AllowNonFinite = true };
            var failures = new List<string>();
            int loaded = 0;
            foreach (string file in files)
            {
                byte[] data = File.ReadAllBytes(file);
                var entries = new Action[]
                {
                    () => ModelFile.Load(data),
                    () => ModelFile.Load(new ReadOnlySpan<byte>(data), lenient),
                    () => ModelFile.LoadCheckpoint(new MemoryStream(data), lenient),
                    () => ModelFile.ReadMetadata(data),
                };
                foreach (Action load in entries)
                {
                    try { load(); loaded++; }
                    catch (ModelFormatException) { }
                    catch (Exception e) { failures.Add($"{Path.GetFileName(file)}: {e.GetType().Name}: {e.Message}"); }
                }
            }
            Assert.That(failures, Is.Empty);
            Assert.That(loaded, Is.GreaterThan(0));
        }
    }
}
#endif
