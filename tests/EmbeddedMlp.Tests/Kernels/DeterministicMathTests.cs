using System;
using System.Collections.Generic;
using EmbeddedMlp.Kernels;
using NUnit.Framework;
#if NET8_0_OR_GREATER
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
#endif

namespace EmbeddedMlp.Tests.Kernels
{
    /// <summary>
    /// <see cref="DeterministicMath"/> (the deterministic mode's exp, ln, tanh and sigmoid): accuracy against
    /// double-precision references over a sweep of every 512th float bit pattern and 2·10^6 seeded random inputs,
    /// special values and the overflow/underflow thresholds, bit-identity of <see cref="DeterministicMath256"/> with the
    /// scalar functions, and the span helpers giving the same bits on every kernel path and length.
    /// </summary>
    [TestFixture]
    public class DeterministicMathTests
    {
        // Documented bounds (ulps of the correctly rounded result, where it is a normal float). Measured over all 2^32
        // inputs: exp 0.976, ln 0.840, tanh 1.332, sigmoid 2.402.
        private const double ExpUlps = 1.0, LogUlps = 1.0, TanhUlps = 1.5, SigmoidUlps = 2.5;
        private const double MinNormal = 1.1754943508222875e-38; // 2^-126

        private sealed class Function
        {
            public Function(string name, Func<float, float> scalar, Func<double, double> reference, double ulps, float rangeLow, float rangeHigh)
            {
                Name = name; Scalar = scalar; Reference = reference; Ulps = ulps; RangeLow = rangeLow; RangeHigh = rangeHigh;
            }
            public string Name { get; }
            public Func<float, float> Scalar { get; }
            public Func<double, double> Reference { get; }
            public double Ulps { get; }
            /// <summary>Where the random inputs uniform in value are drawn (the interesting part of the domain).</summary>
            public float RangeLow { get; }
            public float RangeHigh { get; }
        }

        private static double SigmoidReference(double x) => 1.0 / (1.0 + Math.Exp(-x));

        private static Function Get(string name)
        {
            switch (name)
            {
                case "Exp": return new Function(name, DeterministicMath.Exp, Math.Exp, ExpUlps, -104f, 89f);
                case "Log": return new Function(name, DeterministicMath.Log, Math.Log, LogUlps, 0f, 4f);
                case "Tanh": return new Function(name, DeterministicMath.Tanh, Math.Tanh, TanhUlps, -10f, 10f);
                default: return new Function(name, DeterministicMath.Sigmoid, SigmoidReference, SigmoidUlps, -90f, 20f);
            }
        }

        private static readonly string[] Names = { "Exp", "Log", "Tanh", "Sigmoid" };

        private static float Bits(int bits) => BitConverter.Int32BitsToSingle(bits);
        private static int Bits(float x) => BitConverter.SingleToInt32Bits(x);
        private static float Next(float x) => Bits(Bits(x) + 1); // one ulp away from 0 (finite x ≠ −0)
        private static float Previous(float x) => Bits(Bits(x) - 1); // one ulp towards 0 (x ≠ ±0)

        /// <summary>The float ulp at the binade of the (normal-range) double <paramref name="r"/>.</summary>
        private static double Ulp(double r)
        {
            int exponent = (int)((BitConverter.DoubleToInt64Bits(r) >> 52) & 0x7FF) - 1023;
            return BitConverter.Int64BitsToDouble((long)(exponent - 23 + 1023) << 52);
        }

        /// <summary>
        /// Error of <paramref name="y"/> in ulps of the reference <paramref name="r"/>; +∞ for a result of the wrong kind.
        /// NaN must give NaN, an overflowing reference the same infinity, a reference below 2^−126 a result within
        /// 2^−126 of it (flushed to 0, or exact).
        /// </summary>
        private static double UlpError(float y, double r)
        {
            if (double.IsNaN(r)) return float.IsNaN(y) ? 0 : double.PositiveInfinity;
            float rounded = (float)r;
            if (float.IsInfinity(rounded)) return y == rounded ? 0 : double.PositiveInfinity;
            if (float.IsNaN(y) || float.IsInfinity(y)) return double.PositiveInfinity;
            if (Math.Abs(r) < MinNormal) return Math.Abs(y - r) <= MinNormal ? 0 : double.PositiveInfinity;
            return Math.Abs(y - r) / Ulp(r);
        }

