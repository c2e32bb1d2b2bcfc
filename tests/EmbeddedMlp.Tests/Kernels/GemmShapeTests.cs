using System;
using System.Collections.Generic;
using EmbeddedMlp.Kernels;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Kernels
{
    /// <summary>
    /// Every product on every kernel path available in this process against a double-precision reference: all shapes
    /// with m, n, k in 1..33 (every edge-tile case of every micro-kernel), plus odd large shapes that cross the
    /// depth-block size; with and without accumulation.
    /// </summary>
    [TestFixture]
    public class GemmShapeTests
    {
        public static IEnumerable<TestCaseData> Products()
        {
            foreach (Product op in new[] { Product.NT, Product.TN, Product.NN })
                yield return new TestCaseData(op).SetName($"Gemm_{op}_EveryPath_AllShapes1to33");
        }

        public static IEnumerable<TestCaseData> LargeShapes()
        {
            // Besides odd sizes: (301, 260, 37) makes TN pack A depth by depth (m ≥ 256, ≥ 256 columns, a partial
            // micro-panel); n = 257 and 260 span several 128-column groups of packed B with a partial last one;
            // (1, 13, 1024) takes the four-row matrix-vector loop (k a multiple of 1024), (1, 1025, 263) the eight-row one.
            var shapes = new[] { (257, 129, 67), (67, 257, 129), (129, 67, 300), (7, 33, 513), (2, 301, 530), (1, 1025, 263), (301, 260, 37), (1, 13, 1024) };
            foreach (GemmKernel kernel in KernelTestSupport.GemmKernels())
                foreach (Product op in new[] { Product.NT, Product.TN, Product.NN })
                    foreach (var (m, n, k) in shapes)
                        yield return new TestCaseData(kernel, op, m, n, k).SetName($"Gemm_{op}_{kernel}_{m}x{n}x{k}");
        }

        [TestCaseSource(nameof(Products))]
        public void AllSmallShapesMatchReference(Product op)
        {
            const int Max = 33;
            var rng = new Random(1234 + (int)op);
            float[] a = KernelTestSupport.Random(rng, Max * Max), b = KernelTestSupport.Random(rng, Max * Max);
            float[] c0 = KernelTestSupport.Random(rng, Max * Max);
            var kernels = new List<GemmKernel>(KernelTestSupport.GemmKernels());
            var failures = new List<string>();
            var expected = new double[Max * Max];
            var magnitude = new double[Max * Max];
            var actual = new float[Max * Max];
            for (int m = 1; m <= Max && failures.Count < 5; m++)
                for (int n = 1; n <= Max; n++)
                    for (int k = 1; k <= Max; k++)
                        foreach (bool accumulate in new[] { false, true })
                        {
                            int mn = m * n;
                            GemmReference.Compute(op, a, b, accumulate ? c0 : null, m, n, k, expected, magnitude);
                            foreach (GemmKernel kernel in kernels)
                            {
                                // Overwrite: C starts as garbage that must not leak into the result; nor may the
                                // product write past m×n.
                                for (int i = 0; i < actual.Length; i++) actual[i] = accumulate && i < mn ? c0[i] : float.NaN;
                                using (new KernelTestSupport.GemmKernelScope(kernel))
                                    GemmReference.Run(op, a, b, actual, m, n, k, accumulate);
                                string? f = KernelTestSupport.Compare(actual, expected, magnitude, mn, k, $"{op} {kernel} {m}×{n}×{k} accumulate={accumulate}");
                                if (f == null)
                                    for (int i = mn; i < actual.Length; i++)
                                        if (!float.IsNaN(actual[i])) { f = $"{op} {kernel} {m}×{n}×{k}: wrote C[{i}] past m×n"; break; }
                                if (f != null) failures.Add(f);
                            }
                        }
            Assert.That(kernels, Is.Not.Empty);
            Assert.That(failures, Is.Empty);
        }

        [TestCaseSource(nameof(LargeShapes))]
        public void LargeOddShapesMatchReference(GemmKernel kernel, Product op, int m, int n, int k)
        {
            var rng = new Random(m * 31 + n * 7 + k);
            float[] a = KernelTestSupport.Random(rng, m * k), b = KernelTestSupport.Random(rng, k * n), c0 = KernelTestSupport.Random(rng, m * n);
            var expected = new double[m * n];
            var magnitude = new double[m * n];
            using (new KernelTestSupport.GemmKernelScope(kernel))
            {
                foreach (bool accumulate in new[] { false, true })
                {
                    float[] actual = accumulate ? (float[])c0.Clone() : new float[m * n];
                    GemmReference.Compute(op, a, b, accumulate ? c0 : null, m, n, k, expected, magnitude);
                    GemmReference.Run(op, a, b, actual, m, n, k, accumulate);
                    Assert.That(KernelTestSupport.Compare(actual, expected, magnitude, m * n, k, $"accumulate={accumulate}"), Is.Null);
                }
            }
        }
    }
}
