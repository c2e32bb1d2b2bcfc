using System;
using EmbeddedMlp;

namespace EmbeddedMlp.Tests
{
    /// <summary>Seeded test data (System.Random with a fixed seed is enough here: the runtime's PRNG is not under test).</summary>
    internal static class TestData
    {
        public static float[] Uniform(Random rng, int count, double lo = -1, double hi = 1)
        {
            var a = new float[count];
            for (int i = 0; i < count; i++) a[i] = (float)(lo + (hi - lo) * rng.NextDouble());
            return a;
        }

        public static double[] ToDouble(ReadOnlySpan<float> a)
        {
            var d = new double[a.Length];
            for (int i = 0; i < a.Length; i++) d[i] = a[i];
            return d;
        }

        /// <summary>Gives every bias a random value (they start at zero) so that bias paths are exercised.</summary>
        public static void RandomizeBiases(Mlp model, Random rng)
        {
            for (int l = 0; l < model.LayerCount; l++)
            {
                Span<float> b = model.GetBias(l);
                for (int i = 0; i < b.Length; i++) b[i] = (float)(rng.NextDouble() - 0.5);
            }
        }

        /// <summary>The classic three-arm spiral (Karpathy's cs231n set), seeded: points [n·3, 2], labels [n·3].</summary>
        public static void Spiral(int perClass, int classes, int seed, out float[] x, out int[] y)
        {
            var rng = new Random(seed);
            x = new float[perClass * classes * 2];
            y = new int[perClass * classes];
            for (int c = 0; c < classes; c++)
                for (int i = 0; i < perClass; i++)
                {
                    double r = (double)i / perClass;
                    double t = c * 4.0 + 4.0 * i / perClass + rng.NextDouble() * 0.2;
                    int k = c * perClass + i;
                    x[2 * k] = (float)(r * Math.Sin(t));
                    x[2 * k + 1] = (float)(r * Math.Cos(t));
                    y[k] = c;
                }
        }
    }
}