        private struct Worst
        {
            public double Ulps;
            public float At;
            public void Add(Function f, float x)
            {
                double e = UlpError(f.Scalar(x), f.Reference(x));
                if (!(e <= Ulps)) { Ulps = e; At = x; }
            }
            public string Describe(Function f) =>
                $"{f.Name}({At:R}) = {f.Scalar(At):R}, reference {f.Reference(At):R}: {Ulps:F3} ulp (bound {f.Ulps})";
        }

        [TestCase("Exp")]
        [TestCase("Log")]
        [TestCase("Tanh")]
        [TestCase("Sigmoid")]
        public void AccuracyOverEvery512thBitPattern(string name)
        {
            Function f = Get(name);
            var worst = new Worst();
            // Every 512th bit pattern, its low 9 bits varied too (8.4 million inputs, both signs, every exponent).
            for (long b = 0; b < 1L << 32; b += 512)
            {
                float x = Bits((int)(uint)(b | ((b >> 9) & 511)));
                if (!float.IsNaN(x)) worst.Add(f, x);
            }
            TestContext.Out.WriteLine(worst.Describe(f));
            Assert.That(worst.Ulps, Is.LessThanOrEqualTo(f.Ulps), worst.Describe(f));
        }

        [TestCase("Exp")]
        [TestCase("Log")]
        [TestCase("Tanh")]
        [TestCase("Sigmoid")]
        public void AccuracyOnRandomInputs(string name)
        {
            Function f = Get(name);
            var rng = new Random(20240611);
            var worst = new Worst();
            for (int i = 0; i < 1000000; i++)
            {
                float x = Bits(rng.Next() ^ (rng.Next() << 1)); // every exponent alike
                if (!float.IsNaN(x)) worst.Add(f, x);
                worst.Add(f, (float)(f.RangeLow + (f.RangeHigh - f.RangeLow) * rng.NextDouble())); // uniform in value
            }
            TestContext.Out.WriteLine(worst.Describe(f));
            Assert.That(worst.Ulps, Is.LessThanOrEqualTo(f.Ulps), worst.Describe(f));
        }

        [Test]
        public void SignificantBoundariesAreWithinBounds()
        {
            // The switch points of each method, a float either side: tanh's polynomial/exponential and tiny cut-offs,
            // exp's reduction boundaries (n changes at odd multiples of ln2/2), ln's mantissa split at √½.
            float[] points = { 0.625f, 2.44140625e-4f, 0.34657359f, 1.03972077f, 10.0f, 0.70710677f, 1.41421354f, 0.5f, 2f, 1f, 9.01f, 16.6f, 40f, 20f, 44f };
            foreach (string name in Names)
            {
                Function f = Get(name);
                var worst = new Worst();
                foreach (float p in points)
                    for (int d = -3; d <= 3; d++)
                    {
                        worst.Add(f, Bits(Bits(p) + d));
                        worst.Add(f, -Bits(Bits(p) + d));
                    }
                Assert.That(worst.Ulps, Is.LessThanOrEqualTo(f.Ulps), worst.Describe(f));
            }
        }

        private static void AssertBits(float actual, float expected, string what)
        {
            if (float.IsNaN(expected)) Assert.That(float.IsNaN(actual), Is.True, $"{what}: expected NaN, found {actual:R}");
            else Assert.That(Bits(actual), Is.EqualTo(Bits(expected)), $"{what}: expected {expected:R}, found {actual:R}");
        }

        private static void AssertWithin(Function f, float x)
        {
            double e = UlpError(f.Scalar(x), f.Reference(x));
            Assert.That(e, Is.LessThanOrEqualTo(f.Ulps), $"{f.Name}({x:R}) = {f.Scalar(x):R}, reference {f.Reference(x):R}");
        }

        private const float Nan = float.NaN, Inf = float.PositiveInfinity, NegInf = float.NegativeInfinity;
        private static readonly float NegativeNan = Bits(unchecked((int)0xFFC00001));
        private const float LargestSubnormal = 1.17549421e-38f;

