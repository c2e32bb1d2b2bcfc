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

        /// <summary>
        /// e^x from exactly rounded operations: x = n·ln2 + r with |r| ≤ ln2/2 (ln 2 split in two so that n·hi is exact),
        /// e^r by its Taylor series summed until the terms stop mattering, times 2^n put into the exponent in two exact
        /// steps. Accurate to a few ulps; +∞ above 709.78, 0 below −745.1 (subnormal results flushed to 0 below −708.3),
        /// NaN stays NaN. The deterministic mode's exponential in double precision (the policy losses).
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        public static double Exp(double x)
        {
            if (double.IsNaN(x)) return x;
            if (x > 709.782712893384) return double.PositiveInfinity;
            if (x < -708.3964185322641) return 0.0;
            const double Ln2Hi = 0.693147180369123816490, Ln2Lo = 1.90821492927058770002e-10, InvLn2 = 1.44269504088896338700;
            double nf = x * InvLn2;
            nf = nf >= 0 ? (double)(long)(nf + 0.5) : -(double)(long)(0.5 - nf);
            double r = (x - nf * Ln2Hi) - nf * Ln2Lo;
            double term = 1.0, sum = 1.0;
            for (int k = 1; k < 30; k++)
            {
                term = term * r / k;
                sum += term;
                if (Math.Abs(term) < 1e-17 * sum) break;
            }
            int n = (int)nf, half = n / 2;
            return sum * BitConverter.Int64BitsToDouble((long)(half + 1023) << 52) * BitConverter.Int64BitsToDouble((long)(n - half + 1023) << 52);
        }

        /// <summary>
        /// x^n for n ≥ 0 by repeated squaring (at most 2·log2 n exactly rounded multiplications in a fixed order): the
        /// deterministic mode's Adam bias corrections β^t, where the platform's <c>Math.Pow</c> may differ by an ulp
        /// between C runtimes. Each squaring doubles the relative error, so the result is within about n double ulps
        /// of the exact power: far inside the float that 1 − β^t is rounded to.
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        public static double Pow(double x, long n)
        {
            if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "n: expected a count of at least 0.");
            double result = 1.0, square = x;
            while (n > 0)
            {
                if ((n & 1) != 0) result *= square;
                n >>= 1;
                if (n > 0) square *= square;
            }
            return result;
        }
    }
}
