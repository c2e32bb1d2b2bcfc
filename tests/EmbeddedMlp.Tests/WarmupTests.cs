using System;
using EmbeddedMlp.Training;
using NUnit.Framework;

namespace EmbeddedMlp.Tests
{
    /// <summary>
    /// <see cref="Mlp.Warmup"/> and <see cref="Trainer.Warmup"/>: everything they touch is put back bit for bit, and the
    /// calls they prepare allocate nothing the first time the game makes them. (That no method of the runtime is compiled
    /// after a warm-up is checked on a JIT log, in a process of its own: <c>FrameBudgetSmokeTests</c>.)
    /// </summary>
    [TestFixture]
    public class WarmupTests
    {
        private static Mlp Model(Activation output) =>
            new Mlp(6, new[] { new LayerSpec(20, Activation.Relu), new LayerSpec(12, Activation.Tanh), new LayerSpec(3, output) }, 3);

        private static byte[] Bits(ReadOnlySpan<float> values)
        {
            var b = new byte[values.Length * 4];
            for (int i = 0; i < values.Length; i++) BitConverter.GetBytes(values[i]).CopyTo(b, 4 * i);
            return b;
        }

        // The warm-up ends with a settling Step at MaxBatch rows with the trainer's own clipping: cases with clipping
        // off and with a one-row MaxBatch as well.
        [TestCase(Activation.Softmax, "adam", 9, 0.7f)]
        [TestCase(Activation.Sigmoid, "sgd", 9, 0.7f)]
        [TestCase(Activation.Identity, "adam", 1, 0f)]
        [TestCase(Activation.Softmax, "sgd", 1, 0f)]
        public void TrainerWarmupLeavesEveryStateBitForBit(Activation output, string optimizer, int maxBatch, float clipNorm)
        {
            OptimizerSettings settings = optimizer == "adam" ? OptimizerSettings.Adam(0.01f) : OptimizerSettings.Sgd(0.05f, momentum: 0.9f, nesterov: true);
            Mlp a = Model(output), b = Model(output);
            Trainer ta = new Trainer(a, new TrainerOptions { MaxBatch = maxBatch, Optimizer = settings, ClipNorm = clipNorm, Seed = 4 }),
                    tb = new Trainer(b, new TrainerOptions { MaxBatch = maxBatch, Optimizer = settings, ClipNorm = clipNorm, Seed = 4 });
            var rng = new Random(5);
            float[] x = TestData.Uniform(rng, maxBatch * 6), t = TestData.Uniform(rng, maxBatch * 3, 0, 1), g = TestData.Uniform(rng, maxBatch * 3);
            var y = new float[maxBatch * 3];
            foreach (Trainer tr in new[] { ta, tb })
            {
                for (int i = 0; i < 3; i++) tr.Step(x, t);
                tr.LearningRate = 0.003f;
                tr.Random.NextUInt32();
                tr.Forward(x, y);
                tr.Backward(g); // gradients pending when the warm-up runs
            }

            ta.Warmup();

            Assert.That(Bits(a.Parameters), Is.EqualTo(Bits(b.Parameters)), "weights");
            Assert.That(Bits(ta.Gradients), Is.EqualTo(Bits(tb.Gradients)), "accumulated gradients");
            Assert.That(ta.StepCount, Is.EqualTo(tb.StepCount));
            Assert.That(ta.LearningRate, Is.EqualTo(tb.LearningRate));
            Assert.That(ta.ClipNorm, Is.EqualTo(tb.ClipNorm));
            Assert.That(ta.Random.NextUInt32(), Is.EqualTo(tb.Random.NextUInt32()), "PRNG state");
            // Optimizer moments: the next updates must coincide bit for bit.
            ta.ApplyGradients();
            tb.ApplyGradients();
            for (int i = 0; i < 3; i++) { ta.Step(x, t); tb.Step(x, t); }
            Assert.That(Bits(a.Parameters), Is.EqualTo(Bits(b.Parameters)), "weights after more steps");
        }

        [Test]
        public void ModelWarmupChangesNoParameterAndRejectsBadBatches()
        {
            Mlp m = Model(Activation.Softmax);
            byte[] before = Bits(m.Parameters);
            m.Warmup(300);
            Assert.That(Bits(m.Parameters), Is.EqualTo(before));
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => m.Warmup(0));
            Assert.That(e!.ParamName, Is.EqualTo("maxBatch"));
            Assert.That(e.Message, Does.Contain("at least 1").And.Contain("found 0"));
        }

        [Test]
        public void FirstCallsAfterWarmupAllocateNothing()
        {
            Mlp m = Model(Activation.Softmax);
            var trainer = new Trainer(m, new TrainerOptions { MaxBatch = 200 });
            trainer.Warmup();
            var rng = new Random(6);
            float[] x = TestData.Uniform(rng, 300 * 6), y = new float[300 * 3], g = TestData.Uniform(rng, 200 * 3);
            var labels = new int[200];
            // Batch sizes the warm-up did not run itself, in every pooled bucket and in two chunks (the array of sizes and
            // of results are made before counting).
            int[] batches = { 3, 5, 17, 37, 70, 130, 200, 300 };
            var bytes = new long[batches.Length + 1];
            for (int i = 0; i < batches.Length; i++)
            {
                long b0 = GC.GetAllocatedBytesForCurrentThread();
                m.Predict(x.AsSpan(0, batches[i] * 6), y.AsSpan(0, batches[i] * 3));
                bytes[i] = GC.GetAllocatedBytesForCurrentThread() - b0;
            }
            long before = GC.GetAllocatedBytesForCurrentThread();
            trainer.Step(x.AsSpan(0, 77 * 6), labels.AsSpan(0, 77));
            trainer.Forward(x.AsSpan(0, 5 * 6), y.AsSpan(0, 5 * 3));
            trainer.BackwardFromLogits(g.AsSpan(0, 5 * 3));
            trainer.ApplyGradients();
            bytes[batches.Length] = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.That(bytes, Is.All.EqualTo(0), "bytes of each Predict (batches 3 … 300), then of the training calls");
        }
    }
}
