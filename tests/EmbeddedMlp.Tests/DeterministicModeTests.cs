using System;
using System.Collections.Generic;
using EmbeddedMlp.Kernels;
using EmbeddedMlp.Tests.Kernels;
using EmbeddedMlp.Training;
using NUnit.Framework;

namespace EmbeddedMlp.Tests
{
    /// <summary>
    /// <see cref="KernelDispatch.Deterministic"/>: every product against an independent scalar implementation of the
    /// documented order (bit for bit, on every path this process supports), a row's outputs independent of its batch,
    /// and whole training runs — each activation, both losses, SGD with momentum and Adam, clipping, batch 1 and 32 —
    /// giving the same bits on every path and thread count. Across runtimes and forced paths the same runs are compared by
    /// <c>.ci/determinism</c>.
    /// </summary>
    [TestFixture]
    public class DeterministicModeTests
    {
        private sealed class ModeScope : IDisposable
        {
            private readonly bool _previous = KernelDispatch.Deterministic;
            public ModeScope(bool on) { KernelDispatch.Deterministic = on; }
            public void Dispose() => KernelDispatch.Deterministic = _previous;
        }

        private static IEnumerable<KernelPath> Paths() => KernelTestSupport.SupportedPaths();

        private static float[] Values(Random rng, int count, bool withZeros)
        {
            var x = new float[count];
            for (int i = 0; i < count; i++)
                x[i] = withZeros && rng.Next(5) == 0 ? (rng.Next(2) == 0 ? 0f : -0f) : (float)(rng.NextDouble() * 4 - 2) * (float)Math.Pow(2, rng.Next(-6, 7));
            return x;
        }

        /// <summary>The documented order of an NT output, written out: eight lanes by depth mod 8, then the tree.</summary>
        private static float ReferenceDot(float[] a, int ai, float[] b, int bj, int k)
        {
            var lanes = new float[8];
            for (int p = 0; p < k; p++)
            {
                float product = a[ai + p] * b[bj + p];
                lanes[p % 8] = lanes[p % 8] + product;
            }
            return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
        }

        private static void AssertBits(float[] expected, float[] actual, string what)
        {
            Assert.That(actual.Length, Is.EqualTo(expected.Length), what);
            for (int i = 0; i < expected.Length; i++)
                if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                    Assert.Fail($"{what}: element {i} is {actual[i]:R} (0x{BitConverter.SingleToInt32Bits(actual[i]):X8}), expected {expected[i]:R} (0x{BitConverter.SingleToInt32Bits(expected[i]):X8}).");
        }

        [Test]
        public void NTMatchesTheDocumentedOrderOnEveryPath([ValueSource(nameof(Paths))] KernelPath path)
        {
            var rng = new Random(11);
            int[] ms = { 1, 2, 3, 5 }, ns = { 1, 2, 3, 4, 5, 7, 8, 9, 12, 17 }, ks = { 1, 3, 7, 8, 9, 15, 16, 17, 33, 100 };
            using (new ModeScope(true))
            using (new KernelTestSupport.PathScope(path))
                foreach (int m in ms)
                    foreach (int n in ns)
                        foreach (int k in ks)
                            foreach (bool accumulate in new[] { false, true })
                            {
                                float[] a = Values(rng, m * k, true), b = Values(rng, n * k, true), c0 = Values(rng, m * n, true);
                                var expected = new float[m * n];
                                for (int i = 0; i < m; i++)
                                    for (int j = 0; j < n; j++)
                                    {
                                        float t = ReferenceDot(a, i * k, b, j * k, k);
                                        expected[i * n + j] = accumulate ? c0[i * n + j] + t : t;
                                    }
                                var c = (float[])c0.Clone();
                                Gemm.NT(a, b, c, m, n, k, accumulate);
                                AssertBits(expected, c, $"{path} NT m={m} n={n} k={k} accumulate={accumulate}");
                            }
        }

