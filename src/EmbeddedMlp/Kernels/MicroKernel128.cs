#if NET8_0_OR_GREATER
using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EmbeddedMlp.Kernels
{
    /// <summary>
    /// <c>Vector128</c> kernels (NEON on ARM64, SSE on x64 without AVX2; fused multiply-add where the CPU has it): a
    /// 6×8 block of C in twelve registers, and a dot-product kernel for products with very few rows.
    /// </summary>
    internal static unsafe class MicroKernel128
    {
        public const int MR = 6, NR = 8;

        /// <summary>acc + x·y: fused where the CPU has it, unless <typeparamref name="TExact"/> asks for the deterministic
        /// mode's arithmetic (product rounded, then sum).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<float> MulAdd<TExact>(Vector128<float> x, Vector128<float> y, Vector128<float> acc) where TExact : struct, IExactFlag
        {
            if (default(TExact).IsExact) return acc + x * y;
            if (Fma.IsSupported) return Fma.MultiplyAdd(x, y, acc);
            if (AdvSimd.IsSupported) return AdvSimd.FusedMultiplyAdd(acc, x, y);
            return acc + x * y;
        }

        /// <summary>
        /// C[6,8] = (load ? C : 0) + Σ_p A(i,p)·panel[p,j]; panel rows of 8 floats. Rows past <paramref name="rows"/>
        /// repeat the last row of A and of C (same values, stored onto that row), so C is only touched in its first
        /// <paramref name="rows"/> rows.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Tile<TExact>(float* a, long ars, long aks, int rows, float* b, float* c, long ldc, int kc, bool load)
            where TExact : struct, IExactFlag
        {
            int r1 = Math.Min(1, rows - 1), r2 = Math.Min(2, rows - 1), r3 = Math.Min(3, rows - 1), r4 = Math.Min(4, rows - 1), r5 = Math.Min(5, rows - 1);
            float* a0 = a, a1 = a + r1 * ars, a2 = a + r2 * ars, a3 = a + r3 * ars, a4 = a + r4 * ars, a5 = a + r5 * ars;
            float* q0 = c, q1 = c + r1 * ldc, q2 = c + r2 * ldc, q3 = c + r3 * ldc, q4 = c + r4 * ldc, q5 = c + r5 * ldc;
            Vector128<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
            if (load)
            {
                c00 = Vector128.Load(q0); c01 = Vector128.Load(q0 + 4);
                c10 = Vector128.Load(q1); c11 = Vector128.Load(q1 + 4);
                c20 = Vector128.Load(q2); c21 = Vector128.Load(q2 + 4);
                c30 = Vector128.Load(q3); c31 = Vector128.Load(q3 + 4);
                c40 = Vector128.Load(q4); c41 = Vector128.Load(q4 + 4);
                c50 = Vector128.Load(q5); c51 = Vector128.Load(q5 + 4);
            }
            else
            {
                c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector128<float>.Zero;
            }
            long off = 0;
            float* end = b + (long)kc * NR;
            for (; b < end; b += NR, off += aks)
            {
                Vector128<float> b0 = Vector128.Load(b), b1 = Vector128.Load(b + 4);
                Vector128<float> x = Vector128.Create(a0[off]);
                c00 = MulAdd<TExact>(x, b0, c00); c01 = MulAdd<TExact>(x, b1, c01);
                x = Vector128.Create(a1[off]);
                c10 = MulAdd<TExact>(x, b0, c10); c11 = MulAdd<TExact>(x, b1, c11);
                x = Vector128.Create(a2[off]);
                c20 = MulAdd<TExact>(x, b0, c20); c21 = MulAdd<TExact>(x, b1, c21);
                x = Vector128.Create(a3[off]);
                c30 = MulAdd<TExact>(x, b0, c30); c31 = MulAdd<TExact>(x, b1, c31);
                x = Vector128.Create(a4[off]);
                c40 = MulAdd<TExact>(x, b0, c40); c41 = MulAdd<TExact>(x, b1, c41);
                x = Vector128.Create(a5[off]);
                c50 = MulAdd<TExact>(x, b0, c50); c51 = MulAdd<TExact>(x, b1, c51);
            }
            c50.Store(q5); c51.Store(q5 + 4);
            c40.Store(q4); c41.Store(q4 + 4);
            c30.Store(q3); c31.Store(q3 + 4);
            c20.Store(q2); c21.Store(q2 + 4);
            c10.Store(q1); c11.Store(q1 + 4);
            c00.Store(q0); c01.Store(q0 + 4);
        }

        /// <summary>C[m,n] (+)= A[m,k]·B[n,k]ᵀ by dot products over four rows of B at a time (few rows of A).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void DotNT(float* a, float* b, float* c, long ldc, int m, int n, int k, bool accumulate)
        {
            int k8 = k & ~7, k4 = k & ~3;
            for (int i = 0; i < m; i++)
            {
                float* ai = a + (long)i * k;
                float* ci = c + i * ldc;
                int j = 0;
                for (; j <= n - 4; j += 4)
                {
                    float* b0 = b + (long)j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
                    Vector128<float> s0 = Vector128<float>.Zero, s1 = s0, s2 = s0, s3 = s0, t0 = s0, t1 = s0, t2 = s0, t3 = s0;
                    int p = 0;
                    for (; p < k8; p += 8)
                    {
                        Vector128<float> x = Vector128.Load(ai + p), y = Vector128.Load(ai + p + 4);
                        s0 = MulAdd<Inexact>(x, Vector128.Load(b0 + p), s0);
                        s1 = MulAdd<Inexact>(x, Vector128.Load(b1 + p), s1);
                        s2 = MulAdd<Inexact>(x, Vector128.Load(b2 + p), s2);
                        s3 = MulAdd<Inexact>(x, Vector128.Load(b3 + p), s3);
                        t0 = MulAdd<Inexact>(y, Vector128.Load(b0 + p + 4), t0);
                        t1 = MulAdd<Inexact>(y, Vector128.Load(b1 + p + 4), t1);
                        t2 = MulAdd<Inexact>(y, Vector128.Load(b2 + p + 4), t2);
                        t3 = MulAdd<Inexact>(y, Vector128.Load(b3 + p + 4), t3);
                    }
                    if (p < k4)
                    {
                        Vector128<float> x = Vector128.Load(ai + p);
                        s0 = MulAdd<Inexact>(x, Vector128.Load(b0 + p), s0);
                        s1 = MulAdd<Inexact>(x, Vector128.Load(b1 + p), s1);
                        s2 = MulAdd<Inexact>(x, Vector128.Load(b2 + p), s2);
                        s3 = MulAdd<Inexact>(x, Vector128.Load(b3 + p), s3);
                        p += 4;
                    }
                    s0 += t0; s1 += t1; s2 += t2; s3 += t3;
                    // Transpose-and-add: lane q of d = Σ s_q, in a fixed order.
                    Vector128<float> lo01 = Vector128.Create(s0.GetElement(0) + s0.GetElement(1), s1.GetElement(0) + s1.GetElement(1),
                        s2.GetElement(0) + s2.GetElement(1), s3.GetElement(0) + s3.GetElement(1));
                    Vector128<float> hi23 = Vector128.Create(s0.GetElement(2) + s0.GetElement(3), s1.GetElement(2) + s1.GetElement(3),
                        s2.GetElement(2) + s2.GetElement(3), s3.GetElement(2) + s3.GetElement(3));
                    Vector128<float> d = lo01 + hi23;
                    for (; p < k; p++)
                    {
                        float x = ai[p];
                        d += Vector128.Create(x * b0[p], x * b1[p], x * b2[p], x * b3[p]);
                    }
                    if (accumulate) d += Vector128.Load(ci + j);
                    d.Store(ci + j);
                }
                for (; j < n; j++)
                {
                    float* b0 = b + (long)j * k;
                    Vector128<float> s0 = Vector128<float>.Zero;
                    int p = 0;
                    for (; p < k4; p += 4) s0 = MulAdd<Inexact>(Vector128.Load(ai + p), Vector128.Load(b0 + p), s0);
                    float d0 = (s0.GetElement(0) + s0.GetElement(1)) + (s0.GetElement(2) + s0.GetElement(3));
                    for (; p < k; p++) d0 += ai[p] * b0[p];
                    ci[j] = accumulate ? ci[j] + d0 : d0;
                }
            }
        }
    }
}
#endif
