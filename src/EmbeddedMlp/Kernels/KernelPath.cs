using System;
using System.Numerics;

namespace EmbeddedMlp.Kernels
{
    /// <summary>Which instruction-set path the kernels run.</summary>
    public enum KernelPath
    {
        /// <summary>Plain unrolled scalar loops: the fastest choice where <c>Vector&lt;T&gt;</c> is emulated (Mono, IL2CPP).</summary>
        Scalar = 0,
        /// <summary><c>System.Numerics.Vector&lt;float&gt;</c>, taken only where it is hardware accelerated.</summary>
        PortableVector = 1,
    }

    /// <summary>
    /// Chooses the kernel path once, at start-up. Set the environment variable <c>EMBEDDEDMLP_KERNELS</c> to
    /// <c>scalar</c> or <c>vector</c> to force a path (benchmarks, tests, diagnosing a platform).
    /// </summary>
    public static class KernelDispatch
    {
        private static KernelPath _active = Detect();

        /// <summary>The best path this runtime supports.</summary>
        public static KernelPath Best { get; } = DetectBest();

        /// <summary>The path the kernels take. Changing it while kernels run on other threads is not supported.</summary>
        public static KernelPath Active
        {
            get => _active;
            set
            {
                if (value == KernelPath.PortableVector && !Vector.IsHardwareAccelerated)
                    throw new ArgumentException("Active: expected a path this runtime accelerates, found PortableVector without hardware vectors (it would be emulated).", nameof(value));
                if ((uint)value > (uint)KernelPath.PortableVector)
                    throw new ArgumentOutOfRangeException(nameof(value), value, "Active: expected a defined KernelPath.");
                _active = value;
            }
        }

        private static KernelPath DetectBest() => Vector.IsHardwareAccelerated ? KernelPath.PortableVector : KernelPath.Scalar;

        private static KernelPath Detect()
        {
            string? forced = Environment.GetEnvironmentVariable("EMBEDDEDMLP_KERNELS");
            if (string.Equals(forced, "scalar", StringComparison.OrdinalIgnoreCase)) return KernelPath.Scalar;
            return DetectBest();
        }

        internal static bool UseVector => _active != KernelPath.Scalar;
    }
}
