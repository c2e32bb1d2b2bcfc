using System;
using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;

namespace EmbeddedMlp.Kernels
{
    /// <summary>Reductions and element-wise helpers over flat spans.</summary>
    internal static unsafe class Reductions
    {
        /// <summary>dst[j] (+)= Σ_r x[r, j] over a rows×cols row-major matrix (the bias gradient).</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void SumColumns(ReadOnlySpan<float> x, int rows, int cols, Span<float> dst, bool accumulate)
        {
            Guard.Dimensions(rows, cols, 0);
            Guard.AtLeast(x.Length, (long)rows * cols, nameof(x), rows, cols);
            Guard.AtLeast(dst.Length, cols, nameof(dst), 1, cols);
            if (!accumulate) dst.Slice(0, cols).Clear();
            fixed (float* px = &MemoryMarshal.GetReference(x))
            fixed (float* pd = &MemoryMarshal.GetReference(dst))
            {
                bool vector = KernelDispatch.UseVector;
                int w = Vector<float>.Count;
                for (int r = 0; r < rows; r++)
                {
                    float* xr = px + (long)r * cols;
                    int j = 0;
                    if (vector)
                        for (; j <= cols - w; j += w) *(Vector<float>*)(pd + j) += *(Vector<float>*)(xr + j);
                    for (; j < cols; j++) pd[j] += xr[j];
                }
            }
        }

        /// <summary>
        /// Σ x², accumulated in double so that large finite values do not overflow (fixed order per path; in the
        /// deterministic mode one order on every path, <see cref="SumOfSquaresExact"/>).
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        public static double SumOfSquares(ReadOnlySpan<float> x)
        {
            if (KernelDispatch.Deterministic) return SumOfSquaresExact(x);
            int i = 0, n = x.Length;
            fixed (float* px = &MemoryMarshal.GetReference(x))
            {
                if (KernelDispatch.UseVector && n >= 2 * Vector<float>.Count)
                {
                    // Four independent double accumulators (two vectors of floats per step) hide the add latency.
                    int w = Vector<float>.Count;
                    Vector<double> s0 = Vector<double>.Zero, s1 = s0, s2 = s0, s3 = s0;
                    for (; i <= n - 2 * w; i += 2 * w)
                    {
                        Vector.Widen(*(Vector<float>*)(px + i), out Vector<double> lo, out Vector<double> hi);
                        Vector.Widen(*(Vector<float>*)(px + i + w), out Vector<double> lo2, out Vector<double> hi2);
                        s0 += lo * lo;
                        s1 += hi * hi;
                        s2 += lo2 * lo2;
                        s3 += hi2 * hi2;
                    }
                    for (; i <= n - w; i += w)
                    {
                        Vector.Widen(*(Vector<float>*)(px + i), out Vector<double> lo, out Vector<double> hi);
                        s0 += lo * lo;
                        s1 += hi * hi;
                    }
                    double t = Vector.Dot((s0 + s1) + (s2 + s3), Vector<double>.One);
                    for (; i < n; i++) { double a = px[i]; t += a * a; }
                    return t;
                }
                double q0 = 0, q1 = 0, q2 = 0, q3 = 0;
                for (; i <= n - 4; i += 4)
                {
                    double a = px[i], b = px[i + 1], c = px[i + 2], d = px[i + 3];
                    q0 += a * a; q1 += b * b; q2 += c * c; q3 += d * d;
                }
                for (; i < n; i++) { double a = px[i]; q0 += a * a; }
                return (q0 + q1) + (q2 + q3);
            }
        }

        /// <summary>
        /// Σ x² in the deterministic mode's order: eight double lanes, lane L summing the squares of elements i ≡ L (mod 8)
        /// in ascending i (each square of a float is exact in double, each addition rounded once), combined by the tree
        /// ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7)). Two <c>Vector&lt;double&gt;</c> of four (AVX2) or eight scalars.
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        public static double SumOfSquaresExact(ReadOnlySpan<float> x)
        {
            int i = 0, n = x.Length, n8 = n & ~7;
            double* lanes = stackalloc double[8];
            fixed (float* px = &MemoryMarshal.GetReference(x))
            {
                if (KernelDispatch.UseVector && Vector<float>.Count == 8)
                {
                    Vector<double> lo = Vector<double>.Zero, hi = lo;
                    for (; i < n8; i += 8)
                    {
                        Vector.Widen(*(Vector<float>*)(px + i), out Vector<double> a, out Vector<double> b);
                        lo += a * a;
                        hi += b * b;
                    }
                    *(Vector<double>*)lanes = lo;
                    *(Vector<double>*)(lanes + 4) = hi;
                }
                else
                {
                    double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
                    for (; i < n8; i += 8)
                    {
                        double a0 = px[i], a1 = px[i + 1], a2 = px[i + 2], a3 = px[i + 3], a4 = px[i + 4], a5 = px[i + 5], a6 = px[i + 6], a7 = px[i + 7];
                        s0 += a0 * a0; s1 += a1 * a1; s2 += a2 * a2; s3 += a3 * a3;
                        s4 += a4 * a4; s5 += a5 * a5; s6 += a6 * a6; s7 += a7 * a7;
                    }
                    lanes[0] = s0; lanes[1] = s1; lanes[2] = s2; lanes[3] = s3;
                    lanes[4] = s4; lanes[5] = s5; lanes[6] = s6; lanes[7] = s7;
                }
                for (; i < n; i++) { double a = px[i]; lanes[i - n8] += a * a; }
                return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
            }
        }

        /// <summary>x ⊙= s.</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void Scale(Span<float> x, float s)
        {
            fixed (float* p = &MemoryMarshal.GetReference(x))
            {
                int n = x.Length, i = 0;
                if (KernelDispatch.UseVector)
                {
                    int w = Vector<float>.Count;
                    var vs = new Vector<float>(s);
                    for (; i <= n - w; i += w) *(Vector<float>*)(p + i) *= vs;
                }
                for (; i < n; i++) p[i] *= s;
            }
        }

        /// <summary>
        /// dst = τ·src + (1 − τ)·dst, element by element (Polyak averaging), computed as dst·(1 − τ) + src·τ with no fused
        /// multiply-add on every path, so every path gives the same bits.
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void Blend(Span<float> dst, ReadOnlySpan<float> src, float tau)
        {
            Guard.AtLeast(src.Length, dst.Length, nameof(src), 1, dst.Length);
            float keep = 1f - tau;
            fixed (float* pd = &MemoryMarshal.GetReference(dst))
            fixed (float* ps = &MemoryMarshal.GetReference(src))
            {
                int n = dst.Length, i = 0;
                if (KernelDispatch.UseVector)
                {
                    int w = Vector<float>.Count;
                    Vector<float> vKeep = new Vector<float>(keep), vTau = new Vector<float>(tau);
                    for (; i <= n - w; i += w) *(Vector<float>*)(pd + i) = *(Vector<float>*)(pd + i) * vKeep + *(Vector<float>*)(ps + i) * vTau;
                }
                for (; i < n; i++) pd[i] = (float)((float)(pd[i] * keep) + (float)(ps[i] * tau));
            }
        }
    }
}
