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
        public void ForwardBackwardApplyAndTheLosses()
        {
            Mlp m = Model();
            var t = new Trainer(m, new TrainerOptions { MaxBatch = 32, ClipNorm = 1f });
            var rng = new Random(4);
            float[] x = TestData.Uniform(rng, 32 * 32), y = new float[32 * 4], g = new float[32 * 4], dx = new float[32 * 32];
            float[] adv = TestData.Uniform(rng, 32), old = TestData.Uniform(rng, 32, -2, -0.1), values = TestData.Uniform(rng, 32), vg = new float[32];
            var actions = new int[32];
            for (int i = 0; i < actions.Length; i++) actions[i] = i % 4;
            AssertNoAllocation(() =>
            {
                t.Forward(x, y);
                Losses.SoftmaxCrossEntropy(y, actions, adv, g);
                t.BackwardFromLogits(g, dx);
                PolicyLosses.CategoricalPpo(y, actions, adv, old, 0.2f, 0.01f, g);
                t.Backward(g);
                t.ApplyGradients();
                t.ZeroGradients();
            });
            float[] gauss = TestData.Uniform(rng, 16 * 4), act = TestData.Uniform(rng, 16 * 2), gg = new float[16 * 4], lp = new float[16];
            AssertNoAllocation(() =>
            {
                Losses.MeanSquaredError(y, g, default, dx.AsSpan(0, y.Length));
                Losses.Huber(y, actions, adv, 1f, default, g);
                PolicyLosses.CategoricalPolicyGradient(y, actions, adv, 0.01f, g);
                PolicyLosses.CategoricalLogProbability(y, actions, vg);
                PolicyLosses.GaussianLogProbability(gauss, act, lp);
                PolicyLosses.GaussianPolicyGradient(gauss, act, adv.AsSpan(0, 16), 0.01f, gg);
                PolicyLosses.GaussianPpo(gauss, act, adv.AsSpan(0, 16), old.AsSpan(0, 16), 0.2f, 0.01f, gg);
                PolicyLosses.ValueLoss(values, adv, old, 0.2f, vg);
                Losses.Softmax(g, y, 4);
            });
        }

        [Test]
        public void TargetNetworkUpdates()
        {
            Mlp online = Model(), target = online.Clone();
            AssertNoAllocation(() => target.CopyParametersFrom(online));
            AssertNoAllocation(() => target.SoftUpdateFrom(online, 0.005f));
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
