using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace EmbeddedMlp.Kernels
{
    /// <summary>
    /// The blocked loop nest shared by every path: C[m,n] (+)= Σ_p A(i,p)·B(p,j) with A(i,p) = a[i·ars + p·aks] and
    /// B(p,j) = b[p·bks + j·bjs], so NT, TN and NN are the same loops with different strides. Depth is cut into
    /// blocks of <see cref="KC"/>; for each block, B is packed one panel of NR columns at a time (contiguous rows
    /// of NR floats, zero-padded) so that it stays in L1 while every MR-row tile of C is run against it. Tiles with
    /// fewer than MR rows run in place (the micro-kernels touch only their valid rows); tiles with fewer than NR
    /// columns run into a scratch tile. The epilogue runs once per finished column strip of a row block. Each C
    /// element is summed in one fixed order (depth blocks in order, and within a block the micro-kernel's order:
    /// p ascending, or four depths at a time for Mono's scalar tile), whatever the thread count. With <c>exact</c> (the
    /// deterministic mode) every path's tile rounds each product before adding it, and Mono's four-depth tile is not used:
    /// C(i,j) = ((C₀ + A(i,0)·B(0,j)) + A(i,1)·B(1,j)) + … with one rounding per operation, the same bits on every path.
    /// </summary>
    [SkipLocalsInit]
    internal static unsafe class GemmDriver
    {
        /// <summary>Depth of a block: a 256×16 packed panel is 16 KB, half of L1.</summary>
        public const int KC = 256;
        private const int MaxMR = 6;
        /// <summary>Products smaller than this many multiply-adds per thread stay on one thread.</summary>
        private const long ParallelThreshold = 1L << 22;

        /// <summary>Rows of A packed at once (a multiple of every MR): 258×256 floats ≈ 258 KB, half of L2.</summary>
        private const int MC = 258;

        /// <summary>Spare floats after each packed micro-panel of A (room for the 8-float stores of the TN packing).</summary>
        private const int PanelPad = 8;

        /// <summary>
        /// TN packs A when its consecutive depths are at least this many floats apart (read in place, each depth would
        /// start a new line far from the last; below this, packing measured slower than the aliasing it avoids) ...
        /// </summary>
        private const int PackAMinStride = 256;
        /// <summary>... and the product has at least this many column panels to reuse it.</summary>
        private const int PackAMinColumns = 16;

        /// <summary>Per-thread packed block of A, allocated on a thread's first large product.</summary>
        [ThreadStatic] private static float[]? t_packedA;

        /// <summary>Columns of B packed at once when B's rows are contiguous: 256×128 floats = 128 KB, a quarter of L2.</summary>
        private const int GroupColumns = 128;

        /// <summary>Per-thread packed group of B panels (<see cref="KC"/> × <see cref="GroupColumns"/>), allocated on a thread's first TN or NN product.</summary>
        [ThreadStatic] private static float[]? t_packedB;

        [MethodImpl(KernelHints.Optimize)]
        public static void Run(KernelPath path, bool exact, float* a, long ars, long aks, float* b, long bks, long bjs,
            float* c, long ldc, int m, int n, int k, bool accumulate, Epilogue epilogue)
        {
            if (k == 0)
            {
                if (!accumulate)
                    for (int i = 0; i < m; i++) new Span<float>(c + i * ldc, n).Clear();
                epilogue.Apply(c, ldc, m, n, 0);
                return;
            }
            int nr = NROf(path);
            int panels = (n + nr - 1) / nr;
            int threads = Math.Min(KernelDispatch.MaxDegreeOfParallelism, panels);
            if (threads > 1 && (long)m * n * k >= ParallelThreshold * threads &&
                TryRunParallel(path, exact, a, ars, aks, b, bks, bjs, c, ldc, m, n, k, accumulate, epilogue, threads, panels, nr))
                return;
            Columns(path, exact, a, ars, aks, b, bks, bjs, c, ldc, m, n, k, accumulate, epilogue, 0, n);
        }

        [MethodImpl(KernelHints.Inline)]
        public static int NROf(KernelPath path)
        {
            switch (path)
            {
#if NET8_0_OR_GREATER
                case KernelPath.Vector256: return MicroKernel256.NR;
                case KernelPath.Vector128: return MicroKernel128.NR;
#endif
                case KernelPath.PortableVector: return MicroKernelVector.NR;
                default: return MicroKernelScalar.NR;
            }
        }

        [MethodImpl(KernelHints.Inline)]
        public static int MROf(KernelPath path)
        {
            switch (path)
            {
#if NET8_0_OR_GREATER
                case KernelPath.Vector256: return MicroKernel256.MR;
                case KernelPath.Vector128: return MicroKernel128.MR;
#endif
                case KernelPath.PortableVector: return MicroKernelVector.MR;
                default: return MicroKernelScalar.MR;
            }
        }

        /// <summary>
        /// The loop nest over output columns [j0, j1) (a multiple of NR apart, except at n). When many column panels
        /// reuse it and A's consecutive depths are far apart, A is packed too (blocks of <see cref="MC"/> rows as
        /// contiguous MR-row micro-panels). When B's rows are contiguous in
        /// j (TN, NN), <see cref="GroupColumns"/> columns of B are packed at once, reading each row of B as one
        /// contiguous run: packing one 16-column panel at a time would touch a new page per row once rows are 4 KB
        /// apart, which no hardware prefetcher follows.
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        private static void Columns(KernelPath path, bool exact, float* a, long ars, long aks, float* b, long bks, long bjs,
            float* c, long ldc, int m, int n, int k, bool accumulate, Epilogue epilogue, int j0, int j1)
        {
            int mr = MROf(path), nr = NROf(path);
            int kcMax = Math.Min(KC, k);
            // 64-byte aligned: a panel row of 16 floats is then one cache line (no load splits a line).
            float* panelRaw = stackalloc float[kcMax * nr + 16];
            float* tileRaw = stackalloc float[MaxMR * nr + 16];
            float* panel = Align64(panelRaw), tile = Align64(tileRaw);
            // A is packed only when consecutive depths are far apart (TN with m ≥ 256): read in place, each step of p
            // would start a new page. Rows contiguous in depth (NT, NN) stream well in place; packing them cost more
            // than it saved, even at 4 KB row strides (measured).
            bool packA = m > mr && j1 - j0 >= PackAMinColumns * nr && aks >= PackAMinStride;
            int mc = packA ? MC / mr * mr : m;
            float[]? packedA = null;
            if (packA)
            {
                packedA = t_packedA;
                if (packedA == null) t_packedA = packedA = new float[MC * KC + (MC / 2 + 1) * PanelPad];
            }
            bool groupB = bjs == 1;
            int group = groupB ? Math.Max(1, GroupColumns / nr) * nr : nr;
            float[]? packedB = null;
            if (groupB)
            {
                packedB = t_packedB;
                if (packedB == null) t_packedB = packedB = new float[KC * GroupColumns + 16];
            }
            fixed (float* abuf = packedA)
            fixed (float* bbufRaw = packedB)
            {
                float* bbuf = Align64(bbufRaw);
                for (int pc = 0; pc < k; pc += KC)
                {
                    int kc = Math.Min(KC, k - pc);
                    bool last = pc + kc == k, load = accumulate || pc > 0;
                    for (int ic = 0; ic < m; ic += mc)
                    {
                        int mcRows = Math.Min(mc, m - ic);
                        if (packA) PackA(a + ic * ars + pc * aks, ars, aks, mcRows, kc, mr, abuf);
                        for (int jg = j0; jg < j1; jg += group)
                        {
                            int groupCols = Math.Min(group, j1 - jg);
                            if (groupB) PackRows(b + pc * bks + jg, bks, kc, groupCols, nr, bbuf);
                            for (int jc = jg; jc < jg + groupCols; jc += nr)
                            {
                                int cols = Math.Min(nr, j1 - jc);
                                float* bp;
                                if (groupB) bp = bbuf + (long)(jc - jg) * kc; // panel (jc − jg)/nr of the group
                                else { Pack(path, b + pc * bks + jc * bjs, bks, bjs, kc, cols, nr, panel); bp = panel; }
                                for (int ir = 0; ir < mcRows; ir += mr)
                                {
                                    int rows = Math.Min(mr, mcRows - ir);
                                    float* ap;
                                    long rs, ks;
                                    if (packA) { ap = abuf + (long)(ir / mr) * (mr * kc + PanelPad); rs = 1; ks = mr; }
                                    else { ap = a + (ic + ir) * ars + pc * aks; rs = ars; ks = aks; }
                                    float* cp = c + (ic + ir) * ldc + jc;
                                    if (cols == nr)
                                    {
                                        Tile(path, exact, ap, rs, ks, rows, bp, cp, ldc, kc, load);
                                    }
                                    else
                                    {
                                        if (load)
                                            for (int r = 0; r < rows; r++)
                                                for (int j = 0; j < cols; j++) tile[r * nr + j] = cp[r * ldc + j];
                                        Tile(path, exact, ap, rs, ks, rows, bp, tile, nr, kc, load);
                                        for (int r = 0; r < rows; r++)
                                            for (int j = 0; j < cols; j++) cp[r * ldc + j] = tile[r * nr + j];
                                    }
                                }
                                // The panel's column strip of this row block is final and still in L1.
                                if (last) epilogue.Apply(c + ic * ldc + jc, ldc, mcRows, cols, jc);
                            }
                        }
                    }
                }
            }
        }

        /// <summary>
        /// Packs columns [0, cols) × depth [0, kc) of a B whose rows are contiguous (B(p, j) = b[p·bks + j]) into
        /// consecutive panels of nr columns, each [kc][nr] (panel q at dst + q·kc·nr), zero-padding the last panel;
        /// each row of B is read once, front to back.
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        private static void PackRows(float* b, long bks, int kc, int cols, int nr, float* dst)
        {
            int full = cols / nr, rest = cols - full * nr;
            int w = Vector<float>.Count;
            bool vector = Vector.IsHardwareAccelerated && nr % w == 0;
            long panelStride = (long)kc * nr;
            for (int p = 0; p < kc; p++)
            {
                float* src = b + p * bks;
                float* d = dst + p * nr;
                for (int q = 0; q < full; q++, src += nr, d += panelStride)
                {
                    if (vector)
                        for (int j = 0; j < nr; j += w) *(Vector<float>*)(d + j) = *(Vector<float>*)(src + j);
                    else
                        for (int j = 0; j < nr; j++) d[j] = src[j];
                }
                if (rest > 0)
                {
                    int j = 0;
                    for (; j < rest; j++) d[j] = src[j];
                    for (; j < nr; j++) d[j] = 0f;
                }
            }
        }

        [MethodImpl(KernelHints.Optimize)]
        private static float* Align64(float* p) => (float*)(((long)p + 63) & ~63L);

        /// <summary>
        /// Packs rows [0, rows) × depth [0, kc) of A into micro-panels of mr rows, each [kc][mr] followed by
        /// <see cref="PanelPad"/> spare floats (row r of micro-panel q at dst[q·(mr·kc + PanelPad) + p·mr + r]); rows
        /// past the end repeat the last row. A's memory is read in order: row by row when rows are contiguous in depth,
        /// depth by depth when columns are (TN), where each depth's mr values are copied as one 8-float vector (the two
        /// extra floats land in the next depth's slot, written next, or in the pad).
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        private static void PackA(float* a, long ars, long aks, int rows, int kc, int mr, float* dst)
        {
            long stride = (long)mr * kc + PanelPad;
            if (ars == 1 && aks != 1)
            {
                int full = rows / mr; // micro-panels with all mr rows
                bool vector = Vector.IsHardwareAccelerated && Vector<float>.Count == 8 && mr <= 8;
                for (int p = 0; p < kc; p++)
                {
                    float* src = a + p * aks;
                    float* d = dst + p * mr;
                    int q = 0;
                    if (vector)
                        // The 8-float load may read up to 8 − mr floats past this micro-panel's rows: stop one panel
                        // early when that could pass the end of the row (the last panel is copied below).
                        for (int qEnd = rows >= 8 ? (rows - 8) / mr + 1 : 0; q < Math.Min(full, qEnd); q++, d += stride)
                            *(Vector<float>*)d = *(Vector<float>*)(src + q * mr);
                    for (; q * mr < rows; q++, d += stride)
                    {
                        int last = Math.Min(mr, rows - q * mr) - 1;
                        for (int r = 0; r < mr; r++) d[r] = src[q * mr + Math.Min(r, last)];
                    }
                }
                return;
            }
            for (int r0 = 0; r0 < rows; r0 += mr, dst += stride)
            {
                int valid = Math.Min(mr, rows - r0);
                for (int r = 0; r < mr; r++)
                {
                    float* src = a + (r0 + Math.Min(r, valid - 1)) * ars;
                    float* d = dst + r;
                    if (aks == 1)
                        for (int p = 0; p < kc; p++) d[p * mr] = src[p];
                    else
                        for (int p = 0; p < kc; p++) d[p * mr] = src[p * aks];
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Tile(KernelPath path, bool exact, float* a, long ars, long aks, int rows, float* panel, float* c, long ldc, int kc, bool load)
        {
            switch (path)
            {
#if NET8_0_OR_GREATER
                case KernelPath.Vector256:
                    if (exact) MicroKernel256.Tile<Exact>(a, ars, aks, rows, panel, c, ldc, kc, load);
                    else MicroKernel256.Tile<Inexact>(a, ars, aks, rows, panel, c, ldc, kc, load);
                    break;
                case KernelPath.Vector128:
                    if (exact) MicroKernel128.Tile<Exact>(a, ars, aks, rows, panel, c, ldc, kc, load);
                    else MicroKernel128.Tile<Inexact>(a, ars, aks, rows, panel, c, ldc, kc, load);
                    break;
#endif
                case KernelPath.PortableVector: MicroKernelVector.Tile(a, ars, aks, rows, panel, c, ldc, kc, load); break;
                default:
                    // Mono's four-depth tile sums in another order: not in the deterministic mode.
                    if (MicroKernelScalar.DepthBlocked && !exact) MicroKernelScalar.TileDepth4(a, ars, aks, rows, panel, c, ldc, kc, load);
                    else MicroKernelScalar.Tile(a, ars, aks, rows, panel, c, ldc, kc, load);
                    break;
            }
        }

        /// <summary>
        /// panel[p, j] = B(p, j) for p &lt; kc, j &lt; cols; zero for cols ≤ j &lt; nr — for a B whose rows are not
        /// contiguous in j (NT: B(p, j) = W[j, p]); row-contiguous B goes through <see cref="PackRows"/>.
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        private static void Pack(KernelPath path, float* b, long bks, long bjs, int kc, int cols, int nr, float* panel)
        {
#if NET8_0_OR_GREATER
            if (path == KernelPath.Vector256 && bks == 1 && cols == MicroKernel256.NR)
            {
                MicroKernel256.PackTransposed16(b, bjs, kc, panel);
                return;
            }
#endif
            // Transposing pack (NT: B(p, j) = W[j, p], rows of W contiguous in p).
            for (int j = 0; j < cols; j++)
            {
                float* src = b + j * bjs;
                float* dst = panel + j;
                for (int p = 0; p < kc; p++) dst[p * nr] = src[p * bks];
            }
            for (int j = cols; j < nr; j++)
                for (int p = 0; p < kc; p++) panel[p * nr + j] = 0f;
        }

        /// <summary>
        /// A product split by output columns: part t runs a contiguous range of column panels. One instance, used only
        /// by the thread that owns the <see cref="WorkerPool"/> while it runs.
        /// </summary>
        private sealed class ColumnsJob : ParallelWork
        {
            public KernelPath Path;
            public bool Exact;
            public float* A, B, C;
            public long Ars, Aks, Bks, Bjs, Ldc;
            public int M, N, K, Panels, NR;
            public bool Accumulate;
            public Epilogue Epilogue;

            [MethodImpl(KernelHints.Optimize)]
            public override void Run(int part, int parts)
            {
                int j0 = (int)((long)Panels * part / parts) * NR;
                int j1 = Math.Min(N, (int)((long)Panels * (part + 1) / parts) * NR);
                if (j0 >= j1) return;
                Columns(Path, Exact, A, Ars, Aks, B, Bks, Bjs, C, Ldc, M, N, K, Accumulate, Epilogue, j0, j1);
            }
        }

        private static readonly ColumnsJob s_columns = new ColumnsJob();

        /// <summary>Runs the product on <paramref name="threads"/> threads; false if the worker pool is taken (the caller then runs it alone).</summary>
        [MethodImpl(KernelHints.Optimize)]
        private static bool TryRunParallel(KernelPath path, bool exact, float* a, long ars, long aks, float* b, long bks, long bjs,
            float* c, long ldc, int m, int n, int k, bool accumulate, Epilogue epilogue, int threads, int panels, int nr)
        {
            if (!WorkerPool.TryClaim(threads)) return false;
            ColumnsJob job = s_columns; // only the pool's owner writes it

            job.Path = path; job.Exact = exact; job.A = a; job.Ars = ars; job.Aks = aks; job.B = b; job.Bks = bks; job.Bjs = bjs; job.C = c; job.Ldc = ldc;
            job.M = m; job.N = n; job.K = k; job.Accumulate = accumulate; job.Epilogue = epilogue; job.Panels = panels; job.NR = nr;
            WorkerPool.RunClaimed(job, threads);
            return true;
        }
    }
}
