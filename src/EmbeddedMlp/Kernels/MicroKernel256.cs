#if NET8_0_OR_GREATER
using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EmbeddedMlp.Kernels
{
    /// <summary>
    /// AVX2 + FMA kernels: a 6×16 block of C in twelve ymm registers (broadcast A × two vectors of a packed B panel
    /// per step of k), and a dot-product kernel for products with very few rows (batch-1 inference: matrix-vector).
    /// </summary>
    internal static unsafe class MicroKernel256
    {
        public const int MR = 6, NR = 16;

        /// <summary>acc + x·y: one fused multiply-add, or with <see cref="Exact"/> the product rounded and then added.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> MulAdd<TExact>(Vector256<float> x, Vector256<float> y, Vector256<float> acc) where TExact : struct, IExactFlag =>
            default(TExact).IsExact ? Avx.Add(acc, Avx.Multiply(x, y)) : Fma.MultiplyAdd(x, y, acc);

        /// <summary>
        /// C[6,16] = (load ? C : 0) + Σ_p A(i,p)·panel[p,j], A(i,p) = a[i·ars + p·aks], panel rows of 16 floats.
        /// Rows past <paramref name="rows"/> repeat the last row, of A and of C alike: they compute the same values as
        /// that row and store them onto it, so C is only touched in its first <paramref name="rows"/> rows. The depth
        /// loop is unrolled by two. <typeparamref name="TExact"/> is <see cref="Inexact"/> (fused multiply-add, one rounding
        /// per step) or <see cref="Exact"/> (product rounded, then sum: the deterministic mode's arithmetic, the same as the
        /// scalar and <c>Vector&lt;T&gt;</c> tiles').
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Tile<TExact>(float* a, long ars, long aks, int rows, float* b, float* c, long ldc, int kc, bool load)
            where TExact : struct, IExactFlag
        {
            int r1 = Math.Min(1, rows - 1), r2 = Math.Min(2, rows - 1), r3 = Math.Min(3, rows - 1), r4 = Math.Min(4, rows - 1), r5 = Math.Min(5, rows - 1);
            float* a0 = a, a1 = a + r1 * ars, a2 = a + r2 * ars, a3 = a + r3 * ars, a4 = a + r4 * ars, a5 = a + r5 * ars;
            Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
            if (load)
            {
                c00 = Avx.LoadVector256(c); c01 = Avx.LoadVector256(c + 8);
                c10 = Avx.LoadVector256(c + r1 * ldc); c11 = Avx.LoadVector256(c + r1 * ldc + 8);
                c20 = Avx.LoadVector256(c + r2 * ldc); c21 = Avx.LoadVector256(c + r2 * ldc + 8);
                c30 = Avx.LoadVector256(c + r3 * ldc); c31 = Avx.LoadVector256(c + r3 * ldc + 8);
                c40 = Avx.LoadVector256(c + r4 * ldc); c41 = Avx.LoadVector256(c + r4 * ldc + 8);
                c50 = Avx.LoadVector256(c + r5 * ldc); c51 = Avx.LoadVector256(c + r5 * ldc + 8);
            }
            else
            {
                c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector256<float>.Zero;
            }
            long off = 0;
            float* end = b + (long)kc * NR, end2 = b + (long)(kc & ~1) * NR;
            for (; b < end2; b += 2 * NR, off += 2 * aks)
            {
                long o2 = off + aks;
                Vector256<float> b0 = Avx.LoadVector256(b), b1 = Avx.LoadVector256(b + 8);
                Vector256<float> x = Vector256.Create(a0[off]);
                c00 = MulAdd<TExact>(x, b0, c00); c01 = MulAdd<TExact>(x, b1, c01);
                x = Vector256.Create(a1[off]);
                c10 = MulAdd<TExact>(x, b0, c10); c11 = MulAdd<TExact>(x, b1, c11);
                x = Vector256.Create(a2[off]);
                c20 = MulAdd<TExact>(x, b0, c20); c21 = MulAdd<TExact>(x, b1, c21);
                x = Vector256.Create(a3[off]);
                c30 = MulAdd<TExact>(x, b0, c30); c31 = MulAdd<TExact>(x, b1, c31);
                x = Vector256.Create(a4[off]);
                c40 = MulAdd<TExact>(x, b0, c40); c41 = MulAdd<TExact>(x, b1, c41);
                x = Vector256.Create(a5[off]);
                c50 = MulAdd<TExact>(x, b0, c50); c51 = MulAdd<TExact>(x, b1, c51);
                b0 = Avx.LoadVector256(b + NR); b1 = Avx.LoadVector256(b + NR + 8);
                x = Vector256.Create(a0[o2]);
                c00 = MulAdd<TExact>(x, b0, c00); c01 = MulAdd<TExact>(x, b1, c01);
                x = Vector256.Create(a1[o2]);
                c10 = MulAdd<TExact>(x, b0, c10); c11 = MulAdd<TExact>(x, b1, c11);
                x = Vector256.Create(a2[o2]);
                c20 = MulAdd<TExact>(x, b0, c20); c21 = MulAdd<TExact>(x, b1, c21);
                x = Vector256.Create(a3[o2]);
                c30 = MulAdd<TExact>(x, b0, c30); c31 = MulAdd<TExact>(x, b1, c31);
                x = Vector256.Create(a4[o2]);
                c40 = MulAdd<TExact>(x, b0, c40); c41 = MulAdd<TExact>(x, b1, c41);
                x = Vector256.Create(a5[o2]);
                c50 = MulAdd<TExact>(x, b0, c50); c51 = MulAdd<TExact>(x, b1, c51);
            }
            if (b < end)
            {
                Vector256<float> b0 = Avx.LoadVector256(b), b1 = Avx.LoadVector256(b + 8);
                Vector256<float> x = Vector256.Create(a0[off]);
                c00 = MulAdd<TExact>(x, b0, c00); c01 = MulAdd<TExact>(x, b1, c01);
                x = Vector256.Create(a1[off]);
                c10 = MulAdd<TExact>(x, b0, c10); c11 = MulAdd<TExact>(x, b1, c11);
                x = Vector256.Create(a2[off]);
                c20 = MulAdd<TExact>(x, b0, c20); c21 = MulAdd<TExact>(x, b1, c21);
                x = Vector256.Create(a3[off]);
                c30 = MulAdd<TExact>(x, b0, c30); c31 = MulAdd<TExact>(x, b1, c31);
                x = Vector256.Create(a4[off]);
                c40 = MulAdd<TExact>(x, b0, c40); c41 = MulAdd<TExact>(x, b1, c41);
                x = Vector256.Create(a5[off]);
                c50 = MulAdd<TExact>(x, b0, c50); c51 = MulAdd<TExact>(x, b1, c51);
            }
            // A clamped row holds exactly the values of row rows−1 (same inputs, same operations): storing it is harmless.
            Avx.Store(c + r5 * ldc, c50); Avx.Store(c + r5 * ldc + 8, c51);
            Avx.Store(c + r4 * ldc, c40); Avx.Store(c + r4 * ldc + 8, c41);
            Avx.Store(c + r3 * ldc, c30); Avx.Store(c + r3 * ldc + 8, c31);
            Avx.Store(c + r2 * ldc, c20); Avx.Store(c + r2 * ldc + 8, c21);
            Avx.Store(c + r1 * ldc, c10); Avx.Store(c + r1 * ldc + 8, c11);
            Avx.Store(c, c00); Avx.Store(c + 8, c01);
        }

        /// <summary>
        /// C[m,n] (+)= A[m,k]·B[n,k]ᵀ by dot products over four rows of B at a time, two accumulators each
        /// (few rows of A: the matrix-vector product of batch-1 inference).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void DotNT(float* a, float* b, float* c, long ldc, int m, int n, int k, bool accumulate)
        {
            int i = 0;
            for (; i <= m - 2; i += 2) DotNT2Rows(a + (long)i * k, b, c + i * ldc, ldc, n, k, accumulate);
            if (i < m) DotNT1Row(a + (long)i * k, b, c + i * ldc, n, k, accumulate);
        }

        /// <summary>
        /// One row of C (matrix-vector). Eight rows of B at a time, one ymm accumulator each, reduced by a transposing
        /// horizontal-add tree into one vector of eight sums — unless rows of B are a multiple of 4 KB apart (k a
        /// multiple of 1024), where nine streams would share one 8-way L1 set; then, and for the rest, four rows at
        /// a time (two accumulators each), then single columns.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void DotNT1Row(float* ai, float* b, float* ci, int n, int k, bool accumulate)
        {
            int k16 = k & ~15, k8 = k & ~7;
            int j = 0;
            if (k % 1024 != 0)
            {
                for (; j <= n - 8; j += 8)
                {
                    float* b0 = b + (long)j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k, b4 = b3 + k, b5 = b4 + k, b6 = b5 + k, b7 = b6 + k;
                    Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
                    int p = 0;
                    for (; p < k8; p += 8)
                    {
                        Vector256<float> x = Avx.LoadVector256(ai + p);
                        s0 = Fma.MultiplyAdd(x, Avx.LoadVector256(b0 + p), s0);
                        s1 = Fma.MultiplyAdd(x, Avx.LoadVector256(b1 + p), s1);
                        s2 = Fma.MultiplyAdd(x, Avx.LoadVector256(b2 + p), s2);
                        s3 = Fma.MultiplyAdd(x, Avx.LoadVector256(b3 + p), s3);
                        s4 = Fma.MultiplyAdd(x, Avx.LoadVector256(b4 + p), s4);
                        s5 = Fma.MultiplyAdd(x, Avx.LoadVector256(b5 + p), s5);
                        s6 = Fma.MultiplyAdd(x, Avx.LoadVector256(b6 + p), s6);
                        s7 = Fma.MultiplyAdd(x, Avx.LoadVector256(b7 + p), s7);
                    }
                    // Lane q of (lower + upper half) of hadd(hadd(s0,s1), hadd(s2,s3)) is Σ s_q; likewise for s4..s7.
                    Vector256<float> q0 = Avx.HorizontalAdd(Avx.HorizontalAdd(s0, s1), Avx.HorizontalAdd(s2, s3));
                    Vector256<float> q1 = Avx.HorizontalAdd(Avx.HorizontalAdd(s4, s5), Avx.HorizontalAdd(s6, s7));
                    Vector256<float> d = Avx.Add(Avx.Permute2x128(q0, q1, 0x20), Avx.Permute2x128(q0, q1, 0x31));
                    for (; p < k; p++)
                        d = Avx.Add(d, Avx.Multiply(Vector256.Create(ai[p]), Vector256.Create(b0[p], b1[p], b2[p], b3[p], b4[p], b5[p], b6[p], b7[p])));
                    if (accumulate) d = Avx.Add(Avx.LoadVector256(ci + j), d);
                    Avx.Store(ci + j, d);
                }
            }
            for (; j <= n - 4; j += 4)
            {
                float* b0 = b + (long)j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
                Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0, t0 = s0, t1 = s0, t2 = s0, t3 = s0;
                int p = 0;
                for (; p < k16; p += 16)
                {
                    Vector256<float> x = Avx.LoadVector256(ai + p), y = Avx.LoadVector256(ai + p + 8);
                    s0 = Fma.MultiplyAdd(x, Avx.LoadVector256(b0 + p), s0);
                    s1 = Fma.MultiplyAdd(x, Avx.LoadVector256(b1 + p), s1);
                    s2 = Fma.MultiplyAdd(x, Avx.LoadVector256(b2 + p), s2);
                    s3 = Fma.MultiplyAdd(x, Avx.LoadVector256(b3 + p), s3);
                    t0 = Fma.MultiplyAdd(y, Avx.LoadVector256(b0 + p + 8), t0);
                    t1 = Fma.MultiplyAdd(y, Avx.LoadVector256(b1 + p + 8), t1);
                    t2 = Fma.MultiplyAdd(y, Avx.LoadVector256(b2 + p + 8), t2);
                    t3 = Fma.MultiplyAdd(y, Avx.LoadVector256(b3 + p + 8), t3);
                }
                if (p < k8)
                {
                    Vector256<float> x = Avx.LoadVector256(ai + p);
                    s0 = Fma.MultiplyAdd(x, Avx.LoadVector256(b0 + p), s0);
                    s1 = Fma.MultiplyAdd(x, Avx.LoadVector256(b1 + p), s1);
                    s2 = Fma.MultiplyAdd(x, Avx.LoadVector256(b2 + p), s2);
                    s3 = Fma.MultiplyAdd(x, Avx.LoadVector256(b3 + p), s3);
                    p += 8;
                }
                s0 = Avx.Add(s0, t0); s1 = Avx.Add(s1, t1); s2 = Avx.Add(s2, t2); s3 = Avx.Add(s3, t3);
                // [s0 s1 s2 s3] horizontal sums in one vector: lane q = Σ s_q.
                Vector256<float> h = Avx.HorizontalAdd(Avx.HorizontalAdd(s0, s1), Avx.HorizontalAdd(s2, s3));
                Vector128<float> d = Sse.Add(h.GetLower(), h.GetUpper());
                for (; p < k; p++)
                {
                    float x = ai[p];
                    d = Sse.Add(d, Vector128.Create(x * b0[p], x * b1[p], x * b2[p], x * b3[p]));
                }
                if (accumulate) d = Sse.Add(Sse.LoadVector128(ci + j), d);
                Sse.Store(ci + j, d);
            }
            for (; j < n; j++)
            {
                float* b0 = b + (long)j * k;
                Vector256<float> s0 = Vector256<float>.Zero;
                int p = 0;
                for (; p < k8; p += 8) s0 = Fma.MultiplyAdd(Avx.LoadVector256(ai + p), Avx.LoadVector256(b0 + p), s0);
                Vector128<float> q = Sse.Add(s0.GetLower(), s0.GetUpper());
                q = Sse.Add(q, Sse.MoveHighToLow(q, q));
                float d0 = q.ToScalar() + q.GetElement(1);
                for (; p < k; p++) d0 += ai[p] * b0[p];
                ci[j] = accumulate ? ci[j] + d0 : d0;
            }
        }

        /// <summary>
        /// Two rows of C by dot products against four rows of B at a time: eight independent ymm accumulators, six
        /// loads per eight FMAs, no packing (NT with a moderate number of rows).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void DotNT2Rows(float* a0, float* b, float* c0, long ldc, int n, int k, bool accumulate)
        {
            float* a1 = a0 + k;
            float* c1 = c0 + ldc;
            int k8 = k & ~7;
            int j = 0;
            for (; j <= n - 4; j += 4)
            {
                float* b0 = b + (long)j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
                Vector256<float> s00 = Vector256<float>.Zero, s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
                int p = 0;
                for (; p < k8; p += 8)
                {
                    Vector256<float> x0 = Avx.LoadVector256(a0 + p), x1 = Avx.LoadVector256(a1 + p);
                    Vector256<float> w = Avx.LoadVector256(b0 + p);
                    s00 = Fma.MultiplyAdd(x0, w, s00); s10 = Fma.MultiplyAdd(x1, w, s10);
                    w = Avx.LoadVector256(b1 + p);
                    s01 = Fma.MultiplyAdd(x0, w, s01); s11 = Fma.MultiplyAdd(x1, w, s11);
                    w = Avx.LoadVector256(b2 + p);
                    s02 = Fma.MultiplyAdd(x0, w, s02); s12 = Fma.MultiplyAdd(x1, w, s12);
                    w = Avx.LoadVector256(b3 + p);
                    s03 = Fma.MultiplyAdd(x0, w, s03); s13 = Fma.MultiplyAdd(x1, w, s13);
                }
                Vector256<float> h0 = Avx.HorizontalAdd(Avx.HorizontalAdd(s00, s01), Avx.HorizontalAdd(s02, s03));
                Vector256<float> h1 = Avx.HorizontalAdd(Avx.HorizontalAdd(s10, s11), Avx.HorizontalAdd(s12, s13));
                Vector128<float> d0 = Sse.Add(h0.GetLower(), h0.GetUpper()), d1 = Sse.Add(h1.GetLower(), h1.GetUpper());
                for (; p < k; p++)
                {
                    float x0 = a0[p], x1 = a1[p];
                    d0 = Sse.Add(d0, Vector128.Create(x0 * b0[p], x0 * b1[p], x0 * b2[p], x0 * b3[p]));
                    d1 = Sse.Add(d1, Vector128.Create(x1 * b0[p], x1 * b1[p], x1 * b2[p], x1 * b3[p]));
                }
                if (accumulate) { d0 = Sse.Add(Sse.LoadVector128(c0 + j), d0); d1 = Sse.Add(Sse.LoadVector128(c1 + j), d1); }
                Sse.Store(c0 + j, d0);
                Sse.Store(c1 + j, d1);
            }
            for (; j < n; j++)
            {
                float* b0 = b + (long)j * k;
                Vector256<float> s0 = Vector256<float>.Zero, s1 = s0;
                int p = 0;
                for (; p < k8; p += 8)
                {
                    Vector256<float> w = Avx.LoadVector256(b0 + p);
                    s0 = Fma.MultiplyAdd(Avx.LoadVector256(a0 + p), w, s0);
                    s1 = Fma.MultiplyAdd(Avx.LoadVector256(a1 + p), w, s1);
                }
                Vector256<float> h = Avx.HorizontalAdd(Avx.HorizontalAdd(s0, s1), Vector256<float>.Zero);
                Vector128<float> d = Sse.Add(h.GetLower(), h.GetUpper());
                float d0 = d.ToScalar(), d1 = d.GetElement(1);
                for (; p < k; p++) { d0 += a0[p] * b0[p]; d1 += a1[p] * b0[p]; }
                c0[j] = accumulate ? c0[j] + d0 : d0;
                c1[j] = accumulate ? c1[j] + d1 : d1;
            }
        }

        /// <summary>
        /// Transposing pack of a full 16-column panel: panel[p·16 + j] = b[j·bjs + p] for p &lt; kc, j &lt; 16, by 8×8
        /// register transposes (NT forward: B = W [n,k], rows contiguous in depth).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void PackTransposed16(float* b, long bjs, int kc, float* panel)
        {
            int k8 = kc & ~7;
            for (int jj = 0; jj < 16; jj += 8)
            {
                float* r0 = b + jj * bjs, r1 = r0 + bjs, r2 = r1 + bjs, r3 = r2 + bjs;
                float* r4 = r3 + bjs, r5 = r4 + bjs, r6 = r5 + bjs, r7 = r6 + bjs;
                float* dst = panel + jj;
                int p = 0;
                for (; p < k8; p += 8, dst += 8 * NR)
                {
                    Vector256<float> t0 = Avx.UnpackLow(Avx.LoadVector256(r0 + p), Avx.LoadVector256(r1 + p));
                    Vector256<float> t1 = Avx.UnpackHigh(Avx.LoadVector256(r0 + p), Avx.LoadVector256(r1 + p));
                    Vector256<float> t2 = Avx.UnpackLow(Avx.LoadVector256(r2 + p), Avx.LoadVector256(r3 + p));
                    Vector256<float> t3 = Avx.UnpackHigh(Avx.LoadVector256(r2 + p), Avx.LoadVector256(r3 + p));
                    Vector256<float> t4 = Avx.UnpackLow(Avx.LoadVector256(r4 + p), Avx.LoadVector256(r5 + p));
                    Vector256<float> t5 = Avx.UnpackHigh(Avx.LoadVector256(r4 + p), Avx.LoadVector256(r5 + p));
                    Vector256<float> t6 = Avx.UnpackLow(Avx.LoadVector256(r6 + p), Avx.LoadVector256(r7 + p));
                    Vector256<float> t7 = Avx.UnpackHigh(Avx.LoadVector256(r6 + p), Avx.LoadVector256(r7 + p));
                    Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
                    Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
                    Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
                    Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
                    Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
                    Avx.Store(dst + NR, Avx.Permute2x128(s1, s5, 0x20));
                    Avx.Store(dst + 2 * NR, Avx.Permute2x128(s2, s6, 0x20));
                    Avx.Store(dst + 3 * NR, Avx.Permute2x128(s3, s7, 0x20));
                    Avx.Store(dst + 4 * NR, Avx.Permute2x128(s0, s4, 0x31));
                    Avx.Store(dst + 5 * NR, Avx.Permute2x128(s1, s5, 0x31));
                    Avx.Store(dst + 6 * NR, Avx.Permute2x128(s2, s6, 0x31));
                    Avx.Store(dst + 7 * NR, Avx.Permute2x128(s3, s7, 0x31));
                }
                for (; p < kc; p++, dst += NR)
                {
                    dst[0] = r0[p]; dst[1] = r1[p]; dst[2] = r2[p]; dst[3] = r3[p];
                    dst[4] = r4[p]; dst[5] = r5[p]; dst[6] = r6[p]; dst[7] = r7[p];
                }
            }
        }
    }
}
#endif
