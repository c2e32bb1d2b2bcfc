using System;
using System.Collections.Generic;
using System.Text;
using EmbeddedMlp.Kernels;

namespace EmbeddedMlp.Tests.Kernels
{
    /// <summary>The three products, by name.</summary>
    public enum Product { NT, TN, NN }

    /// <summary>A kernel path and, for the scalar path, which micro-kernel tile it runs.</summary>
    public readonly struct GemmKernel
    {
        public GemmKernel(KernelPath path, bool depthBlocked) { Path = path; DepthBlocked = depthBlocked; }
        public KernelPath Path { get; }
        public bool DepthBlocked { get; }
        public override string ToString() => DepthBlocked ? Path + "Depth4" : Path.ToString();
    }

    /// <summary>Kernel paths available in this process, a scope that selects one, and random matrices.</summary>
    internal static class KernelTestSupport
    {
        public static IEnumerable<KernelPath> SupportedPaths()
        {
            foreach (KernelPath p in (KernelPath[])Enum.GetValues(typeof(KernelPath)))
                if (KernelDispatch.IsSupported(p)) yield return p;
        }

        /// <summary>
        /// The matrix-product kernels to test: every supported path, plus the scalar path with the depth-blocked tile
        /// that Mono runs (<see cref="MicroKernelScalar.DepthBlocked"/>).
        /// </summary>
        public static IEnumerable<GemmKernel> GemmKernels()
        {
            foreach (KernelPath p in SupportedPaths()) yield return new GemmKernel(p, false);
            yield return new GemmKernel(KernelPath.Scalar, true);
        }

        /// <summary>Selects a <see cref="GemmKernel"/> until disposed.</summary>
        public readonly struct GemmKernelScope : IDisposable
        {
            private readonly PathScope _path;
            private readonly bool _depthBlocked;
            public GemmKernelScope(GemmKernel kernel)
            {
                _path = new PathScope(kernel.Path);
                _depthBlocked = MicroKernelScalar.DepthBlocked;
                MicroKernelScalar.DepthBlocked = kernel.DepthBlocked;
            }
            public void Dispose()
            {
                MicroKernelScalar.DepthBlocked = _depthBlocked;
                _path.Dispose();
            }
        }

        /// <summary>Sets <see cref="KernelDispatch.Active"/> until disposed.</summary>
        public readonly struct PathScope : IDisposable
        {
            private readonly KernelPath _previous;
            public PathScope(KernelPath path) { _previous = KernelDispatch.Active; KernelDispatch.Active = path; }
            public void Dispose() => KernelDispatch.Active = _previous;
        }

        public static float[] Random(Random rng, int count)
        {
            var x = new float[count];
            for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
            return x;
        }

        /// <summary>
        /// Compares a float result with a double reference: finite entries within (k + 2)·2⁻²³·(Σ|terms|) (the
        /// forward-error bound of a float sum of k + 1 terms), non-finite entries of the same kind (NaN, +Inf, −Inf).
        /// Returns a description of the first few mismatches, or null.
        /// </summary>
        public static string? Compare(float[] actual, double[] expected, double[] magnitude, int count, int k, string what)
        {
            StringBuilder? sb = null;
            int bad = 0;
            for (int i = 0; i < count; i++)
            {
                double e = expected[i], a = actual[i];
                bool ok;
                if (double.IsNaN(e)) ok = double.IsNaN(a);
                else if (double.IsInfinity(e)) ok = a == e;
                else ok = !double.IsNaN(a) && Math.Abs(a - e) <= (k + 2) * 1.2e-7 * magnitude[i] + 1e-30;
                if (!ok && bad++ < 5)
                {
                    sb ??= new StringBuilder(what).Append(':');
                    sb.Append($" [{i}] expected {e:R} found {a:R};");
                }
            }
            return sb?.ToString();
        }
    }

    /// <summary>Independent double-precision products (plain triple loops), with the sum of |terms| for tolerances.</summary>
    internal static class GemmReference
    {
        /// <summary>A(i,p) for the product's layout.</summary>
        private static double A(Product op, float[] a, int i, int p, int m, int k) => op == Product.TN ? a[p * m + i] : a[i * k + p];
        /// <summary>B(p,j) for the product's layout.</summary>
        private static double B(Product op, float[] b, int p, int j, int n, int k) => op == Product.NT ? b[j * k + p] : b[p * n + j];

        public static void Compute(Product op, float[] a, float[] b, float[]? c0, int m, int n, int k, double[] c, double[] magnitude)
        {
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = c0 == null ? 0 : c0[i * n + j];
                    double mag = Math.Abs(s);
                    for (int p = 0; p < k; p++)
                    {
                        double t = A(op, a, i, p, m, k) * B(op, b, p, j, n, k);
                        s += t;
                        mag += Math.Abs(t);
                    }
                    c[i * n + j] = s;
                    magnitude[i * n + j] = mag;
                }
        }

        public static void Run(Product op, float[] a, float[] b, float[] c, int m, int n, int k, bool accumulate)
        {
            switch (op)
            {
                case Product.NT: Gemm.NT(a, b, c, m, n, k, accumulate); break;
                case Product.TN: Gemm.TN(a, b, c, m, n, k, accumulate); break;
                default: Gemm.NN(a, b, c, m, n, k, accumulate); break;
            }
        }
    }
}