        [Test]
        public void TNAndNNSumInDepthOrderWithoutFusedMultiplyAdd([ValueSource(nameof(Paths))] KernelPath path)
        {
            var rng = new Random(12);
            // Depths past the driver's 256-deep blocks, widths past its panels, rows past its tiles.
            (int m, int n, int k)[] shapes = { (1, 1, 1), (3, 5, 7), (7, 17, 31), (13, 33, 300), (40, 70, 9), (6, 16, 257) };
            using (new ModeScope(true))
            using (new KernelTestSupport.PathScope(path))
                foreach (var (m, n, k) in shapes)
                    foreach (bool accumulate in new[] { false, true })
                        foreach (Product product in new[] { Product.TN, Product.NN })
                        {
                            float[] a = Values(rng, m * k, true), b = Values(rng, k * n, true), c0 = Values(rng, m * n, false);
                            var expected = new float[m * n];
                            for (int i = 0; i < m; i++)
                                for (int j = 0; j < n; j++)
                                {
                                    float s = accumulate ? c0[i * n + j] : 0f;
                                    for (int p = 0; p < k; p++)
                                    {
                                        float x = product == Product.TN ? a[p * m + i] : a[i * k + p];
                                        float product1 = x * b[p * n + j];
                                        s = s + product1;
                                    }
                                    expected[i * n + j] = s;
                                }
                            var c = (float[])c0.Clone();
                            if (product == Product.TN) Gemm.TN(a, b, c, m, n, k, accumulate);
                            else Gemm.NN(a, b, c, m, n, k, accumulate);
                            AssertBits(expected, c, $"{path} {product} m={m} n={n} k={k} accumulate={accumulate}");
                        }
        }

        [Test]
        public void SumOfSquaresHasOneOrderOnEveryPath([ValueSource(nameof(Paths))] KernelPath path)
        {
            var rng = new Random(13);
            foreach (int n in new[] { 0, 1, 7, 8, 9, 63, 1000, 4099 })
            {
                float[] x = Values(rng, n, false);
                var lanes = new double[8];
                for (int i = 0; i < n; i++) lanes[i % 8] = lanes[i % 8] + (double)x[i] * x[i];
                double expected = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
                using (new ModeScope(true))
                using (new KernelTestSupport.PathScope(path))
                    Assert.That(BitConverter.DoubleToInt64Bits(Reductions.SumOfSquares(x)), Is.EqualTo(BitConverter.DoubleToInt64Bits(expected)), $"{path} n={n}");
            }
        }

        [Test]
        public void PowerBySquaringIsWithinAFewUlpsOfMathPow()
        {
            foreach (double b in new[] { 0.9, 0.99, 0.999, 0.9999, 0.5 })
                foreach (long t in new long[] { 0, 1, 2, 3, 10, 1000, 12345, 1_000_000 })
                {
                    // Squaring doubles a relative error, so x^t carries up to about t ulps; Adam uses 1 − β^t rounded to
                    // float, 2^29 double ulps wide.
                    double expected = Math.Pow(b, t), actual = PortableMath.Pow(b, t);
                    Assert.That(Math.Abs(actual - expected), Is.LessThanOrEqualTo((t + 1) * 2.3e-16 * expected + double.Epsilon), $"{b}^{t}");
                    if (t <= 100_000)
                        Assert.That(Math.Abs((float)(1 - actual) - (float)(1 - expected)), Is.LessThanOrEqualTo(1.2e-7f * (float)(1 - expected)), $"1 − {b}^{t} in float");
                }
            Assert.Throws<ArgumentOutOfRangeException>(() => PortableMath.Pow(0.9, -1));
        }

