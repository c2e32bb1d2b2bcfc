using System;

namespace EmbeddedMlp.Onnx
{
    /// <summary>
    /// Limits of an ONNX import. The defaults are safe for files from untrusted sources (players' mods): raise a limit
    /// only for files you trust. Every limit is checked before the memory it guards is allocated.
    /// </summary>
    public sealed class OnnxImportOptions
    {
        /// <summary>The defaults, shared (do not mutate: build your own instance to change a limit).</summary>
        internal static readonly OnnxImportOptions Default = new OnnxImportOptions();

        private long _maxBytes = 256L * 1024 * 1024;
        private int _maxLayers = 256;
        private int _maxUnits = 65536;
        private long _maxParameters = 64L * 1024 * 1024;
        private int _maxElements = 262144;

        /// <summary>Largest accepted file, in bytes. Default 256 MiB; at most 2 GiB − 1 (one array).</summary>
        public long MaxBytes { get => _maxBytes; set => _maxBytes = Positive(Math.Min(value, int.MaxValue), nameof(MaxBytes)); }

        /// <summary>Most Linear layers accepted. Default 256.</summary>
        public int MaxLayers { get => _maxLayers; set => _maxLayers = (int)Positive(value, nameof(MaxLayers)); }

        /// <summary>Widest layer (and input width) accepted; also bounds every dimension of a weight or bias. Default 65,536.</summary>
        public int MaxUnits { get => _maxUnits; set => _maxUnits = (int)Positive(value, nameof(MaxUnits)); }

        /// <summary>Most parameters (weights and biases of all layers) accepted. Default 64 Mi (256 MiB as f32).</summary>
        public long MaxParameters
        {
            get => _maxParameters;
            set => _maxParameters = Positive(Math.Min(value, int.MaxValue - 64L), nameof(MaxParameters));
        }

        /// <summary>
        /// Most protobuf elements the file may hold before it is parsed: messages (nodes, tensors, attributes, …),
        /// strings, byte strings and integer values of repeated fields, counted over the whole file. Float tensor data
        /// (<c>raw_data</c>, <c>float_data</c>) does not count: it costs no more memory than its bytes. This bounds the
        /// objects a small file could make the parser create. Default 262,144 (a 256-layer MLP needs about 10,000).
        /// </summary>
        public int MaxElements { get => _maxElements; set => _maxElements = (int)Positive(value, nameof(MaxElements)); }

        /// <summary>Accept NaN and ±∞ in weights and biases. Default false: they are rejected.</summary>
        public bool AllowNonFinite { get; set; }

        private static long Positive(long value, string name)
        {
            if (value < 1)
                throw new ArgumentOutOfRangeException(name, value, $"{name}: expected at least 1, found {value}.");
            return value;
        }
    }
}
