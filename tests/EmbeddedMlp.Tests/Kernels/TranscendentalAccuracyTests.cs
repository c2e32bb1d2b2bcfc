using System;
using System.Collections.Generic;
using EmbeddedMlp.Kernels;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Kernels
{
    /// <summary>
    /// tanh and sigmoid on every kernel path against double-precision references (<c>Math.Tanh</c>, 1/(1+e^−x)):
    /// a dense sweep of [−30, 30], the polynomial/exponential switch of tanh at 0.625, special values, and every
    /// length 0..17 (the vector kernels' partial last vector).
    /// </summary>
    [TestFixture]
    public class TranscendentalAccuracyTests
    {
        private const double UlpsAllowed = 4;

        public static IEnumerable<TestCaseData> Paths()
        {
            foreach (KernelPath path in KernelTestSupport.SupportedPaths())
                yield return new TestCaseData(path).SetName($"Transcendentals_{path}");
        }

        private static float[] Inputs()
        {
            var x = new List<float>();
            for (double v = -30; v <= 30; v += 1.0 / 4096) x.Add((float)v); // 245,761 points
            float[] specials =
            {
                0f, -0f, float.Epsilon, -float.Epsilon, 1e-30f, -1e-30f, 1e-8f, -3e-5f, 0.624999f, 0.625f, 0.6250001f,
                -0.625f, 9.0f, 9.02f, -9.02f, 20f, 45f, -87f, -87.5f, -88f, -104f, 88f, 89f, float.MaxValue, -float.MaxValue,
            };
            x.AddRange(specials);
            return x.ToArray();
        }

        /// <summary>Within <see cref="UlpsAllowed"/> float ulps of the reference (absolute 2^−126 allowed where the reference is subnormal).</summary>
        private static string? Check(string what, float[] input, float[] actual, Func<double, double> reference)
        {
            for (int i = 0; i < input.Length; i++)
            {
                double r = reference(input[i]);
                float a = actual[i];
                const double MinNormal = 1.1754943508222875e-38; // 2^-126
                double ulp = Math.Max(Math.Abs(r), MinNormal) * Math.Pow(2, -23);
                double allowed = Math.Abs(r) < MinNormal ? MinNormal : UlpsAllowed * ulp;
                if (Math.Abs(a - r) > allowed)
                    return $"{what}({input[i]:R}) = {a:R}, expected {r:R} (error {Math.Abs(a - r) / ulp:F1} ulp)";
            }
            return null;
        }

        private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

        [TestCaseSource(nameof(Paths))]
        public void TanhAndSigmoidMatchDoubleReference(KernelPath path)
        {
            float[] x = Inputs();
            using (new KernelTestSupport.PathScope(path))
            {
                float[] t = (float[])x.Clone();
                ActivationKernels.Tanh(t);
                Assert.That(Check("tanh", x, t, Math.Tanh), Is.Null);
                float[] s = (float[])x.Clone();
                ActivationKernels.Sigmoid(s);
                Assert.That(Check("sigmoid", x, s, Sigmoid), Is.Null);
            }
        }

        [TestCaseSource(nameof(Paths))]
        public void SpecialValues(KernelPath path)
        {
            float[] x = { float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 0f };
            using (new KernelTestSupport.PathScope(path))
            {
                float[] t = (float[])x.Clone();
                ActivationKernels.Tanh(t);
                Assert.That(float.IsNaN(t[0]), Is.True, "tanh(NaN)");
                Assert.That(t[1], Is.EqualTo(1f), "tanh(+inf)");
                Assert.That(t[2], Is.EqualTo(-1f), "tanh(-inf)");
                Assert.That(BitConverter.SingleToInt32Bits(t[3]), Is.EqualTo(BitConverter.SingleToInt32Bits(-0f)), "tanh(-0) keeps the sign");
                Assert.That(BitConverter.SingleToInt32Bits(t[4]), Is.EqualTo(0), "tanh(+0)");
                float[] s = (float[])x.Clone();
                ActivationKernels.Sigmoid(s);
                Assert.That(float.IsNaN(s[0]), Is.True, "sigmoid(NaN)");
                Assert.That(s[1], Is.EqualTo(1f), "sigmoid(+inf)");
                Assert.That(s[2], Is.EqualTo(0f), "sigmoid(-inf)");
                Assert.That(s[3], Is.EqualTo(0.5f), "sigmoid(-0)");
            }
        }

        [TestCaseSource(nameof(Paths))]
        public void EveryLengthUpTo17TouchesOnlyItsElements(KernelPath path)
        {
            var rng = new Random(5);
            using (new KernelTestSupport.PathScope(path))
            {
                for (int n = 0; n <= 17; n++)
                {
                    float[] buffer = new float[n + 2];
                    for (int i = 0; i < buffer.Length; i++) buffer[i] = (float)(rng.NextDouble() * 8 - 4);
                    float[] before = (float[])buffer.Clone();
                    ActivationKernels.Tanh(buffer.AsSpan(1, n));
                    Assert.That(buffer[0], Is.EqualTo(before[0]), $"n={n}: element before the span");
                    Assert.That(buffer[n + 1], Is.EqualTo(before[n + 1]), $"n={n}: element after the span");
                    for (int i = 1; i <= n; i++)
                        Assert.That(buffer[i], Is.EqualTo(Math.Tanh(before[i])).Within(4e-7 * Math.Max(1e-30, Math.Abs(Math.Tanh(before[i])))), $"n={n}, i={i}");
                }
            }
        }
    }
}
