using System;
using EmbeddedMlp.Kernels;
using EmbeddedMlp.Training;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Kernels
{
    /// <summary>
    /// The vectorised optimizer loops give bit-identical results to the scalar loops (same operations per element,
    /// no fused multiply-add), and the vectorised sum of squares matches a double reference.
    /// </summary>
    [TestFixture]
    public class VectorizedUpdateTests
    {
        private static OptimizerSettings[] Settings() => new[]
        {
            OptimizerSettings.Adam(1e-3f),
            OptimizerSettings.Adam(3e-3f, weightDecay: 0.1f),
            OptimizerSettings.AdamW(1e-3f, weightDecay: 0.05f),
            OptimizerSettings.Sgd(0.1f),
            OptimizerSettings.Sgd(0.1f, momentum: 0.9f, weightDecay: 0.01f),
            OptimizerSettings.Sgd(0.05f, momentum: 0.8f, nesterov: true),
        };

        private static float[] Run(OptimizerSettings settings, KernelPath path)
        {
            const int n = 1037; // not a multiple of any vector width
            var rng = new Random(21);
            float[] p = KernelTestSupport.Random(rng, n);
            var opt = Optimizer.Create(settings, n);
            using (new KernelTestSupport.PathScope(path))
                for (int step = 0; step < 5; step++)
                {
                    float[] g = KernelTestSupport.Random(rng, n);
                    opt.Update(p, g, settings.LearningRate);
                }
            return p;
        }

        [Test]
        public void VectorUpdatesEqualScalarUpdatesBitForBit()
        {
            foreach (OptimizerSettings s in Settings())
            {
                float[] scalar = Run(s, KernelPath.Scalar);
                foreach (KernelPath path in KernelTestSupport.SupportedPaths())
                    Assert.That(Run(s, path), Is.EqualTo(scalar).AsCollection, $"{s.Kind} on {path}");
            }
        }

        [Test]
        public void SumOfSquaresMatchesDoubleReference()
        {
            var rng = new Random(4);
            foreach (int n in new[] { 0, 1, 7, 15, 16, 17, 1000, 4099 })
            {
                float[] x = KernelTestSupport.Random(rng, n);
                if (n > 3) x[2] = 3e30f; // would overflow in float
                double expected = 0;
                foreach (float v in x) expected += (double)v * v;
                foreach (KernelPath path in KernelTestSupport.SupportedPaths())
                    using (new KernelTestSupport.PathScope(path))
                        Assert.That(Reductions.SumOfSquares(x), Is.EqualTo(expected).Within(1e-12).Percent, $"n={n} {path}");
            }
        }
    }
}