        [Test]
        public void PortableExpIsWithinAFewUlpsOfMathExp()
        {
            var rng = new Random(18);
            for (int i = 0; i < 200_000; i++)
            {
                double x = (rng.NextDouble() * 2 - 1) * (i % 3 == 0 ? 700 : i % 3 == 1 ? 20 : 1e-3);
                double expected = Math.Exp(x), actual = PortableMath.Exp(x);
                if (expected < 1e-307) { Assert.That(actual, Is.LessThan(1e-300).And.GreaterThanOrEqualTo(0), $"e^{x:R}"); continue; }
                double ulps = Math.Abs(actual - expected) / (Math.Abs(expected) * 2.220446049250313e-16);
                Assert.That(ulps, Is.LessThanOrEqualTo(4), $"e^{x:R} = {actual:R}, expected {expected:R}");
            }
            Assert.That(PortableMath.Exp(0), Is.EqualTo(1.0));
            Assert.That(PortableMath.Exp(710), Is.EqualTo(double.PositiveInfinity));
            Assert.That(PortableMath.Exp(double.PositiveInfinity), Is.EqualTo(double.PositiveInfinity));
            Assert.That(PortableMath.Exp(-746), Is.EqualTo(0.0));
            Assert.That(PortableMath.Exp(double.NegativeInfinity), Is.EqualTo(0.0));
            Assert.That(double.IsNaN(PortableMath.Exp(double.NaN)), Is.True);
        }

        private static Mlp Model(Activation hidden, Activation last, ulong seed) =>
            new Mlp(13, new[] { new LayerSpec(24, hidden), new LayerSpec(19, hidden), new LayerSpec(5, last) }, seed);

        [Test]
        public void ARowPredictsTheSameBitsAloneAndInAnyBatch(
            [ValueSource(nameof(Paths))] KernelPath path,
            [Values(Activation.Relu, Activation.LeakyRelu, Activation.Tanh, Activation.Sigmoid, Activation.Identity)] Activation hidden)
        {
            var rng = new Random(14);
            Mlp model = Model(hidden, Activation.Softmax, 3);
            float[] x = Values(rng, 37 * 13, true);
            using (new ModeScope(true))
            using (new KernelTestSupport.PathScope(path))
            {
                var batch = new float[37 * 5];
                model.Predict(x, batch);
                for (int rows = 1; rows <= 37; rows += 9)
                {
                    var part = new float[rows * 5];
                    model.Predict(x.AsSpan(0, rows * 13), part);
                    AssertBits(batch.AsSpan(0, rows * 5).ToArray(), part, $"{path} {hidden}: first {rows} rows predicted as a batch of {rows} vs 37");
                }
                for (int r = 0; r < 37; r++)
                {
                    var one = new float[5];
                    model.Predict(x.AsSpan(r * 13, 13), one);
                    AssertBits(batch.AsSpan(r * 5, 5).ToArray(), one, $"{path} {hidden}: row {r} alone vs in a batch of 37");
                }
            }
        }

        /// <summary>Parameters after 60 steps and the last loss, for one training case on the active path.</summary>
        private static (float[] parameters, float loss, float[] predictions) Train(Activation hidden, bool softmax, bool adam, int batch)
        {
            var rng = new Random(15);
            Mlp model = Model(hidden, softmax ? Activation.Softmax : Activation.Identity, 7);
            var trainer = new Trainer(model, new TrainerOptions
            {
                MaxBatch = batch,
                ClipNorm = 0.5f,
                Optimizer = adam ? OptimizerSettings.Adam(3e-3f) : OptimizerSettings.Sgd(0.05f, momentum: 0.9f),
            });
            float[] x = Values(rng, 32 * 13, false), targets = Values(rng, 32 * 5, false);
            var labels = new int[32];
            for (int i = 0; i < labels.Length; i++) labels[i] = rng.Next(5);
            float loss = 0;
            for (int step = 0; step < 60; step++)
            {
                int start = (step * batch) % 32;
                if (start + batch > 32) start = 0;
                StepResult result = softmax
                    ? trainer.Step(x.AsSpan(start * 13, batch * 13), labels.AsSpan(start, batch))
                    : trainer.Step(x.AsSpan(start * 13, batch * 13), targets.AsSpan(start * 5, batch * 5));
                loss = result.Loss;
            }
            var predictions = new float[32 * 5];
            model.Predict(x, predictions);
            return (model.Parameters.ToArray(), loss, predictions);
        }

