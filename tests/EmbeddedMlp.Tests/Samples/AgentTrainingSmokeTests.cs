#if !UNITY_5_3_OR_NEWER // runs the console samples, which are not part of a Unity project
using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using EmbeddedMlp.Samples.AgentTraining;
using EmbeddedMlp.Serialization;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Samples
{
    /// <summary>Short runs of the AgentTraining sample's game loop: its invariants, not its full learning run.</summary>
    [TestFixture]
    public class AgentTrainingSmokeTests
    {
        private static AgentTrainingOptions Short(ulong seed, int frames) => new AgentTrainingOptions
        {
            Seed = seed, MaxFrames = frames, WarmupFrames = 100, ProgressEvery = 100, StopAtSuccess = false,
        };

        [Test]
        public void GameLoopAllocatesNothingAfterWarmup()
        {
            // The sample's own settings (a progress line every 250 frames, the first after the 100 warm-up frames), its
            // lines formatted into a writer that discards them.
            var defaults = new AgentTrainingOptions();
            Assert.That(defaults.ProgressEvery, Is.GreaterThan(defaults.WarmupFrames), "a progress line is printed after the allocation baseline");
            AgentTrainingResult r = AgentTrainingRun.Run(new AgentTrainingOptions { Seed = 1, MaxFrames = 600, StopAtSuccess = false }, TextWriter.Null);

            Assert.That(r.Frames, Is.EqualTo(600));
            Assert.That(r.Updates, Is.EqualTo(600 - new ActorCriticSettings().Horizon), "one update per frame once the horizon is filled");
            Assert.That(r.Episodes, Is.GreaterThan(0));
            Assert.That(r.Cost.Frames, Is.EqualTo(500));
            Assert.That(r.AllocatedBytesAfterWarmup, Is.EqualTo(0), "bytes allocated by the game loop after warm-up");
            Assert.That(r.GcCollectionsAfterWarmup, Is.EqualTo(0), "GC collections after warm-up");
            Assert.That(r.WarmupMicroseconds, Is.GreaterThan(0), "the loading-screen warm-up ran");
        }

        /// <summary>
        /// The sample exactly as a user runs it — its own process, no arguments, progress lines on, written to the
        /// console — to its success (about 2,700 frames, ten progress lines after the allocation baseline): 0 bytes and
        /// no collection after warm-up, and the frame-cost summary with its tail percentiles. Without arguments matters:
        /// an argument such as <c>--frames 1200</c> parses a number before the game loop, which hid an allocation the
        /// first progress line made when nothing had (the invariant culture's number format, 312 bytes).
        /// </summary>
        [Test]
        public void TheRealProcessWithProgressLinesAllocatesNothingAfterWarmup()
        {
            string dll = Path.Combine(AppContext.BaseDirectory, "AgentTraining.dll");
            string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            var start = new System.Diagnostics.ProcessStartInfo(string.IsNullOrEmpty(host) ? "dotnet" : host!)
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            start.ArgumentList.Add(dll);
            // A culture of its own, as a player's machine has: under the invariant culture the header's numbers would
            // create the invariant number format before the loop and hide an allocation of the first progress line.
            start.Environment["LC_ALL"] = "en_US.UTF-8";
            start.Environment.Remove("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT");
            using var p = System.Diagnostics.Process.Start(start)!;
            string stdout = p.StandardOutput.ReadToEnd();
            string stderr = p.StandardError.ReadToEnd();
            Assert.That(p.WaitForExit(120_000), Is.True);
            Assert.That(stdout, Does.Contain("frame    1000"), "progress lines were printed after the baseline");
            Assert.That(stdout, Does.Contain("after warm-up (100 frames): 0 GC collections, 0 bytes allocated by the game loop"), stdout + stderr);
            Assert.That(stdout, Does.Contain("SUCCESS at frame"), stdout);
            Assert.That(stdout, Does.Match(@"p50 \d+ µs, p99 \d+ µs, p99\.9 \d+ µs, max \d+ µs over \d+ frames"), stdout);
        }

        [Test]
        public void SameSeedGivesTheSameRunBitForBit()
        {
            AgentTrainingResult a = AgentTrainingRun.Run(Short(2, 300));
            AgentTrainingResult b = AgentTrainingRun.Run(Short(2, 300));
            AgentTrainingResult c = AgentTrainingRun.Run(Short(3, 300));

            Assert.That(b.Curve, Is.EqualTo(a.Curve));
            Assert.That(b.Episodes, Is.EqualTo(a.Episodes));
            Assert.That(b.Policy.Parameters.ToArray(), Is.EqualTo(a.Policy.Parameters.ToArray()), "policy weights after 300 frames");
            Assert.That(c.Policy.Parameters.ToArray(), Is.Not.EqualTo(a.Policy.Parameters.ToArray()), "another seed, other weights");
        }

        [Test]
        public void PolicyImprovesWithinAThousandFrames()
        {
            // A random policy keeps the pole up for about 22 ticks; seed 1 is past 100 after 1,000 frames (the full
            // run reaches the success criterion, 475 over 100 episodes, at frame 2,159).
            AgentTrainingResult r = AgentTrainingRun.Run(Short(1, 1000));
            Assert.That(r.FinalMeanScore, Is.GreaterThan(100.0));
        }

        [Test]
        public void CommandLineErrorsNameTheOptionAndWhatWasFound()
        {
            var e = Assert.Throws<ArgumentException>(() => CommandLine.Parse(new[] { "--agents", "zero" }, out _));
            Assert.That(e!.Message, Does.Contain("--agents").And.Contain("2..1024").And.Contain("'zero'"));
            e = Assert.Throws<ArgumentException>(() => CommandLine.Parse(new[] { "--seed" }, out _));
            Assert.That(e!.Message, Does.Contain("--seed").And.Contain("end of the command line"));
            e = Assert.Throws<ArgumentException>(() => CommandLine.Parse(new[] { "--speed", "3" }, out _));
            Assert.That(e!.Message, Does.Contain("'--speed'"));

            AgentTrainingOptions o = CommandLine.Parse(new[] { "--seed", "7", "--agents", "16", "--frames", "500", "--out", "p.bin" }, out bool quiet);
            Assert.That(o.Seed, Is.EqualTo(7UL));
            Assert.That(o.Agents, Is.EqualTo(16));
            Assert.That(o.MaxFrames, Is.EqualTo(500));
            Assert.That(o.OutPath, Is.EqualTo("p.bin"));
            Assert.That(quiet, Is.False);

            e = Assert.Throws<ArgumentException>(() => CommandLine.Parse(new[] { "--save-every", "100" }, out _));
            Assert.That(e!.Message, Does.Contain("--save-every").And.Contain("--out"));
        }

        [Test]
        public void AlgorithmsAndWorldsParseAndThePendulumNeedsPpo()
        {
            AgentTrainingOptions o = CommandLine.Parse(new[] { "--algorithm", "dqn" }, out _);
            Assert.That(o.Algorithm, Is.EqualTo(Algorithm.Dqn));
            Assert.That(o.World, Is.EqualTo(World.CartPole));
            Assert.That(o.SuccessScore, Is.EqualTo(475));
            o = CommandLine.Parse(new[] { "--env", "pendulum", "--algorithm", "ppo", "--budget-us", "500", "--guard" }, out _);
            Assert.That(o.World, Is.EqualTo(World.Pendulum));
            Assert.That(o.SuccessScore, Is.EqualTo(-250));
            Assert.That(o.MaxFrames, Is.EqualTo(1_000_000 / 32), "1M environment steps by default");
            Assert.That(o.TrainingBudgetMicroseconds, Is.EqualTo(500));
            Assert.That(o.Guard, Is.Not.Null);
            Assert.That(CommandLine.Parse(new string[0], out _).Algorithm, Is.EqualTo(Algorithm.A2c), "a2c stays the default");
            var e = Assert.Throws<ArgumentException>(() => CommandLine.Parse(new[] { "--env", "pendulum" }, out _));
            Assert.That(e!.Message, Does.Contain("--env pendulum").And.Contain("--algorithm ppo").And.Contain("found --algorithm a2c"));
            e = Assert.Throws<ArgumentException>(() => CommandLine.Parse(new[] { "--algorithm", "sarsa" }, out _));
            Assert.That(e!.Message, Does.Contain("a2c, dqn or ppo").And.Contain("'sarsa'"));
            e = Assert.Throws<ArgumentException>(() => CommandLine.Parse(new[] { "--budget-us", "0" }, out _));
            Assert.That(e!.Message, Does.Contain("--budget-us"));
        }

        /// <summary>
        /// Every algorithm and world in the game loop: 0 bytes after warm-up (updates, rollouts and replay included), and
        /// the same run bit for bit from the same seed — whatever the frame budget: the second run gets 1 µs a frame, so
        /// that all but one update a frame are left to later frames.
        /// </summary>
        [TestCase(Algorithm.Dqn, World.CartPole)]
        [TestCase(Algorithm.Ppo, World.CartPole)]
        [TestCase(Algorithm.Ppo, World.Pendulum)]
        public void EveryAlgorithmAllocatesNothingAndRepeatsBitForBit(Algorithm algorithm, World world)
        {
            AgentTrainingOptions o = CommandLine.Defaults(world, algorithm) with { Seed = 3, MaxFrames = 700, StopAtSuccess = false, Agents = 16 };
            AgentTrainingResult a = AgentTrainingRun.Run(o, TextWriter.Null), b = AgentTrainingRun.Run(o with { TrainingBudgetMicroseconds = 1 });
            Assert.That(a.Updates, Is.GreaterThan(0), "updates ran");
            Assert.That(a.Episodes, Is.GreaterThan(0));
            Assert.That(a.AllocatedBytesAfterWarmup, Is.EqualTo(0), "bytes allocated by the game loop after warm-up");
            Assert.That(a.GcCollectionsAfterWarmup, Is.EqualTo(0));
            Assert.That(b.Policy.Parameters.ToArray(), Is.EqualTo(a.Policy.Parameters.ToArray()).AsCollection, "same seed, same weights");
            Assert.That(b.Curve, Is.EqualTo(a.Curve));
        }

        [Test]
        public void OutWritesAFileThatLoadsBackWithIdenticalWeights()
        {
            string dir = Path.Combine(Path.GetTempPath(), "embeddedmlp-agenttraining-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                string path = Path.Combine(dir, "policy.bytes");
                AgentTrainingOptions o = CommandLine.Parse(new[] { "--seed", "1", "--frames", "300", "--full-budget", "--out", path, "--save-every", "150" }, out _);
                AgentTrainingResult r = AgentTrainingRun.Run(o);

                Assert.That(r.Saves, Is.EqualTo(2), "saved at frames 150 and 300; the end of the run adds no third save");
                Mlp loaded = ModelFile.Load(path);
                Assert.That(loaded.ToString(), Is.EqualTo(r.Policy.ToString()));
                Assert.That(MemoryMarshal.AsBytes(loaded.Parameters).ToArray(), Is.EqualTo(MemoryMarshal.AsBytes(r.Policy.Parameters).ToArray()), "weights, bit for bit");
                IReadOnlyDictionary<string, string> meta = ModelFile.ReadMetadata(File.ReadAllBytes(path));
                Assert.That(meta["name"], Is.EqualTo(PolicyFile.PolicyName));
                Assert.That(meta["seed"], Is.EqualTo("1"));
                Assert.That(meta["frames_trained"], Is.EqualTo("300"));
                Assert.That(meta.ContainsKey("score"), Is.True);
                Assert.That(r.AllocatedBytesAfterWarmup, Is.EqualTo(0), "saves are kept out of the game loop's allocation count");
                Assert.That(r.SaveAllocatedBytes, Is.GreaterThan(0));
                Assert.That(Directory.GetFiles(dir), Is.EqualTo(new[] { path }), "no temporary file left behind");
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }
    }
}
#endif