        [Test]
        public void ExpSpecialValues()
        {
            Func<float, float> exp = DeterministicMath.Exp;
            AssertBits(exp(Nan), Nan, "exp(NaN)");
            AssertBits(exp(NegativeNan), Nan, "exp(-NaN)");
            AssertBits(exp(Inf), Inf, "exp(+inf)");
            AssertBits(exp(NegInf), 0f, "exp(-inf)");
            AssertBits(exp(0f), 1f, "exp(+0)");
            AssertBits(exp(-0f), 1f, "exp(-0)");
            AssertBits(exp(float.Epsilon), 1f, "exp(+subnormal)");
            AssertBits(exp(-LargestSubnormal), 1f, "exp(-subnormal)");
            AssertBits(exp(float.MaxValue), Inf, "exp(max)");
            AssertBits(exp(-float.MaxValue), 0f, "exp(-max)");
            // Overflow: e^88.72283 < FLT_MAX < e^88.72284 (ln FLT_MAX = 88.7228391…).
            const float lastFinite = 88.72283f;
            Assert.That(Math.Exp(lastFinite), Is.LessThan(float.MaxValue));
            Assert.That((float)Math.Exp(Next(lastFinite)), Is.EqualTo(Inf));
            AssertWithin(Get("Exp"), lastFinite);
            AssertWithin(Get("Exp"), Previous(lastFinite));
            AssertBits(exp(Next(lastFinite)), Inf, "exp just above ln FLT_MAX");
            AssertBits(exp(Next(Next(lastFinite))), Inf, "exp(88.72284 + 1 ulp)");
            // Underflow: e^−87.33654 ≥ 2^−126 > e^−87.33655 (ln 2^−126 = −87.3365448…): normal, then flushed to +0.
            const float lastNormal = -87.33654f;
            Assert.That(Math.Exp(lastNormal), Is.GreaterThanOrEqualTo(MinNormal));
            Assert.That(Math.Exp(Next(lastNormal)), Is.LessThan(MinNormal));
            AssertWithin(Get("Exp"), lastNormal);
            AssertWithin(Get("Exp"), Previous(lastNormal));
            Assert.That(exp(lastNormal), Is.GreaterThanOrEqualTo((float)MinNormal));
            AssertBits(exp(Next(lastNormal)), 0f, "exp just below ln 2^-126 (flushed)");
            AssertBits(exp(-100f), 0f, "exp(-100) (subnormal result, flushed)");
            AssertBits(exp(-88f), 0f, "exp(-88) (the clamp)");
            AssertBits(exp(-88.5f), 0f, "exp(-88.5)");
            AssertBits(exp(88.8f), Inf, "exp(88.8) (the clamp)");
            AssertBits(exp(89f), Inf, "exp(89)");
            AssertWithin(Get("Exp"), 1f);
            AssertWithin(Get("Exp"), -1f);
        }

        [Test]
        public void LogSpecialValues()
        {
            Func<float, float> log = DeterministicMath.Log;
            Function f = Get("Log");
            AssertBits(log(Nan), Nan, "ln(NaN)");
            AssertBits(log(NegativeNan), Nan, "ln(-NaN)");
            AssertBits(log(Inf), Inf, "ln(+inf)");
            AssertBits(log(NegInf), Nan, "ln(-inf)");
            AssertBits(log(0f), NegInf, "ln(+0)");
            AssertBits(log(-0f), NegInf, "ln(-0)");
            AssertBits(log(-1f), Nan, "ln(-1)");
            AssertBits(log(-float.Epsilon), Nan, "ln(-subnormal)");
            AssertBits(log(-float.MaxValue), Nan, "ln(-max)");
            AssertBits(log(1f), 0f, "ln(1) = +0");
            // Subnormal inputs are computed, not flushed: ln 2^−149 = −103.2789…
            foreach (float x in new[] { float.Epsilon, 2 * float.Epsilon, 3 * float.Epsilon, 1e-40f, LargestSubnormal, (float)MinNormal, Next((float)MinNormal), float.MaxValue, Previous(float.MaxValue), Previous(1f), Next(1f), 2f, 0.5f })
                AssertWithin(f, x);
            Assert.That(log(float.Epsilon), Is.EqualTo(-103.27893f).Within(1e-5f));
        }

