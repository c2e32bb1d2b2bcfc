using System;
using System.Globalization;

namespace EmbeddedMlp.Benchmarks
{
    /// <summary>The four benchmark MLPs ("in-hidden…-out", relu hidden, softmax output) and their training batch.</summary>
    public static class ModelShapes
    {
        public const string Tiny = "32-64-64-4", Small = "64-128-128-8", Mnist = "784-256-128-10", Large = "1024-1024-1024-10";

        public static int[] Widths(string model) => Array.ConvertAll(model.Split('-'), s => int.Parse(s, CultureInfo.InvariantCulture));

        public static int TrainBatch(string model)
        {
            switch (model)
            {
                case Tiny: return 32;
                case Small: return 64;
                case Mnist: return 128;
                case Large: return 256;
                default: throw new ArgumentException($"model: unknown benchmark model {model}.", nameof(model));
            }
        }

        /// <summary>Multiply-adds of one row through the forward pass.</summary>
        public static double ForwardMacs(string model)
        {
            int[] w = Widths(model);
            double macs = 0;
            for (int l = 1; l < w.Length; l++) macs += (double)w[l - 1] * w[l];
            return macs;
        }

        public static Mlp Build(string model)
        {
            int[] w = Widths(model);
            var layers = new LayerSpec[w.Length - 1];
            for (int l = 1; l < w.Length; l++)
                layers[l - 1] = new LayerSpec(w[l], l == w.Length - 1 ? Activation.Softmax : Activation.Relu);
            return new Mlp(w[0], layers, 42);
        }
    }
}
