using System;
using System.Runtime.CompilerServices;

namespace EmbeddedMlp.Kernels
{
    /// <summary>
    /// Scalar register-blocked kernels (taken where <c>Vector&lt;T&gt;</c> would be emulated): a 2×4 block of C in
    /// locals, and a 4-row dot-product kernel for products with very few rows.
    /// </summary>
    internal static unsafe class MicroKernelScalar
    {
        // 2×4: eight accumulators, four B values and one A value fit the 16 float registers of x64 (CoreCLR keeps
        // them there). Mono's JIT keeps float locals in memory whatever the block size; it runs TileDepth4 instead.
        public const int MR = 2, NR = 4;

        /// <summary>
        /// C[2,4] (load ? C : 0) + Σ_p A(i,p)·panel[p,j], A(i,p) = a[i·ars + p·aks], panel rows of <see cref="NR"/>
        /// floats. A row past <paramref name="rows"/> repeats the last row of A and of C (same values, stored onto it).
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void Tile(float* a, long ars, long aks, int rows, float* b, float* c, long ldc, int kc, bool load)
        {
            int r1 = Math.Min(1, rows - 1);
            float* a0 = a, a1 = a + r1 * ars;
            float* c0 = c, c1 = c + r1 * ldc;
            float s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
            if (load)
            {
                s00 = c0[0]; s01 = c0[1]; s02 = c0[2]; s03 = c0[3];
                s10 = c1[0]; s11 = c1[1]; s12 = c1[2]; s13 = c1[3];
            }
            long off = 0;
            for (int p = 0; p < kc; p++, off += aks, b += NR)
            {
                float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
                // Each product and sum cast to float: the deterministic mode's rounding even where a runtime keeps
                // floats in double (no cost on CoreCLR, where the casts compile to nothing).
                float x = a0[off];
                s00 = (float)(s00 + (float)(x * b0)); s01 = (float)(s01 + (float)(x * b1)); s02 = (float)(s02 + (float)(x * b2)); s03 = (float)(s03 + (float)(x * b3));
                x = a1[off];
                s10 = (float)(s10 + (float)(x * b0)); s11 = (float)(s11 + (float)(x * b1)); s12 = (float)(s12 + (float)(x * b2)); s13 = (float)(s13 + (float)(x * b3));
            }
            c1[0] = s10; c1[1] = s11; c1[2] = s12; c1[3] = s13;
            c0[0] = s00; c0[1] = s01; c0[2] = s02; c0[3] = s03;
        }

        /// <summary>
        /// Whether the products run <see cref="TileDepth4"/> and <see cref="DotNTDepth4"/> instead of <see cref="Tile"/>
        /// and <see cref="DotNT"/>: true on Mono, whose JIT keeps float locals in memory (each accumulator update is a
        /// load and a store, chained through store-to-load forwarding) but keeps the temporaries of one expression in
        /// registers. CoreCLR, which keeps all twelve in registers, runs <see cref="Tile"/> 1.1–1.3× faster. Tests set
        /// it to cover both.
        /// </summary>
        internal static bool DepthBlocked = Type.GetType("Mono.Runtime") != null;