        [Test]
        public void TanhSpecialValues()
        {
            Func<float, float> tanh = DeterministicMath.Tanh;
            AssertBits(tanh(Nan), Nan, "tanh(NaN)");
            AssertBits(tanh(NegativeNan), Nan, "tanh(-NaN)");
            AssertBits(tanh(Inf), 1f, "tanh(+inf)");
            AssertBits(tanh(NegInf), -1f, "tanh(-inf)");
            AssertBits(tanh(0f), 0f, "tanh(+0)");
            AssertBits(tanh(-0f), -0f, "tanh(-0) keeps the sign");
            AssertBits(tanh(float.Epsilon), float.Epsilon, "tanh(+subnormal)");
            AssertBits(tanh(-LargestSubnormal), -LargestSubnormal, "tanh(-subnormal)");
            AssertBits(tanh(float.MaxValue), 1f, "tanh(max)");
            AssertBits(tanh(-float.MaxValue), -1f, "tanh(-max)");
            AssertBits(tanh(20f), 1f, "tanh(20)");
            AssertBits(tanh(-20f), -1f, "tanh(-20)");
            AssertBits(tanh(1e-5f), 1e-5f, "tanh(1e-5) rounds to its argument");
            // Saturation: the first float whose tanh rounds to 1, and the one before.
            AssertWithin(Get("Tanh"), 9.010913f);
            AssertWithin(Get("Tanh"), 9.010914f);
            // Odd, bit for bit.
            var rng = new Random(3);
            for (int i = 0; i < 100000; i++)
            {
                float x = Bits(rng.Next() & 0x7FFFFFFF);
                AssertBits(tanh(-x), -tanh(x), $"tanh(-{x:R})");
            }
        }

        [Test]
        public void SigmoidSpecialValues()
        {
            Func<float, float> sigmoid = DeterministicMath.Sigmoid;
            AssertBits(sigmoid(Nan), Nan, "sigmoid(NaN)");
            AssertBits(sigmoid(NegativeNan), Nan, "sigmoid(-NaN)");
            AssertBits(sigmoid(Inf), 1f, "sigmoid(+inf)");
            AssertBits(sigmoid(NegInf), 0f, "sigmoid(-inf)");
            AssertBits(sigmoid(0f), 0.5f, "sigmoid(+0)");
            AssertBits(sigmoid(-0f), 0.5f, "sigmoid(-0)");
            AssertBits(sigmoid(float.Epsilon), 0.5f, "sigmoid(+subnormal)");
            AssertBits(sigmoid(-float.Epsilon), 0.5f, "sigmoid(-subnormal)");
            AssertBits(sigmoid(float.MaxValue), 1f, "sigmoid(max)");
            AssertBits(sigmoid(-float.MaxValue), 0f, "sigmoid(-max)");
            AssertBits(sigmoid(100f), 1f, "sigmoid(100)");
            // Underflow as exp's: σ(−87.33654) ≥ 2^−126, σ(−87.33655) flushed to +0.
            const float lastNormal = -87.33654f;
            AssertWithin(Get("Sigmoid"), lastNormal);
            AssertWithin(Get("Sigmoid"), Previous(lastNormal));
            Assert.That(sigmoid(lastNormal), Is.GreaterThanOrEqualTo((float)MinNormal));
            AssertBits(sigmoid(Next(lastNormal)), 0f, "sigmoid just below ln 2^-126 (flushed)");
            AssertBits(sigmoid(-88f), 0f, "sigmoid(-88)");
            AssertBits(sigmoid(-100f), 0f, "sigmoid(-100)");
            // Saturation at 1 and the float before.
            AssertWithin(Get("Sigmoid"), 16.635532f);
            AssertWithin(Get("Sigmoid"), 16.63553f);
        }

        /// <summary>Special values and thresholds, for the bit-identity and span tests.</summary>
        private static readonly float[] Specials =
        {
            Nan, NegativeNan, Inf, NegInf, 0f, -0f, float.Epsilon, -float.Epsilon, LargestSubnormal, -LargestSubnormal,
            (float)MinNormal, -(float)MinNormal, float.MaxValue, -float.MaxValue, 1f, -1f, 0.5f, 2f,
            88.72283f, 88.72284f, 88.8f, 89f, -87.33654f, -87.33655f, -88f, -88.5f, -103.97f, -104f,
            0.625f, -0.625f, 0.62499994f, 0.62500006f, 2.44140625e-4f, 2.4414062e-4f, 9.010914f, 20f, 40f, 16.635532f,
            0.70710677f, 0.70710671f, 1.41421354f, 1.4142137f, 12582912f, -12582912f, 4194304f, Bits(0x7F800001), Bits(0x7FFFFFFF),
        };

        private static float[] Inputs(int seed, int count)
        {
            var rng = new Random(seed);
            var x = new float[count];
            for (int i = 0; i < count; i++)
            {
                if (i < Specials.Length) { x[i] = Specials[i]; continue; }
                switch (i % 3)
                {
                    case 0: x[i] = Bits(rng.Next() ^ (rng.Next() << 1)); break; // every exponent alike
                    case 1: x[i] = (float)(rng.NextDouble() * 240 - 120); break; // the working range of exp/sigmoid
                    default: x[i] = (float)(rng.NextDouble() * 24 - 12); break; // tanh/sigmoid's curved part
                }
            }
            return x;
        }

