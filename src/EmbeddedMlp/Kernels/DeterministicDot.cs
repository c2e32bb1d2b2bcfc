using System.Numerics;
using System.Runtime.CompilerServices;

namespace EmbeddedMlp.Kernels
{
    /// <summary>
    /// The deterministic mode's C[m,n] (+)= A[m,k]·B[n,k]ᵀ (a dense layer's forward product, Z = X·Wᵀ), one fixed
    /// arithmetic on every path: each output is a dot product summed in eight interleaved lanes — lane L adds the products
    /// of depths p ≡ L (mod 8) in ascending p, each product rounded before it is added, every lane starting from +0 —
    /// combined by the fixed tree ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7)), then added to C when accumulating.
    /// An output depends only on its row of A and its row of B: not on the batch, the blocking or the thread. Eight lanes
    /// are one <c>Vector256</c>, two <c>Vector128</c>, one or two <c>Vector&lt;float&gt;</c> (8 or 4 wide), or eight
    /// scalars. A depth tail may be read as zeros (0·0 = +0 added to a lane that cannot be −0 leaves it unchanged).
    /// Scalar code casts every operation to <c>float</c>: C# lets a runtime evaluate float arithmetic in higher precision
    /// (Mono with <c>-O=-float32</c> does), and an explicit cast is the one thing that forces the rounding.
    /// </summary>
    internal static unsafe class DeterministicDot
    {
        /// <summary>C[m, n] (+)= A[m, k]·B[n, k]ᵀ, C with row stride <paramref name="ldc"/>.</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void NT(KernelPath path, float* a, float* b, float* c, long ldc, int m, int n, int k, bool accumulate)
        {
            switch (path)
            {
#if NET8_0_OR_GREATER
                case KernelPath.Vector256: DeterministicDotIntrinsics.NT256(a, b, c, ldc, m, n, k, accumulate); return;
                case KernelPath.Vector128: DeterministicDotIntrinsics.NT128(a, b, c, ldc, m, n, k, accumulate); return;
#endif
                case KernelPath.PortableVector:
                    if (Vector<float>.Count == 8 || Vector<float>.Count == 4) { VectorNT(a, b, c, ldc, m, n, k, accumulate); return; }
                    break;
            }
            ScalarNT(a, b, c, ldc, m, n, k, accumulate);
        }

        /// <summary>The fixed combining tree of the eight lanes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Tree(float* l) =>
            (float)((float)((float)(l[0] + l[1]) + (float)(l[2] + l[3])) + (float)((float)(l[4] + l[5]) + (float)(l[6] + l[7])));

        /// <summary>
        /// Adds the depth tail p ∈ [k8, k) to the lanes (lane p − k8), combines them and stores the result into *c.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Finish(float* lanes, float* a, float* b, int k8, int k, float* c, bool accumulate)
        {
            for (int p = k8; p < k; p++) lanes[p - k8] = (float)(lanes[p - k8] + (float)(a[p] * b[p]));
            float t = Tree(lanes);
            *c = accumulate ? (float)(*c + t) : t;
        }

        /// <summary>Eight scalar lanes per output (Mono, IL2CPP, or a runtime without accelerated vectors).</summary>
        [MethodImpl(KernelHints.Optimize)]
        private static void ScalarNT(float* a, float* b, float* c, long ldc, int m, int n, int k, bool accumulate)
        {
            int k8 = k & ~7;
            float* lanes = stackalloc float[8];
            for (int i = 0; i < m; i++)
            {
                float* ai = a + (long)i * k;
                for (int j = 0; j < n; j++)
                {
                    float* bj = b + (long)j * k;
                    float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
                    for (int p = 0; p < k8; p += 8)
                    {
                        s0 = (float)(s0 + (float)(ai[p] * bj[p])); s1 = (float)(s1 + (float)(ai[p + 1] * bj[p + 1]));
                        s2 = (float)(s2 + (float)(ai[p + 2] * bj[p + 2])); s3 = (float)(s3 + (float)(ai[p + 3] * bj[p + 3]));
                        s4 = (float)(s4 + (float)(ai[p + 4] * bj[p + 4])); s5 = (float)(s5 + (float)(ai[p + 5] * bj[p + 5]));
                        s6 = (float)(s6 + (float)(ai[p + 6] * bj[p + 6])); s7 = (float)(s7 + (float)(ai[p + 7] * bj[p + 7]));
                    }
                    lanes[0] = s0; lanes[1] = s1; lanes[2] = s2; lanes[3] = s3;
                    lanes[4] = s4; lanes[5] = s5; lanes[6] = s6; lanes[7] = s7;
                    Finish(lanes, ai, bj, k8, k, c + i * ldc + j, accumulate);
                }
            }
        }

        /// <summary>
        /// <c>Vector&lt;float&gt;</c> of 8 (one vector per output, two outputs at a time) or of 4 (two vectors per output:
        /// lanes 0–3 and 4–7).
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        private static void VectorNT(float* a, float* b, float* c, long ldc, int m, int n, int k, bool accumulate)
        {
            int w = Vector<float>.Count, k8 = k & ~7;
            float* lanes = stackalloc float[16];
            for (int i = 0; i < m; i++)
            {
                float* ai = a + (long)i * k;
                int j = 0;
                for (; j <= n - 2; j += 2)
                {
                    float* b0 = b + (long)j * k, b1 = b0 + k;
                    Vector<float> s0 = Vector<float>.Zero, s1 = s0, t0 = s0, t1 = s0;
                    if (w == 8)
                    {
                        for (int p = 0; p < k8; p += 8)
                        {
                            var x = *(Vector<float>*)(ai + p);
                            s0 += x * *(Vector<float>*)(b0 + p);
                            s1 += x * *(Vector<float>*)(b1 + p);
                        }
                        *(Vector<float>*)lanes = s0;
                        *(Vector<float>*)(lanes + 8) = s1;
                    }
                    else
                    {
                        for (int p = 0; p < k8; p += 8)
                        {
                            Vector<float> x = *(Vector<float>*)(ai + p), y = *(Vector<float>*)(ai + p + 4);
                            s0 += x * *(Vector<float>*)(b0 + p); t0 += y * *(Vector<float>*)(b0 + p + 4);
                            s1 += x * *(Vector<float>*)(b1 + p); t1 += y * *(Vector<float>*)(b1 + p + 4);
                        }
                        *(Vector<float>*)lanes = s0; *(Vector<float>*)(lanes + 4) = t0;
                        *(Vector<float>*)(lanes + 8) = s1; *(Vector<float>*)(lanes + 12) = t1;
                    }
                    float* ci = c + i * ldc + j;
                    Finish(lanes, ai, b0, k8, k, ci, accumulate);
                    Finish(lanes + 8, ai, b1, k8, k, ci + 1, accumulate);
                }
                if (j < n) ScalarNT(ai, b + (long)j * k, c + i * ldc + j, ldc, 1, n - j, k, accumulate);
            }
        }
    }
}
