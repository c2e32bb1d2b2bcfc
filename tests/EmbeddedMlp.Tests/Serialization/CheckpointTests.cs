using System;
using System.Buffers;
using System.IO;
using EmbeddedMlp.Serialization;
using EmbeddedMlp.Training;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Serialization
{
    /// <summary>
    /// Exact resume: 2k steps straight give the same weights, bit for bit, as k steps, a checkpoint, a load into fresh
    /// objects, and k more steps. Batches are drawn with the trainer's own PRNG and the learning rate follows a
    /// schedule, so the PRNG state, the step count and the learning rate all have to survive the checkpoint.
    /// </summary>
    [TestFixture]
    public class CheckpointTests
    {
        private const int K = 20;
        private const int Samples = 64, Inputs = 3, Outputs = 2, Batch = 8;

        public static object[] Optimizers =
        {
            new object[] { "sgd-momentum", OptimizerSettings.Sgd(0.05f, momentum: 0.9f, weightDecay: 1e-3f) },
            new object[] { "sgd-nesterov", OptimizerSettings.Sgd(0.05f, momentum: 0.9f, nesterov: true) },
            new object[] { "sgd-dampening", OptimizerSettings.Sgd(0.05f, momentum: 0.5f, dampening: 0.3f) },
            new object[] { "adam", OptimizerSettings.Adam(0.01f, weightDecay: 1e-3f) },
            new object[] { "adamw", OptimizerSettings.AdamW(0.01f) },
        };

        private static readonly float[] X, Y;

        static CheckpointTests()
        {
            var rng = new Random(11);
            X = TestData.Uniform(rng, Samples * Inputs);
            Y = TestData.Uniform(rng, Samples * Outputs);
        }

        private static Trainer NewTrainer(OptimizerSettings optimizer) =>
            new Trainer(new Mlp(Inputs, new[] { new LayerSpec(16, Activation.Tanh), new LayerSpec(Outputs, Activation.Identity) }, 7),
                new TrainerOptions { MaxBatch = Batch, Optimizer = optimizer, ClipNorm = 5f, Seed = 99 });

        private static void Train(Trainer trainer, int steps)
        {
            var x = new float[Batch * Inputs];
            var y = new float[Batch * Outputs];
            for (int s = 0; s < steps; s++)
            {
                for (int r = 0; r < Batch; r++)
                {
                    int i = trainer.Random.NextInt(Samples);
                    Array.Copy(X, i * Inputs, x, r * Inputs, Inputs);
                    Array.Copy(Y, i * Outputs, y, r * Outputs, Outputs);
                }
                trainer.LearningRate *= 0.98f; // a schedule that depends on the saved learning rate
                trainer.Step(x, y);
            }
        }

        private static int[] Bits(ReadOnlySpan<float> values)
        {
            var b = new int[values.Length];
            for (int i = 0; i < b.Length; i++) b[i] = BitConverter.SingleToInt32Bits(values[i]);
            return b;
        }

        [TestCaseSource(nameof(Optimizers))]
        public void ResumedTrainingIsBitIdenticalToUninterruptedTraining(string name, OptimizerSettings optimizer)
        {
            Trainer straight = NewTrainer(optimizer);
            Train(straight, 2 * K);

            Trainer first = NewTrainer(optimizer);
            Train(first, K);
            var saved = new MemoryStream();
            ModelFile.SaveCheckpoint(first, saved);
            Trainer resumed = ModelFile.LoadCheckpoint(saved.ToArray());
            Assert.That(resumed, Is.Not.SameAs(first));
            Assert.That(resumed.Model, Is.Not.SameAs(first.Model));
            Train(resumed, K);

            Assert.That(Bits(resumed.Model.Parameters), Is.EqualTo(Bits(straight.Model.Parameters)), name);
            Assert.That(resumed.StepCount, Is.EqualTo(2L * K));
            Assert.That(resumed.LearningRate, Is.EqualTo(straight.LearningRate));
            Assert.That(resumed.Random.NextUInt32(), Is.EqualTo(straight.Random.NextUInt32()));
            Assert.That(resumed.OptimizerSettings.ToString(), Is.EqualTo(straight.OptimizerSettings.ToString()));
            Assert.That(resumed.ClipNorm, Is.EqualTo(5f));
            Assert.That(resumed.MaxBatch, Is.EqualTo(Batch));
        }

        [TestCaseSource(nameof(Optimizers))]
        public void WeightsAloneDoNotResumeExactly(string name, OptimizerSettings optimizer)
        {
            // The control for the test above: without the training state the runs part ways, so it can fail.
            Trainer straight = NewTrainer(optimizer);
            Train(straight, 2 * K);
            Trainer first = NewTrainer(optimizer);
            Train(first, K);
            var weightsOnly = new Trainer(ModelFile.Load(SampleFiles.Save(first.Model)),
                new TrainerOptions { MaxBatch = Batch, Optimizer = optimizer, ClipNorm = 5f, Seed = 99 });
            weightsOnly.Random = first.Random; // same batches and learning rate: only the optimizer state is missing
            weightsOnly.LearningRate = first.LearningRate;
            Train(weightsOnly, K);
            Assert.That(Bits(weightsOnly.Model.Parameters), Is.Not.EqualTo(Bits(straight.Model.Parameters)), name);
        }

        [Test]
        public void CheckpointRoundTripsThroughEveryOutput()
        {
            Trainer trainer = NewTrainer(OptimizerSettings.Adam(0.01f));
            Train(trainer, 3);
            var stream = new MemoryStream();
            ModelFile.SaveCheckpoint(trainer, stream, new System.Collections.Generic.Dictionary<string, string> { ["run"] = "a" });
            var buffer = new ArrayBufferWriter<byte>();
            ModelFile.SaveCheckpoint(trainer, buffer, new System.Collections.Generic.Dictionary<string, string> { ["run"] = "a" });
            Assert.That(buffer.WrittenSpan.ToArray(), Is.EqualTo(stream.ToArray()));

            string dir = Path.Combine(Path.GetTempPath(), "embedded-mlp-ckpt-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                string path = Path.Combine(dir, "run.ckpt");
                ModelFile.SaveCheckpoint(trainer, path, new System.Collections.Generic.Dictionary<string, string> { ["run"] = "a" });
                Assert.That(File.ReadAllBytes(path), Is.EqualTo(stream.ToArray()));
                foreach (Trainer t in new[] { ModelFile.LoadCheckpoint(path), ModelFile.LoadCheckpoint(new MemoryStream(stream.ToArray())) })
                {
                    Assert.That(Bits(t.Model.Parameters), Is.EqualTo(Bits(trainer.Model.Parameters)));
                    Assert.That(Bits(((AdamOptimizer)t.OptimizerState).SecondMoment), Is.EqualTo(Bits(((AdamOptimizer)trainer.OptimizerState).SecondMoment)));
                    Assert.That(t.StepCount, Is.EqualTo(3));
                }
                Assert.That(ModelFile.ReadMetadata(stream.ToArray())["run"], Is.EqualTo("a"));
                // A checkpoint is also a model file.
                Assert.That(Bits(ModelFile.Load(path).Parameters), Is.EqualTo(Bits(trainer.Model.Parameters)));
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }

        [Test]
        public void SgdCheckpointSavedBeforeAnyStepStillCopiesTheFirstGradient()
        {
            OptimizerSettings sgd = OptimizerSettings.Sgd(0.05f, momentum: 0.9f);
            Trainer straight = NewTrainer(sgd);
            Train(straight, K);
            Trainer resumed = ModelFile.LoadCheckpoint(SampleFiles.Checkpoint(NewTrainer(sgd)));
            Assert.That(resumed.StepCount, Is.EqualTo(0));
            Train(resumed, K);
            Assert.That(Bits(resumed.Model.Parameters), Is.EqualTo(Bits(straight.Model.Parameters)));
        }

        [Test]
        public void ModelFileWithoutTrainingIsNotACheckpoint()
        {
            var e = Assert.Throws<ModelFormatException>(() => ModelFile.LoadCheckpoint(SpecFixtureTests.Tiny))!;
            Assert.That(e.Message, Is.EqualTo("training: expected a training map (this is a checkpoint load), found no such key."));
        }
    }
}
