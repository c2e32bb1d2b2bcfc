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

        /// <summary>
        /// <see cref="Optimize"/> plus <c>NoInlining</c>, for the public entry points of the per-frame paths (Step,
        /// Predict, the loss functions…). A game method that calls one is recompiled at tier 1 after it has run a while;
        /// if it inlined the entry point, the inlining decisions inside would be made afresh, and a helper the entry
        /// point had inlined the first time could now be called — and compiled — mid-game, on the game's thread
        /// (observed: <c>Trainer.CheckBatch</c>, compiled at the first call after the caller's tier-up). Kept out of
        /// line, an entry point is compiled once, with everything it calls.
        /// </summary>
        public const MethodImplOptions Entry = (MethodImplOptions)(512 | 8);

        /// <summary>
        /// <see cref="Optimize"/> plus <c>AggressiveInlining</c>, for the small dispatch steps between a call and its kernel
        /// (a switch on the path, a threshold): inlined into their callers they cost no call; compiled on their own (if a
        /// caller does not inline them) they are still optimised at first call.
        /// </summary>
        public const MethodImplOptions Inline = (MethodImplOptions)(512 | 256);
    }
}
