using System;
using System.Runtime.CompilerServices;

namespace EmbeddedMlp.Kernels
{
    /// <summary>
    /// exp, ln, tanh and sigmoid for the cross-platform deterministic mode (<see cref="KernelDispatch.Deterministic"/>):
    /// the same bits on every CPU, runtime (CoreCLR, Mono) and kernel path. Each function is a fixed sequence of
    /// single-precision IEEE-754 operations that every platform rounds exactly (+ − × ÷, int → float conversions of
    /// values that convert exactly, comparisons) and of integer/bit operations: no fused multiply-add, no
    /// <c>MathF</c>/<c>Math</c> transcendental or rounding call (platform libm), no min/max deciding a NaN (NaN inputs
    /// are selected explicitly at the end). The result of every arithmetic operation carries an explicit
    /// <c>(float)</c> cast, which C# and the CLI define as rounding to single precision, so a runtime that computes
    /// floats in double still rounds after each step (checked: Mono 6.8 with and without <c>-O=-float32</c> gives
    /// CoreCLR's bits). <c>DeterministicMath256</c> (net10.0) runs the very same sequence eight lanes at a time; the
    /// tests compare both bit for bit.
    /// <para>
    /// Subnormal numbers: results that would be subnormal are flushed to +0 (<see cref="Exp(float)"/> and
    /// <see cref="Sigmoid(float)"/> below 2^−126), tanh of |x| &lt; 2^−12 returns x itself (so a subnormal x comes back
    /// unchanged) and ln of a subnormal is computed exactly like any other input (it is renormalised with an integer →
    /// float conversion), so no result depends on whether the CPU flushes subnormal operands or results (DAZ/FTZ).
    /// </para>
    /// <para>
    /// The polynomial coefficients were fitted for this file with a Remez exchange (weighted minimax, 40-digit
    /// arithmetic) and rounded to float; the reference errors quoted below are the fits' before that rounding.
    /// </para>
    /// </summary>
    internal static class DeterministicMath
    {
        // ---- shared constants ----------------------------------------------------------------------------------------

        /// <summary>1.5·2^23: (t + Magic) − Magic rounds t to the nearest integer (ties to even) for |t| &lt; 2^22, and the
        /// bits of t + Magic are <see cref="MagicBits"/> + that integer.</summary>
        internal const float Magic = 12582912f;
        internal const int MagicBits = 0x4B400000;

        /// <summary>ln 2 = Ln2Hi + Ln2Lo: Ln2Hi is ln 2 rounded to 16 bits (0x3F317200), so k·Ln2Hi is exact for |k| &lt; 2^8;
        /// Ln2Lo is the rest, rounded to float (0x35BFBE8E).</summary>
        internal const float Ln2Hi = 0.693145751953125f, Ln2Lo = 1.428606765330187e-06f;

        /// <summary>1 / ln 2 rounded to float (0x3FB8AA3B).</summary>
        internal const float Log2E = 1.4426950216293335f;

        /// <summary>2^−126, the smallest normal float.</summary>
        internal const float MinNormal = 1.1754943508222875e-38f;

        // ---- exp --------------------------------------------------------------------------------------------------------

        /// <summary>Arguments are clamped to [ExpLow, ExpHigh] before the reduction: e^88.8 overflows to +∞ and e^−88 is
        /// below 2^−126 (flushed to 0), so the clamp changes no result and keeps n in [−127, 128].</summary>
        internal const float ExpHigh = 88.8f, ExpLow = -88f;

        /// <summary>e^r ≈ 1 + r + r²·(E2 + r·(E3 + r·(E4 + r·(E5 + r·E6)))) on |r| ≤ ln2/2: minimax for the relative error
        /// of e^r, 2^−28.3 before rounding the coefficients to float (the Taylor coefficients would be 1/k!).</summary>
        internal const float E2 = 0.4999999403953552f, E3 = 0.1666652113199234f, E4 = 0.04166838899254799f,
            E5 = 0.008368716575205326f, E6 = 0.001381459878757596f;

