using System;

namespace EmbeddedMlp
{
    /// <summary>Draws initial weights (He or Glorot, uniform or normal) from the runtime's own PRNG.</summary>
    internal static class WeightInitializer
    {
        /// <summary>The scheme <see cref="WeightInit.Auto"/> resolves to for an activation.</summary>
        public static WeightInit Resolve(WeightInit init, Activation activation)
        {
            if (init != WeightInit.Auto) return init;
            return activation == Activation.Relu || activation == Activation.LeakyRelu ? WeightInit.HeUniform : WeightInit.GlorotUniform;
        }

        /// <summary>Standard deviation of the distribution a scheme draws from.</summary>
        public static double StandardDeviation(WeightInit scheme, Activation activation, int fanIn, int fanOut)
        {
            switch (scheme)
            {
                case WeightInit.HeUniform:
                case WeightInit.HeNormal:
                    // Kaiming, mode fan_in: gain² = 2 / (1 + a²), a = the negative slope (0 for relu).
                    double a = activation == Activation.LeakyRelu ? Kernels.ActivationKernels.LeakySlope : 0.0;
                    return Math.Sqrt(2.0 / (1.0 + a * a) / fanIn);
                case WeightInit.GlorotUniform:
                case WeightInit.GlorotNormal:
                    return Math.Sqrt(2.0 / (fanIn + fanOut));
                default:
                    throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "Unknown initialisation scheme.");
            }
        }

        /// <summary>Fills <paramref name="weights"/> ([fanOut, fanIn], row-major) in order, advancing <paramref name="rng"/>.</summary>
        public static void Fill(Span<float> weights, WeightInit init, Activation activation, int fanIn, int fanOut, ref Xoshiro128 rng)
        {
            WeightInit scheme = Resolve(init, activation);
            double std = StandardDeviation(scheme, activation, fanIn, fanOut);
            if (scheme == WeightInit.HeUniform || scheme == WeightInit.GlorotUniform)
            {
                double bound = Math.Sqrt(3.0) * std;
                for (int i = 0; i < weights.Length; i++)
                    weights[i] = (float)((2.0 * rng.NextDouble() - 1.0) * bound);
            }
            else
            {
                for (int i = 0; i < weights.Length; i++)
                    weights[i] = (float)(rng.NextGaussian() * std);
            }
        }
    }
}
