using System;
using System.IO;
using System.Linq;
using EmbeddedMlp.Serialization;
using NUnit.Framework;
#if !UNITY_5_3_OR_NEWER
using System.Diagnostics;
using System.Globalization;
using System.Threading;
#endif

namespace EmbeddedMlp.Tests.Serialization
{
    /// <summary>
    /// Issue 16: a save killed mid-write leaves its temporary file behind; the next save of the same target removes the
    /// temporaries of writers that are gone, and never one that is still being written or belongs to another target.
    /// </summary>
    [TestFixture]
    public class StaleTemporaryTests
    {
        private string _dir = "";

        [SetUp]
        public void CreateFolder()
        {
            _dir = Path.Combine(Path.GetTempPath(), "embedded-mlp-stale-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(_dir);
        }

        [TearDown]
        public void DeleteFolder() => Directory.Delete(_dir, true);

        private static Mlp Model(ulong seed) => new Mlp(4, new[] { new LayerSpec(8, Activation.Tanh), new LayerSpec(2, Activation.Identity) }, seed);

        private static string Random12() => Guid.NewGuid().ToString("N").Substring(0, 12);

        /// <summary>A temporary file as a killed save leaves it: some bytes, last written <paramref name="age"/> ago.</summary>
        private string Fabricate(string fileName, TimeSpan age = default)
        {
            string path = Path.Combine(_dir, fileName);
            File.WriteAllBytes(path, new byte[] { 0x85, 0xa7 });
            if (age > TimeSpan.Zero) File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
            return path;
        }

        private string[] Names() => Directory.GetFiles(_dir).Select(f => Path.GetFileName(f)).OrderBy(n => n, StringComparer.Ordinal).ToArray();

        [Test]
        public void TheTemporaryNameCarriesTheWritersProcessId()
        {
            Assert.That(AtomicFile.OwnPid, Is.GreaterThan(0));
            Assert.That(AtomicFile.HostTag, Does.Match("^[0-9a-f]{8}$"));
            string path = Path.Combine(_dir, "model.mlp");
            string seen = "";
            AtomicFile.Write(path, s => { seen = Path.GetFileName(((FileStream)s).Name); s.WriteByte(1); });
            Assert.That(seen, Does.Match(@"^\.model\.mlp\." + AtomicFile.OwnPid + "-" + AtomicFile.HostTag + "-[0-9a-f]{12}\\.tmp$"));
            Assert.That(Names(), Is.EqualTo(new[] { "model.mlp" }));
        }

        /// <summary>An earlier process with this process's id (pid 1 in a container restarted after a kill) left it.</summary>
        [Test]
        public void ATemporaryWithThisProcessesIdThatNoSaveIsWritingIsRemoved()
        {
            Fabricate(AtomicFile.TemporaryName("model.mlp", AtomicFile.OwnPid, Random12()));
            Fabricate(AtomicFile.TemporaryName("model.mlp", AtomicFile.OwnPid, Random12()), TimeSpan.FromDays(3));
            ModelFile.Save(Model(1), Path.Combine(_dir, "model.mlp"));
            Assert.That(Names(), Is.EqualTo(new[] { "model.mlp" }));
        }

        /// <summary>A save started while another save of the same target is writing (here: nested) leaves that one alone.</summary>
        [Test]
        public void ASaveNeverRemovesTheTemporaryOfASaveThisProcessIsWriting()
        {
            string path = Path.Combine(_dir, "model.mlp");
            ModelFile.Save(Model(1), path);
            string outer = "";
            bool survived = false;
            AtomicFile.Write(path, s =>
            {
                outer = ((FileStream)s).Name;
                s.WriteByte(0x80);
                s.Flush();
                ModelFile.Save(Model(3), path);
                survived = File.Exists(outer);
                s.SetLength(0);
                s.Position = 0;
                ModelFile.Save(Model(2), s);
            });
            Assert.That(survived, Is.True, "the outer save's temporary " + outer);
            Assert.That(ModelFile.Load(path).Parameters.ToArray(), Is.EqualTo(Model(2).Parameters.ToArray()));
            Assert.That(Names(), Is.EqualTo(new[] { "model.mlp" }));
        }

        [Test]
        public void TemporariesOfOtherTargetsAndOtherFilesAreUntouched()
        {
            TimeSpan old = TimeSpan.FromDays(3);
            string[] kept =
            {
                // other targets, with this process's id (stale for their own target) or old
                AtomicFile.TemporaryName("model.mlp.1", AtomicFile.OwnPid, Random12()),
                AtomicFile.TemporaryName("other.mlp", AtomicFile.OwnPid, Random12()),
                AtomicFile.TemporaryName("model.ml", AtomicFile.OwnPid, Random12()),
                AtomicFile.TemporaryName("Model.mlp", AtomicFile.OwnPid, Random12()),
                AtomicFile.TemporaryName("xmodel.mlp", AtomicFile.OwnPid, Random12()),
                ".model.mlp.1." + Random12() + ".tmp", // the pid-less form, of target model.mlp.1
                // not temporaries of ours at all
                ".model.mlp.tmp",
                ".model.mlp.bak.tmp",
                ".model.mlp." + Random12() + ".tmp.bak",
                ".model.mlp." + Random12().ToUpperInvariant() + ".tmp",
                ".model.mlp." + AtomicFile.OwnPid + "-" + AtomicFile.HostTag + "-" + Random12() + "0.tmp",
                ".model.mlp.x" + AtomicFile.OwnPid + "-" + AtomicFile.HostTag + "-" + Random12() + ".tmp",
                "model.mlp." + AtomicFile.OwnPid + "-" + AtomicFile.HostTag + "-" + Random12() + ".tmp",
                "notes.txt",
            };
            foreach (string name in kept) Fabricate(name, old);
            ModelFile.Save(Model(1), Path.Combine(_dir, "model.mlp"));
            Assert.That(Names(), Is.EqualTo(kept.Append("model.mlp").OrderBy(n => n, StringComparer.Ordinal).ToArray()));
        }

        /// <summary>Without a process id (older versions, platforms without one) only the age tells: an hour.</summary>
        [Test]
        public void APidLessTemporaryIsRemovedOnlyOnceItIsOld()
        {
            string fresh = Fabricate(".model.mlp." + Random12() + ".tmp", TimeSpan.FromMinutes(5));
            Fabricate(".model.mlp." + Random12() + ".tmp", AtomicFile.StaleAge + TimeSpan.FromMinutes(5));
            ModelFile.Save(Model(1), Path.Combine(_dir, "model.mlp"));
            Assert.That(Names(), Is.EqualTo(new[] { Path.GetFileName(fresh), "model.mlp" }));
        }

        /// <summary>Another machine's process ids mean nothing here (a shared folder): only the age tells.</summary>
        [Test]
        public void AnotherMachinesTemporaryIsRemovedOnlyOnceItIsOld()
        {
            string otherHost = AtomicFile.HostTag == "00000000" ? "00000001" : "00000000";
            string fresh = Fabricate(".model.mlp." + AtomicFile.OwnPid + "-" + otherHost + "-" + Random12() + ".tmp");
            Fabricate(".model.mlp." + AtomicFile.OwnPid + "-" + otherHost + "-" + Random12() + ".tmp", AtomicFile.StaleAge + TimeSpan.FromMinutes(5));
            ModelFile.Save(Model(1), Path.Combine(_dir, "model.mlp"));
            Assert.That(Names(), Is.EqualTo(new[] { Path.GetFileName(fresh), "model.mlp" }));
        }

        [Test]
        public void AFailedSaveStillCleansUpAndFailsAsBefore()
        {
            string path = Path.Combine(_dir, "model.mlp");
            ModelFile.Save(Model(1), path);
            byte[] before = File.ReadAllBytes(path);
            Fabricate(AtomicFile.TemporaryName("model.mlp", AtomicFile.OwnPid, Random12()));
            Assert.That(() => AtomicFile.Write(path, s => { s.WriteByte(1); throw new InvalidDataException("injected"); }),
                Throws.TypeOf<InvalidDataException>());
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));
            Assert.That(Names(), Is.EqualTo(new[] { "model.mlp" }));
        }