        private static bool SameBits(float a, float b) => Bits(a) == Bits(b) || (float.IsNaN(a) && float.IsNaN(b));

        [TestCase("Exp")]
        [TestCase("Log")]
        [TestCase("Tanh")]
        [TestCase("Sigmoid")]
        public void Vector256EqualsScalarBitForBit(string name)
        {
#if NET8_0_OR_GREATER
            if (!Avx2.IsSupported) Assert.Ignore("AVX2 is not supported on this CPU.");
            Func<float, float> scalar = Get(name).Scalar;
            Func<Vector256<float>, Vector256<float>> vector;
            switch (name)
            {
                case "Exp": vector = DeterministicMath256.Exp; break;
                case "Log": vector = DeterministicMath256.Log; break;
                case "Tanh": vector = DeterministicMath256.Tanh; break;
                default: vector = DeterministicMath256.Sigmoid; break;
            }
            float[] x = Inputs(17, 1 << 20);
            // The specials again, each in every lane position.
            var all = new List<float>(x);
            for (int shift = 1; shift < 8; shift++)
            {
                all.AddRange(new float[shift]);
                all.AddRange(Specials);
            }
            while (all.Count % 8 != 0) all.Add(0f);
            x = all.ToArray();
            var y = new float[8];
            int mismatches = 0;
            string first = "";
            for (int i = 0; i < x.Length; i += 8)
            {
                vector(Vector256.Create(x, i)).CopyTo(y);
                for (int j = 0; j < 8; j++)
                {
                    float expected = scalar(x[i + j]);
                    if (!SameBits(y[j], expected) && mismatches++ == 0)
                        first = $"{name}({x[i + j]:R} = 0x{Bits(x[i + j]):X8}): vector 0x{Bits(y[j]):X8}, scalar 0x{Bits(expected):X8}";
                }
            }
            Assert.That(mismatches, Is.EqualTo(0), first);
#else
            Assert.Ignore("Vector256 is not available in this build.");
#endif
        }

        private static void ApplySpan(string name, Span<float> x)
        {
            switch (name)
            {
                case "Exp": DeterministicMath.Exp(x); break;
                case "Tanh": DeterministicMath.Tanh(x); break;
                default: DeterministicMath.Sigmoid(x); break;
            }
        }

        [TestCase("Exp")]
        [TestCase("Tanh")]
        [TestCase("Sigmoid")]
        public void SpanHelpersGiveTheScalarBitsOnEveryPathAndLength(string name)
        {
            Func<float, float> scalar = Get(name).Scalar;
            float[] source = Inputs(29, 4096);
            // Every fifth input a special value, so that they land in whole vectors, in tails and in every lane.
            for (int i = 0; i * 5 < source.Length; i++) source[i * 5] = Specials[i % Specials.Length];
            KernelPath previous = KernelDispatch.Active;
            try
            {
                foreach (KernelPath path in (KernelPath[])Enum.GetValues(typeof(KernelPath)))
                {
                    if (!KernelDispatch.IsSupported(path)) continue;
                    KernelDispatch.Active = path;
                    int start = 0;
                    for (int n = 0; n <= 40; n++)
                        for (int offset = 0; offset < 3; offset++, start = (start + 37) % (source.Length - 48))
                        {
                            // The span sits at an odd offset inside a larger buffer: nothing outside it may change.
                            float[] buffer = new float[n + 4];
                            Array.Copy(source, start, buffer, 0, buffer.Length);
                            float[] before = (float[])buffer.Clone();
                            ApplySpan(name, buffer.AsSpan(offset + 1, n));
                            for (int i = 0; i < buffer.Length; i++)
                            {
                                bool inside = i > offset && i <= offset + n;
                                float expected = inside ? scalar(before[i]) : before[i];
                                Assert.That(SameBits(buffer[i], expected), Is.True,
                                    $"{path}, n={n}, offset={offset}, i={i}: {name}({before[i]:R}) = 0x{Bits(buffer[i]):X8}, expected 0x{Bits(expected):X8}");
                            }
                        }
                }
            }
            finally
            {
                KernelDispatch.Active = previous;
            }
        }
    }
}
