using System;
using System.Text;

namespace EmbeddedMlp.Serialization
{
    /// <summary>The key and value strings of format v1 (see docs/format.md), as text and as UTF-8 to match keys without decoding.</summary>
    internal static class ModelFileKeys
    {
        public const string FormatName = "embedded-mlp";
        public const int Version = 1;

        public const string Format = "format", VersionKey = "version", Inputs = "inputs", Dtype = "dtype", Layers = "layers",
            Metadata = "metadata", Training = "training";
        public const string Units = "units", Activation = "activation", Weight = "weight", Bias = "bias";
        public const string Optimizer = "optimizer", Step = "step", LearningRate = "learning_rate",
            InitialLearningRate = "initial_learning_rate", Momentum = "momentum", Dampening = "dampening", Nesterov = "nesterov",
            WeightDecay = "weight_decay", Beta1 = "beta1", Beta2 = "beta2", Epsilon = "epsilon", ClipNorm = "clip_norm",
            MaxBatch = "max_batch", Rng = "rng", MomentumBuffer = "momentum_buffer", ExpAvg = "exp_avg", ExpAvgSq = "exp_avg_sq";

        /// <summary>Names of <see cref="Layer"/>'s keys, same order.</summary>
        public static readonly string[] LayerNames = { Units, Activation, Weight, Bias };

        /// <summary>Top-level keys, in writing order; the index is the bit of the "seen" mask.</summary>
        public static readonly byte[][] TopLevel = Utf8(Format, VersionKey, Inputs, Dtype, Layers, Metadata, Training);
        /// <summary>Keys of a layer map.</summary>
        public static readonly byte[][] Layer = Utf8(Units, Activation, Weight, Bias);
        /// <summary>Keys of the training map.</summary>
        public static readonly byte[][] TrainingMap = Utf8(Optimizer, Step, LearningRate, InitialLearningRate, Momentum, Dampening,
            Nesterov, WeightDecay, Beta1, Beta2, Epsilon, ClipNorm, MaxBatch, Rng, MomentumBuffer, ExpAvg, ExpAvgSq);

        public static readonly byte[] FormatNameUtf8 = Encoding.UTF8.GetBytes(FormatName);
        public static readonly byte[] F32 = Encoding.UTF8.GetBytes("f32"), F16 = Encoding.UTF8.GetBytes("f16");
        public static readonly byte[] Sgd = Encoding.UTF8.GetBytes("sgd"), Adam = Encoding.UTF8.GetBytes("adam"), AdamW = Encoding.UTF8.GetBytes("adamw");

        /// <summary>Index of <paramref name="key"/> in <paramref name="keys"/>, or −1.</summary>
        public static int IndexOf(byte[][] keys, ReadOnlySpan<byte> key)
        {
            for (int i = 0; i < keys.Length; i++)
                if (key.SequenceEqual(keys[i])) return i;
            return -1;
        }

        private static byte[][] Utf8(params string[] names)
        {
            var r = new byte[names.Length][];
            for (int i = 0; i < names.Length; i++) r[i] = Encoding.UTF8.GetBytes(names[i]);
            return r;
        }
    }
}
