using System;
using EmbeddedMlp.Training;
using NUnit.Framework;

namespace EmbeddedMlp.Tests
{
    /// <summary>After construction and a warm-up call, 1,000 steady-state calls allocate 0 bytes on this thread.</summary>
    [TestFixture]
    public class AllocationTests
    {
        private const int Calls = 1000;

        private static void AssertNoAllocation(Action call)
        {
            call(); // warm-up: JIT, pooled workspaces
            call();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < Calls; i++) call();
            long after = GC.GetAllocatedBytesForCurrentThread();
            Assert.That(after - before, Is.EqualTo(0), "bytes allocated over 1,000 calls");
        }

        private static Mlp Model() => new Mlp(32, new[] { new LayerSpec(64, Activation.Relu), new LayerSpec(64, Activation.Tanh), new LayerSpec(4, Activation.Softmax) }, 1);

        [Test]
        public void StepWithClassTargetsAndWeights()
        {
            Mlp m = Model();
            var t = new Trainer(m, new TrainerOptions { MaxBatch = 32, ClipNorm = 1f, Optimizer = OptimizerSettings.Adam() });
            var rng = new Random(1);
            float[] x = TestData.Uniform(rng, 32 * 32);
            var y = new int[32];
            float[] w = TestData.Uniform(rng, 32);
            for (int i = 0; i < y.Length; i++) y[i] = i % 4;
            AssertNoAllocation(() => t.Step(x, y, w));
            AssertNoAllocation(() => t.Step(x.AsSpan(0, 32), y.AsSpan(0, 1))); // batch of one
        }

        [Test]
        public void StepWithRegressionTargetsAndSgdMomentum()
        {
            var m = new Mlp(8, new[] { new LayerSpec(16, Activation.LeakyRelu), new LayerSpec(3, Activation.Sigmoid) }, 1);
            var t = new Trainer(m, new TrainerOptions { MaxBatch = 16, Optimizer = OptimizerSettings.Sgd(0.01f, momentum: 0.9f, nesterov: true) });
            var rng = new Random(2);
            float[] x = TestData.Uniform(rng, 16 * 8), y = TestData.Uniform(rng, 16 * 3, 0, 1);
            AssertNoAllocation(() => t.Step(x, y));
        }

        [Test]
        public void PredictBatchOneAndFullBatch()
        {
            Mlp m = Model();
            var rng = new Random(3);
            float[] x = TestData.Uniform(rng, 300 * 32);
            var y = new float[300 * 4];
            AssertNoAllocation(() => m.Predict(x.AsSpan(0, 32), y.AsSpan(0, 4)));
            AssertNoAllocation(() => m.Predict(x.AsSpan(0, 32 * 32), y.AsSpan(0, 32 * 4)));
            AssertNoAllocation(() => m.Predict(x, y)); // two chunks
        }
    }
}