        // ---- ln ---------------------------------------------------------------------------------------------------------

        /// <summary>Bits of √½ rounded to float (0x3F3504F3): the mantissa m of x is taken in [√½, √2).</summary>
        internal const int SqrtHalfBits = 0x3F3504F3;

        /// <summary>R(z) ≈ z·(L1 + z·(L2 + z·L3)) for 2·atanh(s) = 2s + s·R(s²), |s| ≤ (√2−1)/(√2+1): minimax for the
        /// error of s·R relative to ln(1 + f), 2^−30.2 before rounding to float (Taylor: 2/3, 2/5, 2/7).</summary>
        internal const float L1 = 0.6666677594184875f, L2 = 0.3997756838798523f, L3 = 0.2987107038497925f;

        // ---- tanh -------------------------------------------------------------------------------------------------------

        /// <summary>|x| below which tanh uses its odd polynomial, above which 1 − 2/(e^{2|x|} + 1).</summary>
        internal const float TanhSmall = 0.625f;

        /// <summary>|x| below which tanh(x) rounds to x (|x|²/3 &lt; 2^−25.5): x is returned as it is.</summary>
        internal const float TanhTiny = 0.000244140625f; // 2^-12

        /// <summary>2|x| is capped here: 2/(e^40 + 1) &lt; 2^−56, so the result is exactly ±1 well before the cap.</summary>
        internal const float TanhCap = 40f;

        /// <summary>tanh(a) ≈ a + a³·(T1 + z·(T2 + z·(T3 + z·(T4 + z·T5)))), z = a², on a ≤ 0.625: minimax for the relative
        /// error of tanh, 2^−27.8 before rounding to float (Taylor: −1/3, 2/15, −17/315, …).</summary>
        internal const float T1 = -0.3333328068256378f, T2 = 0.13331441581249237f, T3 = -0.05373965576291084f,
            T4 = 0.020638883113861084f, T5 = -0.005704749375581741f;

        /// <summary>
        /// e^x, within 1 ulp where the result is a normal float (0.976 ulp at most, measured over all 2^32 inputs against
        /// double-precision <c>Math.Exp</c>).
        /// <para>
        /// Method: x is clamped to [−88, 88.8]; n = round(x·log2 e) with the magic constant 1.5·2^23 (n also read from
        /// the bits of the sum); r = (x − n·Ln2Hi) − n·Ln2Lo, |r| ≲ ln2/2 (the first product and difference are exact);
        /// e^r = 1 + (r + r²·P(r)) with P the degree-4 minimax polynomial E2…E6; then × 2^h × 2^(n−h), h = n >> 1, two
        /// exact power-of-two scalings so that n = 128 and n = −127 need no special case.
        /// </para>
        /// <para>
        /// Special values: NaN → NaN; +∞ and x &gt; ln(FLT_MAX) ≈ 88.7228 → +∞ (the product overflows); results below
        /// 2^−126 (x &lt; ln 2^−126 ≈ −87.3365) → +0, as is −∞; ±0 and subnormal x → 1.
        /// </para>
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        public static float Exp(float x)
        {
            float c = x < ExpHigh ? x : ExpHigh; // NaN → ExpHigh; NaN is put back at the end
            c = c > ExpLow ? c : ExpLow;
            float y = ExpCore(c);
            y = y < MinNormal ? 0f : y;
            return IsNaN(x) ? x : y;
        }

        /// <summary>e^c for c in [−88, 88.8], without special values (see <see cref="Exp(float)"/>); results below 2^−126
        /// come out subnormal or 0 depending on the CPU's flush-to-zero mode, so callers flush them.</summary>
        [MethodImpl(KernelHints.Inline)]
        internal static float ExpCore(float c)
        {
            float t = (float)(c * Log2E);
            float k = (float)(t + Magic);
            float n = (float)(k - Magic);
            int ni = BitConverter.SingleToInt32Bits(k) - MagicBits;
            float r = (float)(c - (float)(n * Ln2Hi));
            r = (float)(r - (float)(n * Ln2Lo));
            float p = (float)((float)(E6 * r) + E5);
            p = (float)((float)(p * r) + E4);
            p = (float)((float)(p * r) + E3);
            p = (float)((float)(p * r) + E2);
            float rr = (float)(r * r);
            p = (float)(rr * p);
            p = (float)(r + p);
            p = (float)(1f + p);
            int h = ni >> 1;
            float s1 = BitConverter.Int32BitsToSingle((h + 127) << 23);
            float s2 = BitConverter.Int32BitsToSingle((ni - h + 127) << 23);
            return (float)((float)(p * s1) * s2);
        }