        /// <summary>
        /// <see cref="Tile"/> for Mono's JIT (on Mono 6.8 at depths 32–64: 1.8–2.0× faster with consecutive depths of A, 1.6× strided): four depths per accumulator
        /// update, each update one expression, so an accumulator goes through memory once per four depths instead of
        /// once per depth; and addresses as byte offsets, because Mono folds a constant byte offset into the load but
        /// computes <c>p[k]</c> (which Roslyn emits as k, conv.i, ×4) with three extra instructions per element. Sums in
        /// a different order than <see cref="Tile"/> (four products, then the accumulator).
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void TileDepth4(float* a, long ars, long aks, int rows, float* b, float* c, long ldc, int kc, bool load)
        {
            int r1 = Math.Min(1, rows - 1);
            float* a0 = a, a1 = a + r1 * ars;
            float* c0 = c, c1 = c + r1 * ldc;
            float s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
            if (load)
            {
                s00 = c0[0]; s01 = c0[1]; s02 = c0[2]; s03 = c0[3];
                s10 = c1[0]; s11 = c1[1]; s12 = c1[2]; s13 = c1[3];
            }
            // Byte strides of A's depth; pb walks the panel (NR floats = 16 bytes per depth). A with consecutive depths
            // (NT, NN) gets constant offsets too (1.1× over the strided loop on Mono).
            long k1 = aks * sizeof(float), k2 = 2 * k1, k3 = 3 * k1, k4 = 4 * k1, off = 0;
            byte* pb = (byte*)b;
            byte* x;
            int p = 0;
            if (aks == 1)
            {
                for (; p <= kc - 4; p += 4, off += k4, pb += 4 * NR * sizeof(float))
                {
                    x = (byte*)a0 + off;
                    s00 += *(float*)(x) * *(float*)(pb + 0) + *(float*)(x + 4) * *(float*)(pb + 16) + *(float*)(x + 8) * *(float*)(pb + 32) + *(float*)(x + 12) * *(float*)(pb + 48);
                    s01 += *(float*)(x) * *(float*)(pb + 4) + *(float*)(x + 4) * *(float*)(pb + 20) + *(float*)(x + 8) * *(float*)(pb + 36) + *(float*)(x + 12) * *(float*)(pb + 52);
                    s02 += *(float*)(x) * *(float*)(pb + 8) + *(float*)(x + 4) * *(float*)(pb + 24) + *(float*)(x + 8) * *(float*)(pb + 40) + *(float*)(x + 12) * *(float*)(pb + 56);
                    s03 += *(float*)(x) * *(float*)(pb + 12) + *(float*)(x + 4) * *(float*)(pb + 28) + *(float*)(x + 8) * *(float*)(pb + 44) + *(float*)(x + 12) * *(float*)(pb + 60);
                    x = (byte*)a1 + off;
                    s10 += *(float*)(x) * *(float*)(pb + 0) + *(float*)(x + 4) * *(float*)(pb + 16) + *(float*)(x + 8) * *(float*)(pb + 32) + *(float*)(x + 12) * *(float*)(pb + 48);
                    s11 += *(float*)(x) * *(float*)(pb + 4) + *(float*)(x + 4) * *(float*)(pb + 20) + *(float*)(x + 8) * *(float*)(pb + 36) + *(float*)(x + 12) * *(float*)(pb + 52);
                    s12 += *(float*)(x) * *(float*)(pb + 8) + *(float*)(x + 4) * *(float*)(pb + 24) + *(float*)(x + 8) * *(float*)(pb + 40) + *(float*)(x + 12) * *(float*)(pb + 56);
                    s13 += *(float*)(x) * *(float*)(pb + 12) + *(float*)(x + 4) * *(float*)(pb + 28) + *(float*)(x + 8) * *(float*)(pb + 44) + *(float*)(x + 12) * *(float*)(pb + 60);
                }
            }
            else
            {
                for (; p <= kc - 4; p += 4, off += k4, pb += 4 * NR * sizeof(float))
                {
                    x = (byte*)a0 + off;
                    s00 += *(float*)(x) * *(float*)(pb + 0) + *(float*)(x + k1) * *(float*)(pb + 16) + *(float*)(x + k2) * *(float*)(pb + 32) + *(float*)(x + k3) * *(float*)(pb + 48);
                    s01 += *(float*)(x) * *(float*)(pb + 4) + *(float*)(x + k1) * *(float*)(pb + 20) + *(float*)(x + k2) * *(float*)(pb + 36) + *(float*)(x + k3) * *(float*)(pb + 52);
                    s02 += *(float*)(x) * *(float*)(pb + 8) + *(float*)(x + k1) * *(float*)(pb + 24) + *(float*)(x + k2) * *(float*)(pb + 40) + *(float*)(x + k3) * *(float*)(pb + 56);
                    s03 += *(float*)(x) * *(float*)(pb + 12) + *(float*)(x + k1) * *(float*)(pb + 28) + *(float*)(x + k2) * *(float*)(pb + 44) + *(float*)(x + k3) * *(float*)(pb + 60);
                    x = (byte*)a1 + off;
                    s10 += *(float*)(x) * *(float*)(pb + 0) + *(float*)(x + k1) * *(float*)(pb + 16) + *(float*)(x + k2) * *(float*)(pb + 32) + *(float*)(x + k3) * *(float*)(pb + 48);
                    s11 += *(float*)(x) * *(float*)(pb + 4) + *(float*)(x + k1) * *(float*)(pb + 20) + *(float*)(x + k2) * *(float*)(pb + 36) + *(float*)(x + k3) * *(float*)(pb + 52);
                    s12 += *(float*)(x) * *(float*)(pb + 8) + *(float*)(x + k1) * *(float*)(pb + 24) + *(float*)(x + k2) * *(float*)(pb + 40) + *(float*)(x + k3) * *(float*)(pb + 56);
                    s13 += *(float*)(x) * *(float*)(pb + 12) + *(float*)(x + k1) * *(float*)(pb + 28) + *(float*)(x + k2) * *(float*)(pb + 44) + *(float*)(x + k3) * *(float*)(pb + 60);
                }
            }
            b = (float*)pb;
            for (off /= sizeof(float); p < kc; p++, off += aks, b += NR)
            {
                s00 += a0[off] * b[0]; s01 += a0[off] * b[1]; s02 += a0[off] * b[2]; s03 += a0[off] * b[3];
                s10 += a1[off] * b[0]; s11 += a1[off] * b[1]; s12 += a1[off] * b[2]; s13 += a1[off] * b[3];
            }
            c1[0] = s10; c1[1] = s11; c1[2] = s12; c1[3] = s13;
            c0[0] = s00; c0[1] = s01; c0[2] = s02; c0[3] = s03;
        }

