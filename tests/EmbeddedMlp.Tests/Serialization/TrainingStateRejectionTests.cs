using System.Linq;
using EmbeddedMlp.Serialization;
using EmbeddedMlp.Training;
using NUnit.Framework;
using static EmbeddedMlp.Tests.Serialization.MiniPack;

namespace EmbeddedMlp.Tests.Serialization
{
    /// <summary>The <c>training</c> map of a checkpoint, hand-built from docs/format.md, and its rejections.</summary>
    [TestFixture]
    public class TrainingStateRejectionTests
    {
        // Model(2, 1): 2 weights + 1 bias = 3 parameters, so every moment blob is 12 bytes.
        private static Map Sgd() => new Map()
            .With("optimizer", "sgd").With("step", 4).With("learning_rate", 0.05f).With("initial_learning_rate", 0.1f)
            .With("weight_decay", 0f).With("clip_norm", 0f).With("max_batch", 16).With("rng", new object[] { 1, 2, 3, 4L })
            .With("momentum", 0.9f).With("dampening", 0f).With("nesterov", false).With("momentum_buffer", F32(0.25f, -0.5f, 1f));

        private static Map Adam() => new Map()
            .With("optimizer", "adam").With("step", 4).With("learning_rate", 0.001).With("initial_learning_rate", 0.001) // f64, as Python writes
            .With("weight_decay", 0).With("clip_norm", 1.5f).With("max_batch", 4).With("rng", new object[] { 0, 0, 0, 7 })
            .With("beta1", 0.9f).With("beta2", 0.999f).With("epsilon", 1e-8f).With("exp_avg", F32(1, 2, 3)).With("exp_avg_sq", F32(4, 5, 6));

        private static byte[] File(Map training) => Encode(Model(2, 1).With("training", training));

        private static string Rejected(Map training) =>
            Assert.Throws<ModelFormatException>(() => ModelFile.LoadCheckpoint(File(training)))!.Message;

        [Test]
        public void HandWrittenSgdTrainingMapRestoresEveryField()
        {
            Trainer t = ModelFile.LoadCheckpoint(File(Sgd()));
            Assert.That(t.StepCount, Is.EqualTo(4));
            Assert.That(t.LearningRate, Is.EqualTo(0.05f));
            Assert.That(t.OptimizerSettings.LearningRate, Is.EqualTo(0.1f));
            Assert.That(t.OptimizerSettings.Momentum, Is.EqualTo(0.9f));
            Assert.That(t.MaxBatch, Is.EqualTo(16));
            Assert.That(((SgdOptimizer)t.OptimizerState).MomentumBuffer.ToArray(), Is.EqualTo(new[] { 0.25f, -0.5f, 1f }));
            Xoshiro128 expected = Xoshiro128.FromState(1, 2, 3, 4);
            Assert.That(t.Random.NextUInt32(), Is.EqualTo(expected.NextUInt32()));
        }

        [Test]
        public void HandWrittenAdamTrainingMapRestoresEveryField()
        {
            Trainer t = ModelFile.LoadCheckpoint(File(Adam()));
            Assert.That(t.OptimizerSettings.Kind, Is.EqualTo(OptimizerKind.Adam));
            Assert.That(t.ClipNorm, Is.EqualTo(1.5f));
            Assert.That(t.LearningRate, Is.EqualTo(0.001f));
            Assert.That(((AdamOptimizer)t.OptimizerState).FirstMoment.ToArray(), Is.EqualTo(new[] { 1f, 2f, 3f }));
            Assert.That(((AdamOptimizer)t.OptimizerState).SecondMoment.ToArray(), Is.EqualTo(new[] { 4f, 5f, 6f }));
        }

