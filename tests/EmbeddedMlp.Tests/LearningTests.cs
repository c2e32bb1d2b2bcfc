using System;
using EmbeddedMlp.Training;
using NUnit.Framework;

namespace EmbeddedMlp.Tests
{
    /// <summary>End-to-end learning within a fixed step budget and seed.</summary>
    [TestFixture]
    public class LearningTests
    {
        private static double Accuracy(Mlp m, float[] x, int[] y)
        {
            var p = new float[y.Length * m.OutputCount];
            m.Predict(x, p);
            int correct = 0;
            for (int r = 0; r < y.Length; r++)
            {
                int best = 0;
                for (int j = 1; j < m.OutputCount; j++) if (p[r * m.OutputCount + j] > p[r * m.OutputCount + best]) best = j;
                if (best == y[r]) correct++;
            }
            return (double)correct / y.Length;
        }

        [Test]
        public void XorReachesFullAccuracyIn500Steps()
        {
            float[] x = { 0, 0, 0, 1, 1, 0, 1, 1 };
            int[] y = { 0, 1, 1, 0 };
            var m = new Mlp(2, new[] { new LayerSpec(8, Activation.Tanh), new LayerSpec(2, Activation.Softmax) }, 1);
            var t = new Trainer(m, new TrainerOptions { MaxBatch = 4, Optimizer = OptimizerSettings.Adam(0.05f) });
            float loss = 0;
            for (int i = 0; i < 500; i++) loss = t.Step(x, y).Loss;
            Assert.That(Accuracy(m, x, y), Is.EqualTo(1.0));
            Assert.That(loss, Is.LessThan(0.05f));
        }

        [Test]
        public void XorAsRegressionWithSgdMomentum()
        {
            float[] x = { 0, 0, 0, 1, 1, 0, 1, 1 };
            float[] y = { 0, 1, 1, 0 };
            var m = new Mlp(2, new[] { new LayerSpec(8, Activation.Tanh), new LayerSpec(1, Activation.Sigmoid) }, 2);
            var t = new Trainer(m, new TrainerOptions { MaxBatch = 4, Optimizer = OptimizerSettings.Sgd(0.5f, momentum: 0.9f) });
            for (int i = 0; i < 2000; i++) t.Step(x, y);
            var p = new float[4];
            m.Predict(x, p);
            for (int i = 0; i < 4; i++) Assert.That(p[i], Is.EqualTo(y[i]).Within(0.1f), $"sample {i}");
        }

        [Test]
        public void SpiralReaches95PercentIn3000MiniBatchSteps()
        {
            TestData.Spiral(100, 3, seed: 0, out float[] x, out int[] y);
            var m = new Mlp(2, new[] { new LayerSpec(64, Activation.Relu), new LayerSpec(64, Activation.Relu), new LayerSpec(3, Activation.Softmax) }, 3);
            const int batch = 32;
            var t = new Trainer(m, new TrainerOptions { MaxBatch = batch, Optimizer = OptimizerSettings.Adam(0.01f) });
            var rng = new Xoshiro128(5);
            var bx = new float[batch * 2];
            var by = new int[batch];
            for (int step = 0; step < 3000; step++)
            {
                for (int i = 0; i < batch; i++)
                {
                    int k = rng.NextInt(y.Length);
                    bx[2 * i] = x[2 * k]; bx[2 * i + 1] = x[2 * k + 1]; by[i] = y[k];
                }
                Assert.That(t.Step(bx, by).Applied, Is.True);
            }
            Assert.That(Accuracy(m, x, y), Is.GreaterThanOrEqualTo(0.95));
        }
    }
}