        /// <summary>
        /// <see cref="DotNT"/> for Mono's JIT (selected with <see cref="DepthBlocked"/>; batch-1 and batch-2 products, so
        /// inference of one agent): four depths per accumulator update in one expression, addresses as byte pointers
        /// with constant offsets, as in <see cref="TileDepth4"/>.
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void DotNTDepth4(float* a, float* b, float* c, long ldc, int m, int n, int k, bool accumulate)
        {
            long rowBytes = (long)k * sizeof(float);
            int k4 = k & ~3;
            for (int i = 0; i < m; i++)
            {
                byte* ai = (byte*)(a + (long)i * k);
                float* ci = c + i * ldc;
                int j = 0;
                for (; j <= n - 4; j += 4)
                {
                    byte* y0 = (byte*)(b + (long)j * k), y1 = y0 + rowBytes, y2 = y1 + rowBytes, y3 = y2 + rowBytes;
                    byte* x = ai;
                    float d0 = 0, d1 = 0, d2 = 0, d3 = 0;
                    for (int p = 0; p < k4; p += 4, x += 16, y0 += 16, y1 += 16, y2 += 16, y3 += 16)
                    {
                        d0 += *(float*)(x) * *(float*)(y0) + *(float*)(x + 4) * *(float*)(y0 + 4) + *(float*)(x + 8) * *(float*)(y0 + 8) + *(float*)(x + 12) * *(float*)(y0 + 12);
                        d1 += *(float*)(x) * *(float*)(y1) + *(float*)(x + 4) * *(float*)(y1 + 4) + *(float*)(x + 8) * *(float*)(y1 + 8) + *(float*)(x + 12) * *(float*)(y1 + 12);
                        d2 += *(float*)(x) * *(float*)(y2) + *(float*)(x + 4) * *(float*)(y2 + 4) + *(float*)(x + 8) * *(float*)(y2 + 8) + *(float*)(x + 12) * *(float*)(y2 + 12);
                        d3 += *(float*)(x) * *(float*)(y3) + *(float*)(x + 4) * *(float*)(y3 + 4) + *(float*)(x + 8) * *(float*)(y3 + 8) + *(float*)(x + 12) * *(float*)(y3 + 12);
                    }
                    for (int p = k4; p < k; p++, x += 4, y0 += 4, y1 += 4, y2 += 4, y3 += 4)
                    {
                        d0 += *(float*)x * *(float*)y0; d1 += *(float*)x * *(float*)y1;
                        d2 += *(float*)x * *(float*)y2; d3 += *(float*)x * *(float*)y3;
                    }
                    if (accumulate) { ci[j] += d0; ci[j + 1] += d1; ci[j + 2] += d2; ci[j + 3] += d3; }
                    else { ci[j] = d0; ci[j + 1] = d1; ci[j + 2] = d2; ci[j + 3] = d3; }
                }
                for (; j < n; j++)
                {
                    byte* y0 = (byte*)(b + (long)j * k);
                    byte* x = ai;
                    float d0 = 0;
                    int p = 0;
                    for (; p < k4; p += 4, x += 16, y0 += 16) d0 += *(float*)(x) * *(float*)(y0) + *(float*)(x + 4) * *(float*)(y0 + 4) + *(float*)(x + 8) * *(float*)(y0 + 8) + *(float*)(x + 12) * *(float*)(y0 + 12);
                    for (; p < k; p++, x += 4, y0 += 4) d0 += *(float*)x * *(float*)y0;
                    ci[j] = accumulate ? ci[j] + d0 : d0;
                }
            }
        }

        /// <summary>C[m,n] (+)= A[m,k]·B[n,k]ᵀ by dot products, four rows of B at a time (few rows of A).</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void DotNT(float* a, float* b, float* c, long ldc, int m, int n, int k, bool accumulate)
        {
            for (int i = 0; i < m; i++)
            {
                float* ai = a + (long)i * k;
                float* ci = c + i * ldc;
                int j = 0;
                for (; j <= n - 4; j += 4)
                {
                    float* b0 = b + (long)j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
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
                    float* b0 = b + (long)j * k;
                    float d0 = 0;
                    for (int p = 0; p < k; p++) d0 += ai[p] * b0[p];
                    ci[j] = accumulate ? ci[j] + d0 : d0;
                }
            }
        }
    }
}