        /// <summary>
        /// ln x, within 1 ulp, subnormal x included (0.840 ulp at most over all 2^32 inputs).
        /// <para>
        /// Method: x = 2^k·m with m in [√½, √2), read from the bits (a subnormal x is first converted exactly from its
        /// bit pattern as an integer, x·2^149, and k lowered by 149); f = m − 1 (exact), s = f/(2 + f), z = s²,
        /// R = z·(L1 + z·(L2 + z·L3)) (degree-3 minimax, see <see cref="L1"/>), and, as in the classic fdlibm scheme,
        /// ln x = k·Ln2Hi − ((f²/2 − (s·(f²/2 + R) + k·Ln2Lo)) − f).
        /// </para>
        /// <para>Special values: +∞ → +∞; ±0 → −∞; x &lt; 0 (−∞ too) → NaN; NaN → NaN; 1 → +0.</para>
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        public static float Log(float x)
        {
            int bits = BitConverter.SingleToInt32Bits(x);
            int ib = bits, kAdjust = 0;
            if (bits < 0x00800000) // subnormal (and ±0, negatives: replaced at the end)
            {
                ib = BitConverter.SingleToInt32Bits((float)bits);
                kAdjust = -149;
            }
            int ix = ib - SqrtHalfBits;
            int k = (ix >> 23) + kAdjust;
            float m = BitConverter.Int32BitsToSingle((ix & 0x007FFFFF) + SqrtHalfBits);
            float f = (float)(m - 1f);
            float s = (float)(f / (float)(2f + f));
            float z = (float)(s * s);
            float R = (float)((float)(L3 * z) + L2);
            R = (float)((float)(R * z) + L1);
            R = (float)(R * z);
            float hfsq = (float)((float)(0.5f * f) * f);
            float kf = (float)k;
            float y = (float)(hfsq + R);
            y = (float)(s * y);
            y = (float)(y + (float)(kf * Ln2Lo));
            y = (float)(hfsq - y);
            y = (float)(y - f);
            y = (float)((float)(kf * Ln2Hi) - y);
            y = bits >= 0x7F800000 ? x : y;           // +∞ → +∞, NaN (positive sign bit) → NaN
            y = bits < 0 ? float.NaN : y;             // negatives, −∞, NaN with the sign bit set
            y = (bits & 0x7FFFFFFF) == 0 ? float.NegativeInfinity : y; // ±0
            return y;
        }

        /// <summary>
        /// tanh x, within 1.5 ulp (1.332 ulp at most over all 2^32 inputs).
        /// <para>
        /// Method: on a = |x| (the sign is put back at the end, which keeps −0): for a &lt; 0.625 the odd polynomial
        /// a + (a·z)·P(z), z = a², P of degree 4 (minimax T1…T5); above, 1 − 2/(e^{2a} + 1) with 2a capped at 40 and e^{2a}
        /// computed as in <see cref="Exp(float)"/>; for a &lt; 2^−12, x itself (the correctly rounded result).
        /// </para>
        /// <para>Special values: NaN → NaN; ±∞ → ±1 (so is every |x| ≥ 9.01); ±0 → ±0; tanh is odd bit for bit.</para>
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        public static float Tanh(float x)
        {
            int bits = BitConverter.SingleToInt32Bits(x);
            float a = BitConverter.Int32BitsToSingle(bits & 0x7FFFFFFF);
            float y;
            if (a < TanhSmall)
            {
                float z = (float)(a * a);
                float q = (float)((float)(T5 * z) + T4);
                q = (float)((float)(q * z) + T3);
                q = (float)((float)(q * z) + T2);
                q = (float)((float)(q * z) + T1);
                float az = (float)(a * z);
                q = (float)(az * q);
                y = (float)(a + q);
            }
            else
            {
                float a2 = (float)(a + a);
                a2 = a2 < TanhCap ? a2 : TanhCap; // NaN → TanhCap; NaN is put back at the end
                float e = ExpCore(a2);
                float d = (float)(e + 1f);
                float q = (float)(2f / d);
                y = (float)(1f - q);
            }
            y = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(y) | (bits & unchecked((int)0x80000000)));
            return IsNaN(x) || a < TanhTiny ? x : y;
        }

