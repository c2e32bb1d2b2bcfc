#if NET8_0_OR_GREATER
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EmbeddedMlp.Kernels
{
    /// <summary>
    /// <see cref="DeterministicDot"/>'s arithmetic on the hardware paths: on AVX2 one ymm accumulator holds an output's
    /// eight lanes (products rounded, then added: no FMA), the depth tail is a masked load (zeros past k), and the
    /// combining tree is a transposing horizontal add whose lane q ends as ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7)).
    /// On <c>Vector128</c> two registers hold the lanes 0–3 and 4–7 and the tree is scalar.
    /// </summary>
    internal static unsafe class DeterministicDotIntrinsics
    {
        /// <summary>Mask of the first r lanes (r = 0..7) for <c>Avx.MaskLoad</c>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> TailMask(int r) =>
            Avx2.CompareGreaterThan(Vector256.Create(r), Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7)).AsSingle();

        /// <summary>AVX2: two rows × four columns (eight accumulators), then one row × eight columns, four, one.</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void NT256(float* a, float* b, float* c, long ldc, int m, int n, int k, bool accumulate)
        {
            int k8 = k & ~7;
            Vector256<float> mask = TailMask(k - k8);
            bool tail = k8 < k;
            int i = 0;
            for (; i <= m - 2; i += 2)
            {
                float* a0 = a + (long)i * k, a1 = a0 + k;
                float* c0 = c + i * ldc, c1 = c0 + ldc;
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
                        s00 = Avx.Add(s00, Avx.Multiply(x0, w)); s10 = Avx.Add(s10, Avx.Multiply(x1, w));
                        w = Avx.LoadVector256(b1 + p);
                        s01 = Avx.Add(s01, Avx.Multiply(x0, w)); s11 = Avx.Add(s11, Avx.Multiply(x1, w));
                        w = Avx.LoadVector256(b2 + p);
                        s02 = Avx.Add(s02, Avx.Multiply(x0, w)); s12 = Avx.Add(s12, Avx.Multiply(x1, w));
                        w = Avx.LoadVector256(b3 + p);
                        s03 = Avx.Add(s03, Avx.Multiply(x0, w)); s13 = Avx.Add(s13, Avx.Multiply(x1, w));
                    }
                    if (tail)
                    {
                        Vector256<float> x0 = Avx.MaskLoad(a0 + p, mask), x1 = Avx.MaskLoad(a1 + p, mask);
                        Vector256<float> w = Avx.MaskLoad(b0 + p, mask);
                        s00 = Avx.Add(s00, Avx.Multiply(x0, w)); s10 = Avx.Add(s10, Avx.Multiply(x1, w));
                        w = Avx.MaskLoad(b1 + p, mask);
                        s01 = Avx.Add(s01, Avx.Multiply(x0, w)); s11 = Avx.Add(s11, Avx.Multiply(x1, w));
                        w = Avx.MaskLoad(b2 + p, mask);
                        s02 = Avx.Add(s02, Avx.Multiply(x0, w)); s12 = Avx.Add(s12, Avx.Multiply(x1, w));
                        w = Avx.MaskLoad(b3 + p, mask);
                        s03 = Avx.Add(s03, Avx.Multiply(x0, w)); s13 = Avx.Add(s13, Avx.Multiply(x1, w));
                    }
                    Vector128<float> d0 = Combine4(s00, s01, s02, s03), d1 = Combine4(s10, s11, s12, s13);
                    if (accumulate) { d0 = Sse.Add(Sse.LoadVector128(c0 + j), d0); d1 = Sse.Add(Sse.LoadVector128(c1 + j), d1); }
                    Sse.Store(c0 + j, d0);
                    Sse.Store(c1 + j, d1);
                }
                for (; j < n; j++)
                {
                    float* b0 = b + (long)j * k;
                    c0[j] = One(a0, b0, k8, tail, mask, c0[j], accumulate);
                    c1[j] = One(a1, b0, k8, tail, mask, c1[j], accumulate);
                }
            }
            if (i < m) Row256(a + (long)i * k, b, c + i * ldc, n, k, k8, tail, mask, accumulate);
        }

        /// <summary>One row: eight columns at a time (the matrix-vector product of one agent's inference), then four, then one.</summary>
        [MethodImpl(KernelHints.Optimize)]
        private static void Row256(float* ai, float* b, float* ci, int n, int k, int k8, bool tail, Vector256<float> mask, bool accumulate)
        {
            int j = 0;
            for (; j <= n - 8; j += 8)
            {
                float* b0 = b + (long)j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k, b4 = b3 + k, b5 = b4 + k, b6 = b5 + k, b7 = b6 + k;
                Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
                int p = 0;
                for (; p < k8; p += 8)
                {
                    Vector256<float> x = Avx.LoadVector256(ai + p);
                    s0 = Avx.Add(s0, Avx.Multiply(x, Avx.LoadVector256(b0 + p)));
                    s1 = Avx.Add(s1, Avx.Multiply(x, Avx.LoadVector256(b1 + p)));
                    s2 = Avx.Add(s2, Avx.Multiply(x, Avx.LoadVector256(b2 + p)));
                    s3 = Avx.Add(s3, Avx.Multiply(x, Avx.LoadVector256(b3 + p)));
                    s4 = Avx.Add(s4, Avx.Multiply(x, Avx.LoadVector256(b4 + p)));
                    s5 = Avx.Add(s5, Avx.Multiply(x, Avx.LoadVector256(b5 + p)));
                    s6 = Avx.Add(s6, Avx.Multiply(x, Avx.LoadVector256(b6 + p)));
                    s7 = Avx.Add(s7, Avx.Multiply(x, Avx.LoadVector256(b7 + p)));
                }
                if (tail)
                {
                    Vector256<float> x = Avx.MaskLoad(ai + p, mask);
                    s0 = Avx.Add(s0, Avx.Multiply(x, Avx.MaskLoad(b0 + p, mask)));
                    s1 = Avx.Add(s1, Avx.Multiply(x, Avx.MaskLoad(b1 + p, mask)));
                    s2 = Avx.Add(s2, Avx.Multiply(x, Avx.MaskLoad(b2 + p, mask)));
                    s3 = Avx.Add(s3, Avx.Multiply(x, Avx.MaskLoad(b3 + p, mask)));
                    s4 = Avx.Add(s4, Avx.Multiply(x, Avx.MaskLoad(b4 + p, mask)));
                    s5 = Avx.Add(s5, Avx.Multiply(x, Avx.MaskLoad(b5 + p, mask)));
                    s6 = Avx.Add(s6, Avx.Multiply(x, Avx.MaskLoad(b6 + p, mask)));
                    s7 = Avx.Add(s7, Avx.Multiply(x, Avx.MaskLoad(b7 + p, mask)));
                }
                // hadd(hadd(s0,s1), hadd(s2,s3)): lower lane q = (l0+l1)+(l2+l3) of s_q, upper lane q = (l4+l5)+(l6+l7).
                Vector256<float> q0 = Avx.HorizontalAdd(Avx.HorizontalAdd(s0, s1), Avx.HorizontalAdd(s2, s3));
                Vector256<float> q1 = Avx.HorizontalAdd(Avx.HorizontalAdd(s4, s5), Avx.HorizontalAdd(s6, s7));
                Vector256<float> d = Avx.Add(Avx.Permute2x128(q0, q1, 0x20), Avx.Permute2x128(q0, q1, 0x31));
                if (accumulate) d = Avx.Add(Avx.LoadVector256(ci + j), d);
                Avx.Store(ci + j, d);
            }
            for (; j <= n - 4; j += 4)
            {
                float* b0 = b + (long)j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
                Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
                int p = 0;
                for (; p < k8; p += 8)
                {
                    Vector256<float> x = Avx.LoadVector256(ai + p);
                    s0 = Avx.Add(s0, Avx.Multiply(x, Avx.LoadVector256(b0 + p)));
                    s1 = Avx.Add(s1, Avx.Multiply(x, Avx.LoadVector256(b1 + p)));
                    s2 = Avx.Add(s2, Avx.Multiply(x, Avx.LoadVector256(b2 + p)));
                    s3 = Avx.Add(s3, Avx.Multiply(x, Avx.LoadVector256(b3 + p)));
                }
                if (tail)
                {
                    Vector256<float> x = Avx.MaskLoad(ai + p, mask);
                    s0 = Avx.Add(s0, Avx.Multiply(x, Avx.MaskLoad(b0 + p, mask)));
                    s1 = Avx.Add(s1, Avx.Multiply(x, Avx.MaskLoad(b1 + p, mask)));
                    s2 = Avx.Add(s2, Avx.Multiply(x, Avx.MaskLoad(b2 + p, mask)));
                    s3 = Avx.Add(s3, Avx.Multiply(x, Avx.MaskLoad(b3 + p, mask)));
                }
                Vector128<float> d = Combine4(s0, s1, s2, s3);
                if (accumulate) d = Sse.Add(Sse.LoadVector128(ci + j), d);
                Sse.Store(ci + j, d);
            }
            for (; j < n; j++) ci[j] = One(ai, b + (long)j * k, k8, tail, mask, ci[j], accumulate);
        }

        /// <summary>Lane q of the result is the tree of s_q's eight lanes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<float> Combine4(Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<float> s3)
        {
            Vector256<float> h = Avx.HorizontalAdd(Avx.HorizontalAdd(s0, s1), Avx.HorizontalAdd(s2, s3));
            return Sse.Add(h.GetLower(), h.GetUpper());
        }

        /// <summary>One output: (accumulate ? c : 0) + tree of one ymm accumulator.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float One(float* ai, float* bj, int k8, bool tail, Vector256<float> mask, float c, bool accumulate)
        {
            Vector256<float> s = Vector256<float>.Zero;
            int p = 0;
            for (; p < k8; p += 8) s = Avx.Add(s, Avx.Multiply(Avx.LoadVector256(ai + p), Avx.LoadVector256(bj + p)));
            if (tail) s = Avx.Add(s, Avx.Multiply(Avx.MaskLoad(ai + p, mask), Avx.MaskLoad(bj + p, mask)));
            Vector128<float> d = Combine4(s, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero);
            float t = d.ToScalar();
            return accumulate ? c + t : t;
        }

        /// <summary><c>Vector128</c> (SSE or NEON): two registers per output, two outputs at a time, the tree in scalar.</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void NT128(float* a, float* b, float* c, long ldc, int m, int n, int k, bool accumulate)
        {
            int k8 = k & ~7;
            float* lanes = stackalloc float[16];
            for (int i = 0; i < m; i++)
            {
                float* ai = a + (long)i * k;
                float* ci = c + i * ldc;
                int j = 0;
                for (; j <= n - 2; j += 2)
                {
                    float* b0 = b + (long)j * k, b1 = b0 + k;
                    Vector128<float> s0 = Vector128<float>.Zero, t0 = s0, s1 = s0, t1 = s0;
                    for (int p = 0; p < k8; p += 8)
                    {
                        Vector128<float> x = Vector128.Load(ai + p), y = Vector128.Load(ai + p + 4);
                        s0 += x * Vector128.Load(b0 + p); t0 += y * Vector128.Load(b0 + p + 4);
                        s1 += x * Vector128.Load(b1 + p); t1 += y * Vector128.Load(b1 + p + 4);
                    }
                    s0.Store(lanes); t0.Store(lanes + 4); s1.Store(lanes + 8); t1.Store(lanes + 12);
                    DeterministicDot.Finish(lanes, ai, b0, k8, k, ci + j, accumulate);
                    DeterministicDot.Finish(lanes + 8, ai, b1, k8, k, ci + j + 1, accumulate);
                }
                for (; j < n; j++)
                {
                    float* b0 = b + (long)j * k;
                    Vector128<float> s0 = Vector128<float>.Zero, t0 = s0;
                    for (int p = 0; p < k8; p += 8)
                    {
                        s0 += Vector128.Load(ai + p) * Vector128.Load(b0 + p);
                        t0 += Vector128.Load(ai + p + 4) * Vector128.Load(b0 + p + 4);
                    }
                    s0.Store(lanes); t0.Store(lanes + 4);
                    DeterministicDot.Finish(lanes, ai, b0, k8, k, ci + j, accumulate);
                }
            }
        }
    }
}
#endif