        [Test]
        public void CleanupOfAMissingFolderDoesNotThrowAndTheSaveFailsAsBefore()
        {
            string missing = Path.Combine(_dir, "missing");
            Assert.That(() => AtomicFile.RemoveStaleTemporaries(missing, "model.mlp"), Throws.Nothing);
            Assert.That(() => ModelFile.Save(Model(1), Path.Combine(missing, "model.mlp")), Throws.InstanceOf<DirectoryNotFoundException>());
        }

#if !UNITY_5_3_OR_NEWER // spawns processes
        private static string Host()
        {
            string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            return string.IsNullOrEmpty(host) ? "dotnet" : host!;
        }

        /// <summary>The id of a process that has run and exited (and been reaped).</summary>
        private static int DeadPid()
        {
            var start = new ProcessStartInfo(Host()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("--version");
            using (Process p = Process.Start(start)!)
            {
                p.StandardOutput.ReadToEnd();
                p.StandardError.ReadToEnd();
                Assert.That(p.WaitForExit(60000), Is.True);
                int pid = p.Id;
                Assert.That(() => Process.GetProcessById(pid).Dispose(), Throws.InstanceOf<ArgumentException>(), "the child is gone");
                return pid;
            }
        }

        /// <summary>A child process that stays alive until its standard input is closed (or it is killed).</summary>
        private static Process LiveChild()
        {
            var start = OperatingSystem.IsWindows() ? new ProcessStartInfo("cmd.exe") : new ProcessStartInfo("cat");
            start.RedirectStandardInput = true;
            start.RedirectStandardOutput = true;
            start.UseShellExecute = false;
            return Process.Start(start)!;
        }

        [Test]
        public void TemporariesOfAWriterThatNoLongerExistsAreRemovedByTheNextSave()
        {
            int dead = DeadPid();
            for (int i = 0; i < 3; i++) Fabricate(AtomicFile.TemporaryName("model.mlp", dead, Random12()));
            Fabricate(AtomicFile.TemporaryName("model.mlp", dead, Random12()), TimeSpan.FromDays(3));
            string path = Path.Combine(_dir, "model.mlp");
            ModelFile.Save(Model(1), path);
            Assert.That(Names(), Is.EqualTo(new[] { "model.mlp" }));
            Assert.That(ModelFile.Load(path).Parameters.ToArray(), Is.EqualTo(Model(1).Parameters.ToArray()));
        }

        [Test]
        public void ATemporaryOfALiveProcessIsKeptUnlessItsIdWasReused()
        {
            using (Process child = LiveChild())
            {
                try
                {
                    Thread.Sleep(50); // the file is written after the child started
                    string live = Fabricate(AtomicFile.TemporaryName("model.mlp", child.Id, Random12()));
                    // last written 30 minutes before this child started: the id was reused, the writer is gone
                    Fabricate(AtomicFile.TemporaryName("model.mlp", child.Id, Random12()), TimeSpan.FromMinutes(30) + (DateTime.Now - child.StartTime));
                    ModelFile.Save(Model(1), Path.Combine(_dir, "model.mlp"));
                    Assert.That(Names(), Is.EqualTo(new[] { Path.GetFileName(live), "model.mlp" }.OrderBy(n => n, StringComparer.Ordinal).ToArray()));
                }
                finally
                {
                    child.Kill();
                    child.WaitForExit();
                }
            }
        }

        /// <summary>A file still held open by its writer (sharing rules on Windows, an advisory lock on .NET on Unix) stays.</summary>
        [Test]
        public void AStaleLookingTemporaryThatIsStillOpenIsKeptAndTheSaveSucceeds()
        {
            string held = Fabricate(AtomicFile.TemporaryName("model.mlp", DeadPid(), Random12()), TimeSpan.FromDays(3));
            string path = Path.Combine(_dir, "model.mlp");
            using (new FileStream(held, FileMode.Open, FileAccess.Write, FileShare.None))
                ModelFile.Save(Model(1), path);
            Assert.That(Names(), Is.EqualTo(new[] { Path.GetFileName(held), "model.mlp" }.OrderBy(n => n, StringComparer.Ordinal).ToArray()));
            ModelFile.Save(Model(2), path);
            Assert.That(Names(), Is.EqualTo(new[] { "model.mlp" }), "closed: removed by the next save");
        }

        /// <summary>
        /// The AgentTraining sample saving its policy every frame, killed (SIGKILL on Unix) four times at varying moments
        /// and restarted: each run's first save removes what the killed one left, so at most the last run's temporary is
        /// ever there; the file always loads; a save from here leaves no temporary at all.
        /// </summary>
        [Test]
        public void KilledSavesLeaveNothingBehindAfterTheNextSave()
        {
            string dll = Path.Combine(AppContext.BaseDirectory, "AgentTraining.dll");
            string path = Path.Combine(_dir, "policy.mlp");
            int leftByKills = 0;
            for (int run = 0; run < 4; run++)
            {
                var start = new ProcessStartInfo(Host()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (string a in new[] { dll, "--agents", "2", "--frames", "1000000", "--full-budget", "--quiet", "--budget-us", "100",
                                             "--out", path, "--save-every", "1", "--seed", (run + 1).ToString(CultureInfo.InvariantCulture) })
                    start.ArgumentList.Add(a);
                DateTime started = DateTime.UtcNow;
                using (Process p = Process.Start(start)!)
                {
                    p.OutputDataReceived += (_, _) => { };
                    p.ErrorDataReceived += (_, _) => { };
                    p.BeginOutputReadLine();
                    p.BeginErrorReadLine();
                    var watch = Stopwatch.StartNew();
                    // wait for a save of this run (its first save removed the previous run's temporaries)
                    while (!(File.Exists(path) && File.GetLastWriteTimeUtc(path) > started) && watch.ElapsedMilliseconds < 60000 && !p.HasExited)
                        Thread.Sleep(10);
                    Assert.That(p.HasExited, Is.False, "the sample is still running");
                    Assert.That(File.GetLastWriteTimeUtc(path), Is.GreaterThan(started), "the sample saved");
                    Thread.Sleep(20 + 70 * run);
                    p.Kill();
                    Assert.That(p.WaitForExit(30000), Is.True);

                    string[] temporaries = Names().Where(n => n != "policy.mlp").ToArray();
                    leftByKills += temporaries.Length;
                    string mine = ".policy.mlp." + p.Id + "-" + AtomicFile.HostTag + "-";
                    Assert.That(temporaries.All(n => n.StartsWith(mine, StringComparison.Ordinal)), Is.True,
                        "only the run just killed may have left a temporary: " + string.Join(", ", temporaries));
                }
                Assert.That(ModelFile.Load(path).InputCount, Is.EqualTo(4), "the policy file is whole after the kill");
            }
            TestContext.Out.WriteLine($"temporaries left by the kills, each removed by the next run: {leftByKills}");

            ModelFile.Save(Model(1), path);
            Assert.That(Names(), Is.EqualTo(new[] { "policy.mlp" }));
            Assert.That(ModelFile.Load(path).Parameters.ToArray(), Is.EqualTo(Model(1).Parameters.ToArray()));
        }
#endif
    }
}
