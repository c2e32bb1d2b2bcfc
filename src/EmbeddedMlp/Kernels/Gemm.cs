using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EmbeddedMlp.Kernels
{
    /// <summary>
    /// The three matrix products of an MLP with samples in rows, all row-major and dense:
    /// <list type="bullet">
    /// <item><see cref="NT(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, bool)"/>: C[m,n] (+)= A[m,k]·B[n,k]ᵀ — forward, Z = A·Wᵀ.</item>
    /// <item><see cref="TN"/>: C[m,n] (+)= A[k,m]ᵀ·B[k,n] — weight gradient, ∇W = Δᵀ·A.</item>
    /// <item><see cref="NN"/>: C[m,n] (+)= A[m,k]·B[k,n] — input gradient, Δ_prev = Δ·W.</item>
    /// </list>
    /// With <c>accumulate</c> false C is overwritten. The path is <see cref="KernelDispatch.Active"/>: a packed,
    /// register-blocked micro-kernel (6×16 floats of C in ymm registers on AVX2), a dot-product kernel for NT with
    /// one or two rows (matrix-vector), and a fused forward epilogue (bias + activation). Each output element is summed in a fixed order, so results are run-to-run deterministic for a
    /// given path (and any <see cref="KernelDispatch.MaxDegreeOfParallelism"/>). In the deterministic mode
    /// (<see cref="KernelDispatch.Deterministic"/>) the order is the same on every path too: NT by
    /// <see cref="DeterministicDot"/>, TN and NN by the packed driver with no fused multiply-add. NaN and ±Inf propagate as IEEE
    /// arithmetic dictates (no skipping of zero operands).
    /// </summary>
    internal static unsafe class Gemm
    {
        /// <summary>
        /// Whether NT runs as dot products (no packing) rather than through the packed driver: always for one or two
        /// rows (matrix-vector); with AVX2 also for narrow outputs (fewer than one 16-column panel, e.g. a 4- or
        /// 10-class head) or few rows, when B fits in L2 — there packing B would cost as much as the product.
        /// </summary>
        [MethodImpl(KernelHints.Inline)]
        internal static bool UseDot(KernelPath path, int m, int n, int k)
        {
            if (k == 0) return false;
            if (m <= 2) return true;
            return path == KernelPath.Vector256 && k >= 16 && (n < 16 || m < 12) && (long)n * k <= 64 * 1024;
        }

        /// <summary>C[m,n] (+)= A[m,k]·B[n,k]ᵀ.</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void NT(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate) =>
            NT(a, b, c, m, n, k, accumulate, ReadOnlySpan<float>.Empty, FusedActivation.Identity);

        /// <summary>
        /// C[m,n] = f((accumulate ? C : 0) + bias + A[m,k]·B[n,k]ᵀ): the forward pass of a dense layer with
        /// W = B [n,k]. <paramref name="bias"/> is empty (none) or has at least n elements; f is applied to each
        /// block of C as soon as it is complete.
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void NT(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate,
            ReadOnlySpan<float> bias, FusedActivation activation)
        {
            Guard.Dimensions(m, n, k);
            Guard.AtLeast(a.Length, (long)m * k, nameof(a), m, k);
            Guard.AtLeast(b.Length, (long)n * k, nameof(b), n, k);
            Guard.AtLeast(c.Length, (long)m * n, nameof(c), m, n);
            if (!bias.IsEmpty) Guard.AtLeast(bias.Length, n, nameof(bias), 1, n);
            CheckActivation(activation);
            if (m == 0 || n == 0) return;
            KernelPath path = KernelDispatch.Active;
            fixed (float* pa = &MemoryMarshal.GetReference(a))
            fixed (float* pb = &MemoryMarshal.GetReference(b))
            fixed (float* pc = &MemoryMarshal.GetReference(c))
            fixed (float* pbias = &MemoryMarshal.GetReference(bias))
            {
                var epilogue = Epilogue.Forward(bias.IsEmpty ? null : pbias, activation);
                if (KernelDispatch.Deterministic && k > 0)
                {
                    DeterministicNT(path, pa, pb, pc, m, n, k, accumulate, epilogue);
                    return;
                }
                if (UseDot(path, m, n, k))
                {
                    int threads = DotThreads(n, k);
                    if (threads < 2 || !DotJob.TryRun(path, false, pa, pb, pc, m, n, k, accumulate, epilogue, threads))
                    {
                        DotNT(path, false, pa, pb, pc, n, m, n, k, accumulate);
                        epilogue.Apply(pc, n, m, n, 0);
                    }
                }
                else
                {
                    GemmDriver.Run(path, false, pa, k, 1, pb, 1, k, pc, n, m, n, k, accumulate, epilogue);
                }
            }
        }

        /// <summary>
        /// The deterministic mode's NT, in a method of its own so that the default path's code stays as it was: always
        /// dot products (<see cref="DeterministicDot"/>), whose fixed eight-lane order makes a row's outputs independent
        /// of the batch (a packed tile sums in depth order instead), split by columns across threads like the default
        /// matrix-vector products.
        /// </summary>
        [MethodImpl(KernelHints.Optimize | MethodImplOptions.NoInlining)]
        private static void DeterministicNT(KernelPath path, float* pa, float* pb, float* pc, int m, int n, int k, bool accumulate, Epilogue epilogue)
        {
            int threads = DotThreads(n, k);
            if (threads < 2 || !DotJob.TryRun(path, true, pa, pb, pc, m, n, k, accumulate, epilogue, threads))
            {
                DeterministicDot.NT(path, pa, pb, pc, n, m, n, k, accumulate);
                epilogue.Apply(pc, n, m, n, 0);
            }
        }

        /// <summary>C[m,n] (+)= A[k,m]ᵀ·B[k,n].</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void TN(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate)
        {
            Guard.Dimensions(m, n, k);
            Guard.AtLeast(a.Length, (long)k * m, nameof(a), k, m);
            Guard.AtLeast(b.Length, (long)k * n, nameof(b), k, n);
            Guard.AtLeast(c.Length, (long)m * n, nameof(c), m, n);
            if (m == 0 || n == 0) return;
            fixed (float* pa = &MemoryMarshal.GetReference(a))
            fixed (float* pb = &MemoryMarshal.GetReference(b))
            fixed (float* pc = &MemoryMarshal.GetReference(c))
            {
                GemmDriver.Run(KernelDispatch.Active, KernelDispatch.Deterministic, pa, 1, m, pb, n, 1, pc, n, m, n, k, accumulate, default);
            }
        }

        /// <summary>C[m,n] (+)= A[m,k]·B[k,n] — the input gradient of a dense layer, dx = dz·W.</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void NN(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate)
        {
            Guard.Dimensions(m, n, k);
            Guard.AtLeast(a.Length, (long)m * k, nameof(a), m, k);
            Guard.AtLeast(b.Length, (long)k * n, nameof(b), k, n);
            Guard.AtLeast(c.Length, (long)m * n, nameof(c), m, n);
            if (m == 0 || n == 0) return;
            fixed (float* pa = &MemoryMarshal.GetReference(a))
            fixed (float* pb = &MemoryMarshal.GetReference(b))
            fixed (float* pc = &MemoryMarshal.GetReference(c))
            {
                GemmDriver.Run(KernelDispatch.Active, KernelDispatch.Deterministic, pa, k, 1, pb, n, 1, pc, n, m, n, k, accumulate, default);
            }
        }

        /// <summary>C[m, n] (+)= A[m, k]·B[n, k]ᵀ by dot products, C with row stride <paramref name="ldc"/>.</summary>
        [MethodImpl(KernelHints.Inline)]
        private static void DotNT(KernelPath path, bool exact, float* a, float* b, float* c, long ldc, int m, int n, int k, bool accumulate)
        {
            if (exact)
            {
                DeterministicDot.NT(path, a, b, c, ldc, m, n, k, accumulate);
                return;
            }
            switch (path)
            {
#if NET8_0_OR_GREATER
                case KernelPath.Vector256: MicroKernel256.DotNT(a, b, c, ldc, m, n, k, accumulate); break;
                case KernelPath.Vector128: MicroKernel128.DotNT(a, b, c, ldc, m, n, k, accumulate); break;
#endif
                case KernelPath.PortableVector: MicroKernelVector.DotNT(a, b, c, ldc, m, n, k, accumulate); break;
                default:
                    if (MicroKernelScalar.DepthBlocked) MicroKernelScalar.DotNTDepth4(a, b, c, ldc, m, n, k, accumulate);
                    else MicroKernelScalar.DotNT(a, b, c, ldc, m, n, k, accumulate);
                    break;
            }
        }

        /// <summary>
        /// Matrix-vector products (one or two rows) with at least this many weights are split across threads: below it
        /// (256 KB of weights) the hand-over costs more than the second core's share saves.
        /// </summary>
        internal const long DotParallelWeights = 64 * 1024;

        /// <summary>Columns of a dot-product job's parts are multiples of this: the kernels group 4 or 8 columns, so every
        /// column is computed by the same group code (and gives the same bits) as in one single-threaded call.</summary>
        private const int DotColumnGrain = 16;

        [MethodImpl(KernelHints.Inline)]
        private static int DotThreads(int n, int k)
        {
            int threads = KernelDispatch.MaxDegreeOfParallelism;
            if (threads < 2 || (long)n * k < DotParallelWeights) return 1;
            return Math.Min(threads, (n + DotColumnGrain - 1) / DotColumnGrain);
        }

        /// <summary>A matrix-vector product split by output columns (rows of W), each part with its epilogue.</summary>
        private sealed class DotJob : ParallelWork
        {
            private static readonly DotJob s_job = new DotJob();
            private KernelPath _path;
            private bool _exact;
            private float* _a, _b, _c;
            private int _m, _n, _k;
            private bool _accumulate;
            private Epilogue _epilogue;

            [MethodImpl(KernelHints.Optimize)]
            public static bool TryRun(KernelPath path, bool exact, float* a, float* b, float* c, int m, int n, int k, bool accumulate, Epilogue epilogue, int threads)
            {
                if (!WorkerPool.TryClaim(threads)) return false;
                DotJob job = s_job; // only the pool's owner writes it
                job._path = path; job._exact = exact; job._a = a; job._b = b; job._c = c; job._m = m; job._n = n; job._k = k;
                job._accumulate = accumulate; job._epilogue = epilogue;
                WorkerPool.RunClaimed(job, threads);
                return true;
            }

            [MethodImpl(KernelHints.Optimize)]
            public override void Run(int part, int parts)
            {
                int grains = (_n + DotColumnGrain - 1) / DotColumnGrain;
                int j0 = (int)((long)grains * part / parts) * DotColumnGrain;
                int j1 = Math.Min(_n, (int)((long)grains * (part + 1) / parts) * DotColumnGrain);
                if (j0 >= j1) return;
                DotNT(_path, _exact, _a, _b + (long)j0 * _k, _c + j0, _n, _m, j1 - j0, _k, _accumulate);
                _epilogue.Apply(_c + j0, _n, _m, j1 - j0, j0);
            }
        }

        [MethodImpl(KernelHints.Inline)]
        private static void CheckActivation(FusedActivation activation)
        {
            if ((uint)activation > (uint)FusedActivation.Sigmoid)
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "activation: expected a defined FusedActivation.");
        }
    }
}
