#if NET8_0_OR_GREATER
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EmbeddedMlp.Kernels
{
    /// <summary>
    /// AVX2 + FMA tanh and sigmoid, eight floats at a time, within a few ulp of the correctly rounded result. Written
    /// here rather than taken from <c>TensorPrimitives</c> because these methods are compiled fully optimised at first
    /// call: a library's generic vector helpers go through tiered compilation, and their tier-up in the first second
    /// of a game showed up as p99 frame spikes (3–4 ms against 1 ms with every method optimised up front, measured with
    /// the ShippedWeights sample). Special values: NaN stays NaN, ±∞ give ±1 (tanh) and 1 / 0 (sigmoid), −0 stays −0.
    /// </summary>
    internal static unsafe class TranscendentalKernels256
    {
        // e^r on |r| ≤ ln2/2: 1 + r + r²·(c2 + r·(c3 + r·(c4 + r·(c5 + r·(c6 + r·c7))))) — the Taylor coefficients
        // 1/k! adjusted for the interval (the classic single-precision minimax set, rel. error < 2^-24 on the interval).
        private const float C2 = 5.0000001201e-1f, C3 = 1.6666665459e-1f, C4 = 4.1665795894e-2f,
            C5 = 8.3334519073e-3f, C6 = 1.3981999507e-3f, C7 = 1.9875691500e-4f;
        private const float Log2E = 1.44269504089f;
        private const float Ln2Hi = 0.693359375f, Ln2Lo = -2.12194440e-4f; // ln 2 split so that n·Ln2Hi is exact

        // tanh(x) = x + x³·P(x²) on |x| < 0.625 (odd minimax polynomial, single precision).
        private const float T1 = -3.33332819422e-1f, T2 = 1.33314422036e-1f, T3 = -5.37397155531e-2f,
            T4 = 2.06390887954e-2f, T5 = -5.70498872745e-3f;

        /// <summary>e^y for −87 ≤ y ≤ 88 (no overflow or subnormal handling: callers clamp).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> Exp(Vector256<float> y)
        {
            Vector256<float> n = Avx.RoundToNearestInteger(Avx.Multiply(y, Vector256.Create(Log2E)));
            Vector256<float> r = Fma.MultiplyAddNegated(n, Vector256.Create(Ln2Hi), y);
            r = Fma.MultiplyAddNegated(n, Vector256.Create(Ln2Lo), r);
            Vector256<float> p = Fma.MultiplyAdd(Vector256.Create(C7), r, Vector256.Create(C6));
            p = Fma.MultiplyAdd(p, r, Vector256.Create(C5));
            p = Fma.MultiplyAdd(p, r, Vector256.Create(C4));
            p = Fma.MultiplyAdd(p, r, Vector256.Create(C3));
            p = Fma.MultiplyAdd(p, r, Vector256.Create(C2));
            p = Fma.MultiplyAdd(p, Avx.Multiply(r, r), Avx.Add(r, Vector256.Create(1f)));
            // × 2^n by adding n to the exponent field.
            Vector256<int> scale = Avx2.ShiftLeftLogical(Avx2.Add(Avx.ConvertToVector256Int32(n), Vector256.Create(127)), 23);
            return Avx.Multiply(p, scale.AsSingle());
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> Tanh(Vector256<float> x)
        {
            // On a = |x|, the sign put back at the end (tanh is odd; this also keeps −0).
            Vector256<float> sign = Avx.And(x, Vector256.Create(-0f));
            Vector256<float> a = Avx.AndNot(Vector256.Create(-0f), x);
            // Large a: 1 − 2/(e^{2a} + 1), 2a capped at 40 (the result is exactly 1 in float well before that).
            Vector256<float> e = Exp(Avx.Min(Avx.Add(a, a), Vector256.Create(40f)));
            Vector256<float> large = Avx.Subtract(Vector256.Create(1f), Avx.Divide(Vector256.Create(2f), Avx.Add(e, Vector256.Create(1f))));
            // Small a: the odd polynomial a + a³·P(a²).
            Vector256<float> z = Avx.Multiply(a, a);
            Vector256<float> q = Fma.MultiplyAdd(Vector256.Create(T5), z, Vector256.Create(T4));
            q = Fma.MultiplyAdd(q, z, Vector256.Create(T3));
            q = Fma.MultiplyAdd(q, z, Vector256.Create(T2));
            q = Fma.MultiplyAdd(q, z, Vector256.Create(T1));
            Vector256<float> small = Fma.MultiplyAdd(Avx.Multiply(a, z), q, a);
            Vector256<float> result = Avx.BlendVariable(large, small, Avx.Compare(a, Vector256.Create(0.625f), FloatComparisonMode.OrderedLessThanNonSignaling));
            result = Avx.Or(result, sign);
            // NaN in, NaN out (Min above would have replaced it by 40).
            return Avx.BlendVariable(result, x, Avx.Compare(x, x, FloatComparisonMode.UnorderedNonSignaling));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> Sigmoid(Vector256<float> x)
        {
            // e = e^{−|x|} (|x| capped at 87: below e^{−87} the result is flushed to 0 for x < −87, as FTZ would).
            Vector256<float> a = Avx.AndNot(Vector256.Create(-0f), x);
            Vector256<float> e = Exp(Avx.Subtract(Vector256<float>.Zero, Avx.Min(a, Vector256.Create(87f))));
            Vector256<float> inv = Avx.Divide(Vector256.Create(1f), Avx.Add(Vector256.Create(1f), e));
            // x ≥ 0: 1/(1 + e^{−x}); x < 0: e^{x}/(1 + e^{x}) = e·inv.
            Vector256<float> negative = Avx.Compare(x, Vector256<float>.Zero, FloatComparisonMode.OrderedLessThanNonSignaling);
            Vector256<float> result = Avx.BlendVariable(inv, Avx.Multiply(e, inv), negative);
            result = Avx.AndNot(Avx.Compare(x, Vector256.Create(-87f), FloatComparisonMode.OrderedLessThanNonSignaling), result);
            return Avx.BlendVariable(result, x, Avx.Compare(x, x, FloatComparisonMode.UnorderedNonSignaling));
        }

        /// <summary>x[i] = tanh(x[i]) for i &lt; n.</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void Tanh(float* x, int n) => Apply<TanhOperator>(x, n);

        /// <summary>x[i] = 1 / (1 + e^−x[i]) for i &lt; n.</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void Sigmoid(float* x, int n) => Apply<SigmoidOperator>(x, n);

        private interface IVectorOperator
        {
            Vector256<float> Invoke(Vector256<float> x);
        }

        private readonly struct TanhOperator : IVectorOperator
        {
            public Vector256<float> Invoke(Vector256<float> x) => Tanh(x);
        }

        private readonly struct SigmoidOperator : IVectorOperator
        {
            public Vector256<float> Invoke(Vector256<float> x) => Sigmoid(x);
        }

        /// <summary>x[i] = op(x[i]) for i &lt; n, eight at a time; the last partial vector through a scratch copy.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Apply<TOperator>(float* x, int n) where TOperator : struct, IVectorOperator
        {
            TOperator op = default;
            int i = 0;
            for (; i <= n - 8; i += 8) Avx.Store(x + i, op.Invoke(Avx.LoadVector256(x + i)));
            if (i < n)
            {
                float* tail = stackalloc float[8];
                for (int j = 0; j < 8; j++) tail[j] = i + j < n ? x[i + j] : 0f;
                Avx.Store(tail, op.Invoke(Avx.LoadVector256(tail)));
                for (int j = 0; i + j < n; j++) x[i + j] = tail[j];
            }
        }
    }
}
#endif
