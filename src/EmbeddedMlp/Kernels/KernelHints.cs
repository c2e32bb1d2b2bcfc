using System.Runtime.CompilerServices;

namespace EmbeddedMlp.Kernels
{
    /// <summary>JIT hints shared by the kernels.</summary>
    internal static class KernelHints
    {
        /// <summary>
        /// <c>MethodImplOptions.AggressiveOptimization</c> (512; the name is missing from netstandard2.1): compile fully
        /// optimised at first call, with no tier-0 / on-stack-replacement phase whose later re-compilation would
        /// allocate in the background mid-game. Ignored by runtimes that do not know it.
        /// </summary>
        public const MethodImplOptions Optimize = (MethodImplOptions)512;
    }
}
