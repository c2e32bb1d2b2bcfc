using System;
using System.Numerics;
#if NET8_0_OR_GREATER
using System.Runtime.Intrinsics.X86;
#endif

namespace EmbeddedMlp.Kernels
{
    /// <summary>Which instruction-set path the kernels run.</summary>
    public enum KernelPath
    {
        /// <summary>Plain unrolled scalar loops: the fastest choice where <c>Vector&lt;T&gt;</c> is emulated (Mono, IL2CPP).</summary>
        Scalar = 0,
        /// <summary><c>System.Numerics.Vector&lt;float&gt;</c>, taken only where it is hardware accelerated.</summary>
        PortableVector = 1,
        /// <summary><c>Vector128&lt;float&gt;</c> (SSE / NEON, fused multiply-add where the CPU has it); .NET 8+ only.</summary>
        Vector128 = 2,
        /// <summary><c>Vector256&lt;float&gt;</c> with AVX2 + FMA (x64); .NET 8+ only.</summary>
        Vector256 = 3,
    }

    /// <summary>
    /// Chooses the kernel path once, at start-up: <see cref="KernelPath.Vector256"/> where AVX2 and FMA are supported,
    /// else <see cref="KernelPath.Vector128"/> where 128-bit vectors are accelerated, else
    /// <see cref="KernelPath.PortableVector"/> where <c>Vector&lt;T&gt;</c> is hardware accelerated, else
    /// <see cref="KernelPath.Scalar"/> (never emulated vectors). Set the environment variable
    /// <c>EMBEDDEDMLP_KERNELS</c> to <c>scalar</c>, <c>vector</c>, <c>vector128</c> or <c>vector256</c> to force a path
    /// (benchmarks, tests, diagnosing a platform); a path the runtime does not support falls back to <see cref="Best"/>.
    /// </summary>
    public static class KernelDispatch
    {
        private static KernelPath _active = Detect();
        private static int _maxDegreeOfParallelism = 1;
        private static bool _deterministic = ReadDeterministic();

        /// <summary>The best path this runtime supports.</summary>
        public static KernelPath Best => DetectBest();

        /// <summary>The path the kernels take. Changing it while kernels run on other threads is not supported.</summary>
        public static KernelPath Active
        {
            get => _active;
            set
            {
                if ((uint)value > (uint)KernelPath.Vector256)
                    throw new ArgumentOutOfRangeException(nameof(value), value, "Active: expected a defined KernelPath.");
                if (!IsSupported(value))
                    throw new ArgumentException($"Active: expected a path this runtime accelerates, found {value} (it would be emulated or is unavailable).", nameof(value));
                _active = value;
            }
        }

        /// <summary>
        /// Largest number of threads a single matrix product may use (1 = single-threaded, the default: games own their
        /// threads). Large products are split by output columns, and so are the matrix-vector products of one- and
        /// two-row inference. Results are identical for every value: each output element is summed in the same order
        /// whatever thread computes it. The first time it is set above 1, value − 1 persistent worker threads are
        /// created (more if it is raised later; none are removed); they poll for work for a fraction of a millisecond
        /// after each product, then block, so they use no CPU while the game does not call the runtime. Parallel
        /// products allocate nothing.
        /// </summary>
        public static int MaxDegreeOfParallelism
        {
            get => _maxDegreeOfParallelism;
            set
            {
                if (value < 1)
                    throw new ArgumentOutOfRangeException(nameof(value), value, $"MaxDegreeOfParallelism: expected at least 1, found {value}.");
                if (value > 1) WorkerPool.EnsureWorkers(value - 1);
                _maxDegreeOfParallelism = value;
            }
        }

        /// <summary>
        /// Cross-platform deterministic mode (off by default; the environment variable <c>EMBEDDEDMLP_DETERMINISTIC=1</c>
        /// turns it on at start-up). When on, <c>Predict</c> outputs, losses, gradients and parameters after any number of
        /// training steps are bit-identical on every <see cref="KernelPath"/>, on the net10.0 and netstandard2.1 builds,
        /// on CoreCLR and Mono, at every <see cref="MaxDegreeOfParallelism"/>, and a row's outputs do not depend on the
        /// other rows of its batch: every sum runs in one fixed order, no multiply-add is fused, and exp, log, tanh and
        /// sigmoid are computed from IEEE-754's exactly rounded operations. See docs/determinism.md for the guarantee
        /// and its limits. Like <see cref="Active"/>, set it before kernels run, not while they run on other threads.
        /// </summary>
        public static bool Deterministic
        {
            get => _deterministic;
            set => _deterministic = value;
        }

        private static bool ReadDeterministic()
        {
            string? value = Environment.GetEnvironmentVariable("EMBEDDEDMLP_DETERMINISTIC");
            return value == "1" || string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>Whether <paramref name="path"/> runs with hardware vectors (or is scalar) in this process.</summary>
        public static bool IsSupported(KernelPath path)
        {
            switch (path)
            {
                case KernelPath.Scalar: return true;
                case KernelPath.PortableVector: return Vector.IsHardwareAccelerated;
#if NET8_0_OR_GREATER
                case KernelPath.Vector128: return System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated;
                case KernelPath.Vector256: return Avx2.IsSupported && Fma.IsSupported;
#endif
                default: return false;
            }
        }

        private static KernelPath DetectBest()
        {
            if (IsSupported(KernelPath.Vector256)) return KernelPath.Vector256;
            if (IsSupported(KernelPath.Vector128)) return KernelPath.Vector128;
            return Vector.IsHardwareAccelerated ? KernelPath.PortableVector : KernelPath.Scalar;
        }

        private static KernelPath Detect()
        {
            string? forced = Environment.GetEnvironmentVariable("EMBEDDEDMLP_KERNELS");
            KernelPath wanted;
            if (string.Equals(forced, "scalar", StringComparison.OrdinalIgnoreCase)) wanted = KernelPath.Scalar;
            else if (string.Equals(forced, "vector", StringComparison.OrdinalIgnoreCase)) wanted = KernelPath.PortableVector;
            else if (string.Equals(forced, "vector128", StringComparison.OrdinalIgnoreCase)) wanted = KernelPath.Vector128;
            else if (string.Equals(forced, "vector256", StringComparison.OrdinalIgnoreCase)) wanted = KernelPath.Vector256;
            else return DetectBest();
            return IsSupported(wanted) ? wanted : DetectBest();
        }

        /// <summary>Whether element-wise helpers may use <c>Vector&lt;T&gt;</c> (any accelerated path).</summary>
        internal static bool UseVector => _active != KernelPath.Scalar && Vector.IsHardwareAccelerated;
    }
}
