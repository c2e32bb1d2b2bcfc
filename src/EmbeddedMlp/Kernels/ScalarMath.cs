using System;
using System.Runtime.CompilerServices;

namespace EmbeddedMlp.Kernels
{
    /// <summary>Scalar float functions in the form each build's runtimes compile best.</summary>
    internal static class ScalarMath
    {
        /// <summary>
        /// √x, correctly rounded. The netstandard2.1 build (Mono, IL2CPP) goes through <see cref="Math.Sqrt"/>: Mono 6.8
        /// compiles it to one instruction but calls <c>MathF.Sqrt</c> through a native wrapper (Adam's loop 1.35× slower).
        /// The double square root of a float, rounded to float, equals the float square root (53 ≥ 2·24 + 2 bits), so
        /// both builds give identical results; CoreCLR runs <c>MathF.Sqrt</c> 1.3× faster.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Sqrt(float x)
        {
#if NETSTANDARD2_1
            return (float)Math.Sqrt(x);
#else
            return MathF.Sqrt(x);
#endif
        }
    }
}
