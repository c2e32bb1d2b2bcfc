using System;
using EmbeddedMlp.Tests.Reference;
using NUnit.Framework;

namespace EmbeddedMlp.Tests
{
    [TestFixture]
    public class PredictTests
    {
        private static Mlp Model(int seed) => new Mlp(6, new[]
        {
            new LayerSpec(33, Activation.LeakyRelu), new LayerSpec(17, Activation.Sigmoid, bias: false),
            new LayerSpec(9, Activation.Tanh), new LayerSpec(5, Activation.Softmax),
        }, (ulong)seed);

        [TestCase(1)]
        [TestCase(7)]
        [TestCase(31)]  // 31 × 33 (widest layer) ≤ 1,024 floats: the last batch on stack scratch
        [TestCase(32)]  // 32 × 33 > 1,024: the first on a pooled workspace
        [TestCase(256)]
        [TestCase(600)] // more than one 256-row chunk
        public void MatchesDoublePrecisionReference(int rows)
        {
            var rng = new Random(rows);
            Mlp m = Model(3);
            TestData.RandomizeBiases(m, rng);
            float[] x = TestData.Uniform(rng, rows * 6, -2, 2);
            var y = new float[rows * 5];
            m.Predict(x, y);
            double[] expected = new ReferenceMlp(m).Forward(TestData.ToDouble(m.Parameters), TestData.ToDouble(x), rows);
            for (int i = 0; i < y.Length; i++)
                Assert.That(y[i], Is.EqualTo(expected[i]).Within(2e-6), $"output {i}");
            for (int r = 0; r < rows; r++)
            {
                float s = 0;
                for (int j = 0; j < 5; j++) s += y[r * 5 + j];
                Assert.That(s, Is.EqualTo(1f).Within(1e-5f));
            }
        }

        [Test]
        public void BatchedRowsEqualSingleRows()
        {
            var rng = new Random(1);
            Mlp m = Model(4);
            float[] x = TestData.Uniform(rng, 300 * 6);
            var batched = new float[300 * 5];
            m.Predict(x, batched);
            var one = new float[5];
            for (int r = 0; r < 300; r++)
            {
                m.Predict(x.AsSpan(r * 6, 6), one);
                for (int j = 0; j < 5; j++) Assert.That(one[j], Is.EqualTo(batched[r * 5 + j]).Within(1e-6f));
            }
        }

        [Test]
        public void RegressionOutputIsTheLastActivation()
        {
            var m = new Mlp(2, new[] { new LayerSpec(1, Activation.Relu, bias: true) }, 0);
            m.Parameters[0] = 1f; m.Parameters[1] = -2f; m.Parameters[2] = 0.5f;
            var y = new float[2];
            m.Predict(new[] { 3f, 1f, 0f, 1f }, y); // 3 − 2 + 0.5 = 1.5; 0 − 2 + 0.5 → relu → 0
            Assert.That(y, Is.EqualTo(new[] { 1.5f, 0f }));
        }
    }
}
