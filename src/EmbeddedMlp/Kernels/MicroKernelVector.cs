using System;
using System.Runtime.CompilerServices;
using System.Numerics;

namespace EmbeddedMlp.Kernels
{
    /// <summary>
    /// Portable <c>Vector&lt;float&gt;</c> kernels (netstandard2.1; used only where it is hardware accelerated): a
    /// 4 × 2·W block of C in registers (W = <c>Vector&lt;float&gt;.Count</c>), and a dot-product kernel for products
    /// with very few rows.
    /// </summary>
    internal static unsafe class MicroKernelVector
    {
        public const int MR = 4;
        public static int NR => 2 * Vector<float>.Count;

        /// <summary>
        /// C[4, 2W] (load ? C : 0) + Σ_p A(i,p)·panel[p,j]; panel rows of <see cref="NR"/> floats. Rows past
        /// <paramref name="rows"/> repeat the last row of A and of C (same values, stored onto that row).
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void Tile(float* a, long ars, long aks, int rows, float* b, float* c, long ldc, int kc, bool load)
        {
            int w = Vector<float>.Count, nr = 2 * w;
            int r1 = Math.Min(1, rows - 1), r2 = Math.Min(2, rows - 1), r3 = Math.Min(3, rows - 1);
            float* a0 = a, a1 = a + r1 * ars, a2 = a + r2 * ars, a3 = a + r3 * ars;
            float* c0 = c, c1 = c + r1 * ldc, c2 = c + r2 * ldc, c3 = c + r3 * ldc;
            Vector<float> s00, s01, s10, s11, s20, s21, s30, s31;
            if (load)
            {
                s00 = *(Vector<float>*)c0; s01 = *(Vector<float>*)(c0 + w);
                s10 = *(Vector<float>*)c1; s11 = *(Vector<float>*)(c1 + w);
                s20 = *(Vector<float>*)c2; s21 = *(Vector<float>*)(c2 + w);
                s30 = *(Vector<float>*)c3; s31 = *(Vector<float>*)(c3 + w);
            }
            else
            {
                s00 = s01 = s10 = s11 = s20 = s21 = s30 = s31 = Vector<float>.Zero;
            }
            long off = 0;
            for (int p = 0; p < kc; p++, off += aks, b += nr)
            {
                var b0 = *(Vector<float>*)b;
                var b1 = *(Vector<float>*)(b + w);
                var x = new Vector<float>(a0[off]);
                s00 += x * b0; s01 += x * b1;
                x = new Vector<float>(a1[off]);
                s10 += x * b0; s11 += x * b1;
                x = new Vector<float>(a2[off]);
                s20 += x * b0; s21 += x * b1;
                x = new Vector<float>(a3[off]);
                s30 += x * b0; s31 += x * b1;
            }
            *(Vector<float>*)c3 = s30; *(Vector<float>*)(c3 + w) = s31;
            *(Vector<float>*)c2 = s20; *(Vector<float>*)(c2 + w) = s21;
            *(Vector<float>*)c1 = s10; *(Vector<float>*)(c1 + w) = s11;
            *(Vector<float>*)c0 = s00; *(Vector<float>*)(c0 + w) = s01;
        }

        /// <summary>C[m,n] (+)= A[m,k]·B[n,k]ᵀ by dot products, four rows of B at a time (few rows of A).</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void DotNT(float* a, float* b, float* c, long ldc, int m, int n, int k, bool accumulate)
        {
            int w = Vector<float>.Count;
            int kv = k - k % w;
            for (int i = 0; i < m; i++)
            {
                float* ai = a + (long)i * k;
                float* ci = c + i * ldc;
                int j = 0;
                for (; j <= n - 4; j += 4)
                {
                    float* b0 = b + (long)j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
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
                    float* b0 = b + (long)j * k;
                    Vector<float> s0 = Vector<float>.Zero;
                    for (int p = 0; p < kv; p += w)
                        s0 += *(Vector<float>*)(ai + p) * *(Vector<float>*)(b0 + p);
                    float d0 = Vector.Dot(s0, Vector<float>.One);
                    for (int p = kv; p < k; p++) d0 += ai[p] * b0[p];
                    ci[j] = accumulate ? ci[j] + d0 : d0;
                }
            }
        }
    }
}
