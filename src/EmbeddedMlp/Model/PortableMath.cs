using System;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Kernels;

namespace EmbeddedMlp
{
    /// <summary>
    /// Math whose results do not depend on the runtime's libm: only IEEE-754 basic operations, which every runtime
    /// rounds identically. Used where bit-identical results across CoreCLR, Mono and IL2CPP matter (initialisation).
    /// </summary>
    internal static class PortableMath
    {
        private const double Ln2 = 0.69314718055994530942;

        /// <summary>Natural logarithm of a positive finite x, accurate to a few ulps.</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static double Log(double x)
        {
            if (!(x > 0.0) || double.IsInfinity(x))
                throw new ArgumentOutOfRangeException(nameof(x), x, "x: expected a positive finite number.");
            // x = m · 2^e with m in [√½, √2): scale by exact powers of two.
            int e = 0;
            while (x >= 1.4142135623730951) { x *= 0.5; e++; }
            while (x < 0.70710678118654752) { x *= 2.0; e--; }
            // ln(m) = 2·atanh(t), t = (m−1)/(m+1), |t| ≤ 0.1716: the series converges fast.
            double t = (x - 1.0) / (x + 1.0), t2 = t * t, term = t, sum = 0.0;
            for (int k = 1; k < 60; k += 2)
            {
                double add = term / k;
                sum += add;
                if (Math.Abs(add) < 1e-18) break;
                term *= t2;
            }
            return 2.0 * sum + e * Ln2;
        }
    }
}
