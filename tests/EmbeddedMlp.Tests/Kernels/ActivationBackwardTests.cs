using System;
using System.Collections.Generic;
using EmbeddedMlp.Kernels;
using EmbeddedMlp.Layers;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Kernels
{
    /// <summary>
    /// Every activation's backward pass (d ← ∂L/∂z from d = ∂L/∂y and y = f(z)) on every kernel path against a
    /// double-precision reference: every length 0..67 (vector bodies and scalar tails) and an odd large one, and the
    /// softmax Jacobian over row widths 1..17.
    /// </summary>
    [TestFixture]
    public class ActivationBackwardTests
    {
        private static readonly int[] Lengths = BuildLengths();

        private static int[] BuildLengths()
        {
            var lengths = new List<int>();
            for (int n = 0; n <= 67; n++) lengths.Add(n);
            lengths.Add(6 * 512 + 7);
            return lengths.ToArray();
        }

        public static IEnumerable<TestCaseData> Cases()
        {
            foreach (KernelPath path in KernelTestSupport.SupportedPaths())
                foreach (Activation f in new[] { Activation.Identity, Activation.Relu, Activation.LeakyRelu, Activation.Tanh, Activation.Sigmoid })
                    yield return new TestCaseData(path, f).SetName($"Backward_{path}_{f}");
        }

        /// <summary>An output y = f(z) for a random z (relu outputs are often exactly 0).</summary>
        private static float Output(Activation f, Random rng, int i)
        {
            double z = rng.NextDouble() * 8 - 4;
            switch (f)
            {
                case Activation.Relu: return i % 3 == 0 ? 0f : (float)Math.Max(0, z);
                case Activation.LeakyRelu: return (float)(z > 0 ? z : 0.01 * z);
                case Activation.Tanh: return (float)Math.Tanh(z);
                case Activation.Sigmoid: return (float)(1 / (1 + Math.Exp(-z)));
                default: return (float)z;
            }
        }

        private static double Derivative(Activation f, double y)
        {
            switch (f)
            {
                case Activation.Relu: return y > 0 ? 1 : 0;
                case Activation.LeakyRelu: return y > 0 ? 1 : 0.01;
                case Activation.Tanh: return 1 - y * y;
                case Activation.Sigmoid: return y * (1 - y);
                default: return 1;
            }
        }

        [TestCaseSource(nameof(Cases))]
        public void ElementWiseBackwardMatchesReference(KernelPath path, Activation f)
        {
            var rng = new Random(31 + (int)f);
            using (new KernelTestSupport.PathScope(path))
                foreach (int n in Lengths)
                {
                    var y = new float[n];
                    var d = new float[n];
                    for (int i = 0; i < n; i++) { y[i] = Output(f, rng, i); d[i] = (float)(rng.NextDouble() * 4 - 2); }
                    float[] d0 = (float[])d.Clone();
                    ActivationFunction.Backward(f, y, d, 1, n);
                    for (int i = 0; i < n; i++)
                    {
                        double expected = d0[i] * Derivative(f, y[i]);
                        // one rounding of the derivative (1 − y², y(1 − y): a few ulp of |d|) and one of the product
                        Assert.That(d[i], Is.EqualTo(expected).Within(4e-7 * Math.Abs(d0[i]) + 1e-30), $"n={n} i={i} y={y[i]:R}");
                    }
                }
        }

        [Test]
        public void RectifierBackwardSelectsZeroEvenForInfiniteGradients()
        {
            foreach (KernelPath path in KernelTestSupport.SupportedPaths())
                using (new KernelTestSupport.PathScope(path))
                {
                    var y = new float[20];
                    var relu = new float[20];
                    var leaky = new float[20];
                    for (int j = 0; j < 20; j++)
                    {
                        y[j] = j % 2 == 0 ? 0f : 1f;
                        relu[j] = leaky[j] = float.PositiveInfinity;
                    }
                    ActivationFunction.Backward(Activation.Relu, y, relu, 1, 20);
                    ActivationFunction.Backward(Activation.LeakyRelu, y, leaky, 1, 20);
                    for (int j = 0; j < 20; j++)
                    {
                        // PyTorch's threshold_backward: 0 where y ≤ 0, so an infinite gradient does not become NaN.
                        Assert.That(relu[j], Is.EqualTo(j % 2 == 0 ? 0f : float.PositiveInfinity), $"relu' {path} [{j}]");
                        Assert.That(float.IsPositiveInfinity(leaky[j]), Is.True, $"leaky' {path} [{j}]");
                    }
                }
        }

        [Test]
        public void SoftmaxBackwardIsTheJacobianProduct()
        {
            var rng = new Random(5);
            foreach (KernelPath path in KernelTestSupport.SupportedPaths())
                using (new KernelTestSupport.PathScope(path))
                    for (int cols = 1; cols <= 17; cols++)
                    {
                        const int rows = 3;
                        var z = new double[rows * cols];
                        var p = new float[rows * cols];
                        var d = new float[rows * cols];
                        for (int i = 0; i < z.Length; i++) { z[i] = rng.NextDouble() * 6 - 3; d[i] = (float)(rng.NextDouble() * 2 - 1); }
                        for (int r = 0; r < rows; r++)
                        {
                            double sum = 0;
                            for (int j = 0; j < cols; j++) sum += Math.Exp(z[r * cols + j]);
                            for (int j = 0; j < cols; j++) p[r * cols + j] = (float)(Math.Exp(z[r * cols + j]) / sum);
                        }
                        float[] d0 = (float[])d.Clone();
                        ActivationFunction.Backward(Activation.Softmax, p, d, rows, cols);
                        for (int r = 0; r < rows; r++)
                            for (int j = 0; j < cols; j++)
                            {
                                // ∂L/∂z_j = Σ_k ∂p_k/∂z_j·d_k with ∂p_k/∂z_j = p_k(δ_kj − p_j), in double
                                double expected = 0;
                                for (int k = 0; k < cols; k++)
                                    expected += (double)p[r * cols + k] * ((k == j ? 1 : 0) - (double)p[r * cols + j]) * d0[r * cols + k];
                                Assert.That(d[r * cols + j], Is.EqualTo(expected).Within(1e-6), $"{path} cols={cols} [{r},{j}]");
                            }
                    }
        }
    }
}
