using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace EmbeddedMlp.Kernels
{
    /// <summary>
    /// The three matrix products of an MLP with samples in rows, all row-major and dense:
    /// <list type="bullet">
    /// <item><see cref="NT"/>: C[m,n] (+)= A[m,k]·B[n,k]ᵀ — forward, Z = A·Wᵀ.</item>
    /// <item><see cref="TN"/>: C[m,n] (+)= A[k,m]ᵀ·B[k,n] — weight gradient, ∇W = Δᵀ·A.</item>
    /// <item><see cref="NN"/>: C[m,n] (+)= A[m,k]·B[k,n] — input gradient, Δ_prev = Δ·W.</item>
    /// </list>
    /// With <c>accumulate</c> false C is overwritten. Each output element is summed in a fixed order, so results are
    /// run-to-run deterministic for a given path. NaN and ±Inf propagate as IEEE arithmetic dictates (no skipping of
    /// zero operands).
    /// </summary>
    public static unsafe class Gemm
    {
        /// <summary>C[m,n] (+)= A[m,k]·B[n,k]ᵀ.</summary>
        public static void NT(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate)
        {
            Guard.Dimensions(m, n, k);
            Guard.AtLeast(a.Length, m, k, nameof(a));
            Guard.AtLeast(b.Length, n, k, nameof(b));
            Guard.AtLeast(c.Length, m, n, nameof(c));
            if (m == 0 || n == 0) return;
            fixed (float* pa = &MemoryMarshal.GetReference(a))
            fixed (float* pb = &MemoryMarshal.GetReference(b))
            fixed (float* pc = &MemoryMarshal.GetReference(c))
            {
                if (KernelDispatch.UseVector && k >= Vector<float>.Count) NTVector(pa, pb, pc, m, n, k, accumulate);
                else NTScalar(pa, pb, pc, m, n, k, accumulate);
            }
        }

        /// <summary>C[m,n] (+)= A[k,m]ᵀ·B[k,n].</summary>
        public static void TN(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate)
        {
            Guard.Dimensions(m, n, k);
            Guard.AtLeast(a.Length, k, m, nameof(a));
            Guard.AtLeast(b.Length, k, n, nameof(b));
            Guard.AtLeast(c.Length, m, n, nameof(c));
            if (m == 0 || n == 0) return;
            if (!accumulate) c.Slice(0, m * n).Clear();
            fixed (float* pa = &MemoryMarshal.GetReference(a))
            fixed (float* pb = &MemoryMarshal.GetReference(b))
            fixed (float* pc = &MemoryMarshal.GetReference(c))
            {
                bool vector = KernelDispatch.UseVector && n >= Vector<float>.Count;
                for (int i = 0; i < m; i++)
                {
                    float* ci = pc + (long)i * n;
                    for (int r = 0; r < k; r++)
                    {
                        if (vector) AxpyVector(pa[(long)r * m + i], pb + (long)r * n, ci, n);
                        else AxpyScalar(pa[(long)r * m + i], pb + (long)r * n, ci, n);
                    }
                }
            }
        }

        /// <summary>C[m,n] (+)= A[m,k]·B[k,n].</summary>
        public static void NN(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate)
        {
            Guard.Dimensions(m, n, k);
            Guard.AtLeast(a.Length, m, k, nameof(a));
            Guard.AtLeast(b.Length, k, n, nameof(b));
            Guard.AtLeast(c.Length, m, n, nameof(c));
            if (m == 0 || n == 0) return;
            if (!accumulate) c.Slice(0, m * n).Clear();
            fixed (float* pa = &MemoryMarshal.GetReference(a))
            fixed (float* pb = &MemoryMarshal.GetReference(b))
            fixed (float* pc = &MemoryMarshal.GetReference(c))
            {
                bool vector = KernelDispatch.UseVector && n >= Vector<float>.Count;
                for (int i = 0; i < m; i++)
                {
                    float* ci = pc + (long)i * n;
                    float* ai = pa + (long)i * k;
                    for (int p = 0; p < k; p++)
                    {
                        if (vector) AxpyVector(ai[p], pb + (long)p * n, ci, n);
                        else AxpyScalar(ai[p], pb + (long)p * n, ci, n);
                    }
                }
            }
        }

        // y[0..n) += s·x[0..n)
        private static void AxpyVector(float s, float* x, float* y, int n)
        {
            int w = Vector<float>.Count, j = 0;
            var vs = new Vector<float>(s);
            for (; j <= n - w; j += w)
                *(Vector<float>*)(y + j) += vs * *(Vector<float>*)(x + j);
            for (; j < n; j++) y[j] += s * x[j];
        }

        private static void AxpyScalar(float s, float* x, float* y, int n)
        {
            int j = 0;
            for (; j <= n - 4; j += 4)
            {
                y[j] += s * x[j];
                y[j + 1] += s * x[j + 1];
                y[j + 2] += s * x[j + 2];
                y[j + 3] += s * x[j + 3];
            }
            for (; j < n; j++) y[j] += s * x[j];
        }

        private static void NTVector(float* pa, float* pb, float* pc, int m, int n, int k, bool accumulate)
        {
            int w = Vector<float>.Count;
            int kv = k - k % w;
            for (int i = 0; i < m; i++)
            {
                float* ai = pa + (long)i * k;
                float* ci = pc + (long)i * n;
                int j = 0;
                for (; j <= n - 4; j += 4)
                {
                    float* b0 = pb + (long)j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
                    Vector<float> s0 = Vector<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
                    for (int p = 0; p < kv; p += w)
                    {
                        var va = *(Vector<float>*)(ai + p);
                        s0 += va * *(Vector<float>*)(b0 + p);
                        s1 += va * *(Vector<float>*)(b1 + p);
                        s2 += va * *(Vector<float>*)(b2 + p);
                        s3 += va * *(Vector<float>*)(b3 + p);
                    }
                    float d0 = Vector.Dot(s0, Vector<float>.One), d1 = Vector.Dot(s1, Vector<float>.One);
                    float d2 = Vector.Dot(s2, Vector<float>.One), d3 = Vector.Dot(s3, Vector<float>.One);
                    for (int p = kv; p < k; p++)
                    {
                        float x = ai[p];
                        d0 += x * b0[p]; d1 += x * b1[p]; d2 += x * b2[p]; d3 += x * b3[p];
                    }
                    if (accumulate) { ci[j] += d0; ci[j + 1] += d1; ci[j + 2] += d2; ci[j + 3] += d3; }
                    else { ci[j] = d0; ci[j + 1] = d1; ci[j + 2] = d2; ci[j + 3] = d3; }
                }
                for (; j < n; j++)
                {
                    float* b0 = pb + (long)j * k;
                    Vector<float> s0 = Vector<float>.Zero;
                    for (int p = 0; p < kv; p += w)
                        s0 += *(Vector<float>*)(ai + p) * *(Vector<float>*)(b0 + p);
                    float d0 = Vector.Dot(s0, Vector<float>.One);
                    for (int p = kv; p < k; p++) d0 += ai[p] * b0[p];
                    ci[j] = accumulate ? ci[j] + d0 : d0;
                }
            }
        }

        private static void NTScalar(float* pa, float* pb, float* pc, int m, int n, int k, bool accumulate)
        {
            for (int i = 0; i < m; i++)
            {
                float* ai = pa + (long)i * k;
                float* ci = pc + (long)i * n;
                int j = 0;
                for (; j <= n - 4; j += 4)
                {
                    float* b0 = pb + (long)j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
                    float d0 = 0, d1 = 0, d2 = 0, d3 = 0;
                    for (int p = 0; p < k; p++)
                    {
                        float x = ai[p];
                        d0 += x * b0[p]; d1 += x * b1[p]; d2 += x * b2[p]; d3 += x * b3[p];
                    }
                    if (accumulate) { ci[j] += d0; ci[j + 1] += d1; ci[j + 2] += d2; ci[j + 3] += d3; }
                    else { ci[j] = d0; ci[j + 1] = d1; ci[j + 2] = d2; ci[j + 3] = d3; }
                }
                for (; j < n; j++)
                {
                    float* b0 = pb + (long)j * k;
                    float d0 = 0;
                    for (int p = 0; p < k; p++) d0 += ai[p] * b0[p];
                    ci[j] = accumulate ? ci[j] + d0 : d0;
                }
            }
        }
    }
}