        /// <summary>
        /// The logistic function 1/(1 + e^−x), within 2.5 ulp where the result is normal (2.402 ulp at most over all 2^32
        /// inputs, for x &lt; 0: the error of e^x, relative, carried into a result in a lower binade).
        /// <para>
        /// Method: e = e^−|x| (|x| capped at 88; computed as in <see cref="Exp(float)"/>, below 2^−126 flushed to 0), then
        /// one division: 1/(1 + e) for x ≥ 0, e/(1 + e) for x &lt; 0. Neither overflows.
        /// </para>
        /// <para>
        /// Special values: NaN → NaN; +∞ → 1 (so is every x ≥ 16.64); −∞ → +0, and so is every x &lt; ln 2^−126 ≈ −87.3365
        /// (results below 2^−126 flushed); ±0 → 0.5.
        /// </para>
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        public static float Sigmoid(float x)
        {
            int bits = BitConverter.SingleToInt32Bits(x);
            float m = BitConverter.Int32BitsToSingle(bits | unchecked((int)0x80000000)); // −|x|
            m = m > ExpLow ? m : ExpLow; // NaN → ExpLow; NaN is put back at the end
            float e = ExpCore(m);
            e = e < MinNormal ? 0f : e;
            float num = x < 0f ? e : 1f;
            float d = (float)(1f + e);
            float y = (float)(num / d);
            return IsNaN(x) ? x : y;
        }

        /// <summary>x ≠ x, written so that no compiler warns about the self-comparison.</summary>
        [MethodImpl(KernelHints.Inline)]
        private static bool IsNaN(float x)
        {
            float y = x;
            return x != y;
        }

        /// <summary>x[i] = e^x[i] (<see cref="Exp(float)"/>): eight at a time on the <see cref="KernelPath.Vector256"/>
        /// path, the same bits on every path.</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void Exp(Span<float> x)
        {
            int i = 0;
#if NET8_0_OR_GREATER
            if (KernelDispatch.Active == KernelPath.Vector256) i = DeterministicMath256.Exp(x);
#endif
            for (; i < x.Length; i++) x[i] = Exp(x[i]);
        }

        /// <summary>x[i] = tanh x[i] (<see cref="Tanh(float)"/>): eight at a time on the <see cref="KernelPath.Vector256"/>
        /// path, the same bits on every path.</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void Tanh(Span<float> x)
        {
            int i = 0;
#if NET8_0_OR_GREATER
            if (KernelDispatch.Active == KernelPath.Vector256) i = DeterministicMath256.Tanh(x);
#endif
            for (; i < x.Length; i++) x[i] = Tanh(x[i]);
        }

        /// <summary>x[i] = 1/(1 + e^−x[i]) (<see cref="Sigmoid(float)"/>): eight at a time on the
        /// <see cref="KernelPath.Vector256"/> path, the same bits on every path.</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void Sigmoid(Span<float> x)
        {
            int i = 0;
#if NET8_0_OR_GREATER
            if (KernelDispatch.Active == KernelPath.Vector256) i = DeterministicMath256.Sigmoid(x);
#endif
            for (; i < x.Length; i++) x[i] = Sigmoid(x[i]);
        }
    }
}
