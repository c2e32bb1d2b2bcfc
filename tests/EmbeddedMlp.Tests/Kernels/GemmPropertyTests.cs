using System;
using System.Collections.Generic;
using EmbeddedMlp.Kernels;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Kernels
{
    /// <summary>NaN/Inf propagation, run-to-run and thread-count determinism, zero allocation, and dispatch rules.</summary>
    [TestFixture]
    public class GemmPropertyTests
    {
        public static IEnumerable<TestCaseData> PathsAndProducts()
        {
            foreach (GemmKernel kernel in KernelTestSupport.GemmKernels())
                foreach (Product op in new[] { Product.NT, Product.TN, Product.NN })
                    yield return new TestCaseData(kernel, op).SetName($"Gemm_{op}_{kernel}");
        }

        [TestCaseSource(nameof(PathsAndProducts))]
        public void NaNAndInfinityPropagate(GemmKernel kernel, Product op)
        {
            foreach (var (m, n, k) in new[] { (2, 13, 21), (3, 19, 9), (13, 19, 21), (7, 33, 300), (40, 70, 64) })
            {
                var rng = new Random(5);
                float[] a = KernelTestSupport.Random(rng, m * k), b = KernelTestSupport.Random(rng, k * n);
                // A(i,p) and B(p,j) index as the product reads them.
                Func<int, int, int> ai = (i, p) => op == Product.TN ? p * m + i : i * k + p;
                Func<int, int, int> bi = (p, j) => op == Product.NT ? j * k + p : p * n + j;
                a[ai(0, k - 1)] = float.NaN;                     // row 0 all NaN
                a[ai(m - 1, 0)] = float.PositiveInfinity;         // last row ±Inf …
                b[bi(0, Math.Min(3, n - 1))] = 0f;                // … except Inf·0 = NaN in one column
                if (k > 1) b[bi(k / 2, n - 1)] = float.NegativeInfinity;
                var expected = new double[m * n];
                var mag = new double[m * n];
                GemmReference.Compute(op, a, b, null, m, n, k, expected, mag);
                var c = new float[m * n];
                using (new KernelTestSupport.GemmKernelScope(kernel))
                    GemmReference.Run(op, a, b, c, m, n, k, false);
                bool anyNaN = false, anyInf = false;
                foreach (double e in expected) { anyNaN |= double.IsNaN(e); anyInf |= double.IsInfinity(e); }
                Assert.That(anyNaN && anyInf, Is.True, "the case must exercise both NaN and Inf");
                Assert.That(KernelTestSupport.Compare(c, expected, mag, m * n, k, $"{m}×{n}×{k}"), Is.Null);
            }
        }

        [TestCaseSource(nameof(PathsAndProducts))]
        public void ResultsAreDeterministicAndIndependentOfThreadCount(GemmKernel kernel, Product op)
        {
            const int m = 300, n = 257, k = 260;
            var rng = new Random(9);
            float[] a = KernelTestSupport.Random(rng, m * k), b = KernelTestSupport.Random(rng, k * n);
            var first = new float[m * n];
            var second = new float[m * n];
            var threaded = new float[m * n];
            int previous = KernelDispatch.MaxDegreeOfParallelism;
            try
            {
                using (new KernelTestSupport.GemmKernelScope(kernel))
                {
                    GemmReference.Run(op, a, b, first, m, n, k, false);
                    GemmReference.Run(op, a, b, second, m, n, k, false);
                    KernelDispatch.MaxDegreeOfParallelism = 3;
                    GemmReference.Run(op, a, b, threaded, m, n, k, false);
                }
            }
            finally
            {
                KernelDispatch.MaxDegreeOfParallelism = previous;
            }
            Assert.That(second, Is.EqualTo(first).AsCollection);
            Assert.That(threaded, Is.EqualTo(first).AsCollection);
        }

        [TestCaseSource(nameof(PathsAndProducts))]
        public void SteadyStateCallsAllocateNothing(GemmKernel kernel, Product op)
        {
            var rng = new Random(2);
            float[] a = KernelTestSupport.Random(rng, 64 * 64), b = KernelTestSupport.Random(rng, 64 * 64), c = new float[64 * 64];
            float[] bias = KernelTestSupport.Random(rng, 64);
            using (new KernelTestSupport.GemmKernelScope(kernel))
            {
                for (int warm = 0; warm < 2; warm++)
                {
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    for (int i = 0; i < 1000; i++)
                    {
                        GemmReference.Run(op, a, b, c, 32, 48, 40, i % 2 == 0);
                        GemmReference.Run(op, a, b, c, 1, 64, 33, false);
                        Gemm.NT(a, b, c, 7, 33, 64, false, bias, FusedActivation.Relu);
                        Gemm.NT(a, b, c, 7, 33, 64, false, bias, FusedActivation.Tanh);
                    }
                    long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                    if (warm == 1) Assert.That(allocated, Is.EqualTo(0));
                }
            }
        }

        [Test]
        public void ScalarIsAlwaysSupportedAndBestIsSupported()
        {
            Assert.That(KernelDispatch.IsSupported(KernelPath.Scalar), Is.True);
            Assert.That(KernelDispatch.IsSupported(KernelDispatch.Best), Is.True);
            Assert.That(KernelDispatch.IsSupported(KernelDispatch.Active), Is.True);
        }

        [Test]
        public void UndefinedPathIsRejected()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => KernelDispatch.Active = (KernelPath)99);
        }

        [Test]
        public void UnsupportedPathIsRejected()
        {
            foreach (KernelPath p in (KernelPath[])Enum.GetValues(typeof(KernelPath)))
                if (!KernelDispatch.IsSupported(p))
                    Assert.Throws<ArgumentException>(() => KernelDispatch.Active = p);
        }

        [Test]
        public void DegreeOfParallelismBelowOneIsRejected()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => KernelDispatch.MaxDegreeOfParallelism = 0);
        }

        [Test]
        public void MismatchedShapesAreRejected()
        {
            Assert.Throws<ArgumentException>(() => Gemm.NT(new float[5], new float[6], new float[4], 2, 2, 3, false));
            Assert.Throws<ArgumentException>(() => Gemm.TN(new float[6], new float[5], new float[4], 2, 2, 3, false));
            Assert.Throws<ArgumentException>(() => Gemm.NN(new float[6], new float[6], new float[3], 2, 2, 3, false));
            Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.NN(new float[6], new float[6], new float[3], -1, 2, 3, false));
        }
    }
}