        [Test]
        public void MalformedTrainingMapsAreRejected()
        {
            Assert.That(Rejected(Sgd().Replace("momentum_buffer", F32(1, 2))), Is.EqualTo("training.momentum_buffer: expected 12 bytes (3 parameters × f32), found 8."));
            Assert.That(Rejected(Sgd().Without("momentum_buffer")), Is.EqualTo("training.momentum_buffer: expected a value (the key is required for this optimizer), found no such key."));
            Assert.That(Rejected(Sgd().With("beta1", 0.9f)), Is.EqualTo("training.beta1: expected no such key for optimizer sgd, found one."));
            Assert.That(Rejected(Sgd().With("lookahead", 1)), Is.EqualTo("training: expected only the keys listed in docs/format.md, found key \"lookahead\"."));
            Assert.That(Rejected(Sgd().With("step", 5)), Is.EqualTo("training: expected each key once, found key \"training.step\" twice."));
            Assert.That(Rejected(Sgd().Replace("rng", new object[] { 0, 0, 0, 0 })), Is.EqualTo("training.rng: expected at least one non-zero word, found all four zero."));
            Assert.That(Rejected(Sgd().Replace("rng", new object[] { 1, 2, 3 })), Is.EqualTo("training.rng: expected an array of 4 uint32 (xoshiro128** state), found 3 elements."));
            Assert.That(Rejected(Sgd().Replace("rng", new object[] { 1, 2, 3, 1L << 32 })), Is.EqualTo("training.rng[3]: expected int in 0..4294967295, found 4294967296."));
            Assert.That(Rejected(Sgd().Replace("max_batch", 1 << 20)), Is.EqualTo("training.max_batch: expected int in 1..4096 (ModelLoadOptions.MaxTrainerBatch), found 1048576."));
            Assert.That(Rejected(Sgd().Replace("step", -1)), Is.EqualTo("training.step: expected int ≥ 0, found -1."));
            Assert.That(Rejected(Sgd().Replace("optimizer", "lion")), Is.EqualTo("training.optimizer: expected \"sgd\", \"adam\" or \"adamw\", found \"lion\"."));
            Assert.That(Rejected(Sgd().Replace("learning_rate", float.NaN)), Is.EqualTo("training.learning_rate: expected a finite value ≥ 0, found NaN."));
            Assert.That(Rejected(Sgd().Replace("momentum", -1f)), Does.StartWith("training: momentum: expected a finite value ≥ 0, found -1"));
            Assert.That(Rejected(Sgd().Replace("momentum_buffer", F32(1, float.NaN, 2))), Is.EqualTo("training.momentum_buffer[1]: expected a finite number (ModelLoadOptions.AllowNonFinite is off), found NaN."));
            Assert.That(Rejected(Adam().Without("exp_avg_sq")), Is.EqualTo("training.exp_avg_sq: expected a value (the key is required for this optimizer), found no such key."));
            Assert.That(Rejected(Adam().Replace("beta2", 1.5f)), Does.StartWith("training: beta2: expected a value in [0, 1), found 1.5"));
            Assert.That(Rejected(Adam().Without("rng")), Is.EqualTo("training.rng: expected a value (the key is required), found no such key."));
            // Model(2, 1) has Σ units = 1 and a widest layer of 1: 16 × (1 + 2) = 48 floats of trainer workspace.
            Assert.That(Assert.Throws<ModelFormatException>(() => ModelFile.LoadCheckpoint(File(Sgd()), new ModelLoadOptions { MaxParameters = 47 }))!.Message,
                Is.EqualTo("training.max_batch: expected a batch whose trainer workspace, max_batch × (Σ units + 2 × widest) floats, is at most 47 (ModelLoadOptions.MaxParameters), found 16 × (1 + 2 × 1) = 48."));
            Assert.That(ModelFile.LoadCheckpoint(File(Sgd()), new ModelLoadOptions { MaxParameters = 48 }).MaxBatch, Is.EqualTo(16));
            // A plain load validates the training map too.
            Assert.Throws<ModelFormatException>(() => ModelFile.Load(File(Adam().Replace("exp_avg", F32(1)))));
            Assert.That(ModelFile.Load(File(Adam())).ParameterCount, Is.EqualTo(3));
        }
    }
}