        [Test]
        public void TrainingGivesTheSameBitsOnEveryPath(
            [Values(Activation.Relu, Activation.LeakyRelu, Activation.Tanh, Activation.Sigmoid)] Activation hidden,
            [Values(false, true)] bool softmax, [Values(false, true)] bool adam, [Values(1, 32)] int batch)
        {
            (float[] parameters, float loss, float[] predictions)? reference = null;
            KernelPath referencePath = default;
            using (new ModeScope(true))
                foreach (KernelPath path in Paths())
                    using (new KernelTestSupport.PathScope(path))
                    {
                        var run = Train(hidden, softmax, adam, batch);
                        Assert.That(float.IsFinite(run.loss), Is.True, $"{path}: loss {run.loss}");
                        if (reference == null) { reference = run; referencePath = path; continue; }
                        string what = $"{hidden} {(softmax ? "softmax-CE" : "MSE")} {(adam ? "Adam" : "SGD+momentum")} batch {batch}: {path} vs {referencePath}";
                        AssertBits(reference.Value.parameters, run.parameters, what + " parameters");
                        AssertBits(reference.Value.predictions, run.predictions, what + " predictions");
                        Assert.That(BitConverter.SingleToInt32Bits(run.loss), Is.EqualTo(BitConverter.SingleToInt32Bits(reference.Value.loss)), what + " loss");
                    }
        }

        [Test]
        public void ThreadCountsGiveTheSameBits()
        {
            // Large enough that the products of a batch-64 step and of one-row inference split across threads.
            (float[], float[]) Run(int threads)
            {
                int previous = KernelDispatch.MaxDegreeOfParallelism;
                KernelDispatch.MaxDegreeOfParallelism = threads;
                try
                {
                    var rng = new Random(17);
                    var model = new Mlp(256, new[] { new LayerSpec(512, Activation.Relu), new LayerSpec(512, Activation.Tanh), new LayerSpec(16, Activation.Softmax) }, 5);
                    var trainer = new Trainer(model, new TrainerOptions { MaxBatch = 64, ClipNorm = 1f });
                    float[] x = Values(rng, 64 * 256, false);
                    var y = new int[64];
                    for (int i = 0; i < y.Length; i++) y[i] = i % 16;
                    for (int step = 0; step < 3; step++) trainer.Step(x, y);
                    var one = new float[16];
                    model.Predict(x.AsSpan(0, 256), one);
                    return (model.Parameters.ToArray(), one);
                }
                finally { KernelDispatch.MaxDegreeOfParallelism = previous; }
            }
            using (new ModeScope(true))
            {
                var (p1, y1) = Run(1);
                foreach (int threads in new[] { 2, 4 })
                {
                    var (p, y) = Run(threads);
                    AssertBits(p1, p, $"parameters, {threads} threads vs 1");
                    AssertBits(y1, y, $"one-row Predict, {threads} threads vs 1");
                }
            }
        }

        [Test]
        public void TheDefaultModeIsNotForcedIntoTheDeterministicOrder()
        {
            // Guards against the switch being ignored: on the AVX2 path the default mode fuses multiply-adds, so a long
            // dot product differs from the documented order for some inputs.
            if (!KernelDispatch.IsSupported(KernelPath.Vector256)) Assert.Ignore("no AVX2 + FMA here");
            var rng = new Random(16);
            int differing = 0;
            using (new KernelTestSupport.PathScope(KernelPath.Vector256))
            using (new ModeScope(false))
                for (int trial = 0; trial < 20; trial++)
                {
                    float[] a = Values(rng, 2 * 300, false), b = Values(rng, 8 * 300, false);
                    var c = new float[16];
                    Gemm.NT(a, b, c, 2, 8, 300, false);
                    for (int i = 0; i < 2; i++)
                        for (int j = 0; j < 8; j++)
                            if (c[i * 8 + j] != ReferenceDot(a, i * 300, b, j * 300, 300)) differing++;
                }
            Assert.That(differing, Is.GreaterThan(0));
        }
    }
}
