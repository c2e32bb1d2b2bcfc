using System;
using System.Collections.Generic;
using EmbeddedMlp.Kernels;
using EmbeddedMlp.Layers;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Kernels
{
    /// <summary>
    /// The fused forward epilogue against a double-precision reference on every path, C = f((C|0) + bias + A·Bᵀ), over
    /// edge-tile shapes. (The activations' backward passes: <see cref="ActivationBackwardTests"/>.)
    /// </summary>
    [TestFixture]
    public class GemmEpilogueTests
    {
        private static readonly int[] Ms = { 1, 2, 3, 7, 13 };
        private static readonly int[] Ns = { 1, 5, 16, 17, 33 };
        private static readonly int[] Ks = { 1, 9, 40, 300 };

        public static IEnumerable<TestCaseData> Cases()
        {
            foreach (GemmKernel kernel in KernelTestSupport.GemmKernels())
                foreach (Activation f in ElementWise)
                    yield return new TestCaseData(kernel, f).SetName($"Epilogue_{kernel}_{f}");
        }

        /// <summary>The activations a product's epilogue applies (softmax runs after the product).</summary>
        private static readonly Activation[] ElementWise = { Activation.Identity, Activation.Relu, Activation.LeakyRelu, Activation.Tanh, Activation.Sigmoid };

        private static double Apply(Activation f, double z)
        {
            switch (f)
            {
                case Activation.Relu: return z > 0 ? z : 0;
                case Activation.LeakyRelu: return z > 0 ? z : 0.01 * z;
                case Activation.Tanh: return Math.Tanh(z);
                case Activation.Sigmoid: return 1 / (1 + Math.Exp(-z));
                default: return z;
            }
        }

        [TestCaseSource(nameof(Cases))]
        public void ForwardBiasAndActivationMatchReference(GemmKernel kernel, Activation f)
        {
            var rng = new Random(11 + (int)f);
            var failures = new List<string>();
            using (new KernelTestSupport.GemmKernelScope(kernel))
                foreach (int m in Ms)
                    foreach (int n in Ns)
                        foreach (int k in Ks)
                            foreach (bool withBias in new[] { false, true })
                                foreach (bool accumulate in new[] { false, true })
                                {
                                    float[] a = KernelTestSupport.Random(rng, m * k), b = KernelTestSupport.Random(rng, n * k);
                                    float[] bias = withBias ? KernelTestSupport.Random(rng, n) : new float[0];
                                    float[] c0 = KernelTestSupport.Random(rng, m * n);
                                    float[] c = accumulate ? (float[])c0.Clone() : new float[m * n];
                                    var z = new double[m * n];
                                    var mag = new double[m * n];
                                    GemmReference.Compute(Product.NT, a, b, accumulate ? c0 : null, m, n, k, z, mag);
                                    var expected = new double[m * n];
                                    for (int i = 0; i < m * n; i++)
                                    {
                                        if (withBias) { z[i] += bias[i % n]; mag[i] += Math.Abs(bias[i % n]); }
                                        expected[i] = Apply(f, z[i]);
                                        mag[i] += 10; // activations are 1-Lipschitz; allow their own float rounding
                                    }
                                    Gemm.NT(a, b, c, m, n, k, accumulate, bias, ActivationFunction.Fused(f));
                                    string? fail = KernelTestSupport.Compare(c, expected, mag, m * n, k, $"{m}×{n}×{k} bias={withBias} accumulate={accumulate}");
                                    if (fail != null) failures.Add(fail);
                                }
            Assert.That(failures, Is.Empty);
        }

        [Test]
        public void BiasShorterThanNIsRejected()
        {
            Assert.Throws<ArgumentException>(() => Gemm.NT(new float[6], new float[6], new float[9], 2, 3, 2, false, new float[2], FusedActivation.Relu));
        }

        [Test]
        public void ZeroDepthGivesBiasThroughActivation()
        {
            var c = new float[] { 5, 5, 5, 5 };
            Gemm.NT(new float[0], new float[0], c, 2, 2, 0, false, new float[] { -1f, 2f }, FusedActivation.Relu);
            Assert.That(c, Is.EqualTo(new float[] { 0, 2, 0, 2 }));
        }

        [Test]
        public void RectifiersMapInfinitiesAndKeepNaN()
        {
            // One row, k = 1: C = bias + 1·0 across 20 columns (vector body and scalar tail) on every path.
            foreach (GemmKernel kernel in KernelTestSupport.GemmKernels())
                using (new KernelTestSupport.GemmKernelScope(kernel))
                {
                    var bias = new float[20];
                    for (int j = 0; j < 20; j++) bias[j] = j % 3 == 0 ? float.NegativeInfinity : j % 3 == 1 ? float.NaN : float.PositiveInfinity;
                    var relu = new float[20];
                    var leaky = new float[20];
                    Gemm.NT(new float[] { 1f }, new float[20], relu, 1, 20, 1, false, bias, FusedActivation.Relu);
                    Gemm.NT(new float[] { 1f }, new float[20], leaky, 1, 20, 1, false, bias, FusedActivation.LeakyRelu);
                    for (int j = 0; j < 20; j++)
                    {
                        if (j % 3 == 0)
                        {
                            Assert.That(relu[j], Is.EqualTo(0f), $"relu(−Inf) {kernel}");
                            Assert.That(float.IsNegativeInfinity(leaky[j]), Is.True, $"leaky(−Inf) {kernel}");
                        }
                        else if (j % 3 == 1)
                        {
                            Assert.That(float.IsNaN(relu[j]) && float.IsNaN(leaky[j]), Is.True, $"NaN kept {kernel}");
                        }
                        else
                        {
                            Assert.That(float.IsPositiveInfinity(relu[j]) && float.IsPositiveInfinity(leaky[j]), Is.True, $"+Inf kept {kernel}");
                        }
                    }
                }
        }
    }
}
