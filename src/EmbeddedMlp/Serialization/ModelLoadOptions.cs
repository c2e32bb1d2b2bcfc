using System;

namespace EmbeddedMlp.Serialization
{
    /// <summary>
    /// Limits and switches of a load. The defaults are safe for files from untrusted sources (players' mods): raise
    /// a limit only for files you trust. Every limit is checked before the memory it guards is allocated.
    /// </summary>
    public sealed class ModelLoadOptions
    {
        /// <summary>The defaults, shared (do not mutate: build your own instance to change a limit).</summary>
        internal static readonly ModelLoadOptions Default = new ModelLoadOptions();

        private long _maxFileBytes = 256L * 1024 * 1024;
        private int _maxLayers = 256;
        private int _maxUnitsPerLayer = 65536;
        private long _maxParameters = 64L * 1024 * 1024;
        private int _maxDepth = 32;
        private int _maxTrainerBatch = 4096;

        /// <summary>Largest accepted file, in bytes. Default 256 MiB.</summary>
        public long MaxFileBytes { get => _maxFileBytes; set => _maxFileBytes = Positive(value, nameof(MaxFileBytes)); }

        /// <summary>Most layers accepted. Default 256.</summary>
        public int MaxLayers { get => _maxLayers; set => _maxLayers = (int)Positive(value, nameof(MaxLayers)); }

        /// <summary>Widest layer (and input width) accepted. Default 65,536.</summary>
        public int MaxUnitsPerLayer { get => _maxUnitsPerLayer; set => _maxUnitsPerLayer = (int)Positive(value, nameof(MaxUnitsPerLayer)); }

        /// <summary>Most parameters (weights and biases of all layers) accepted. Default 64 Mi (256 MiB as f32).</summary>
        public long MaxParameters
        {
            get => _maxParameters;
            set => _maxParameters = Positive(Math.Min(value, int.MaxValue - 64L), nameof(MaxParameters));
        }

        /// <summary>Deepest nesting of arrays and maps accepted (in ignored unknown values too). Default 32, at most 1024 (the reader recurses once per level).</summary>
        public int MaxDepth
        {
            get => _maxDepth;
            set
            {
                if (value < 1 || value > 1024)
                    throw new ArgumentOutOfRangeException(nameof(MaxDepth), value, $"MaxDepth: expected 1..1024, found {value}.");
                _maxDepth = value;
            }
        }

        /// <summary>Largest <c>training.max_batch</c> a checkpoint may ask the trainer to allocate for. Default 4096.</summary>
        public int MaxTrainerBatch { get => _maxTrainerBatch; set => _maxTrainerBatch = (int)Positive(value, nameof(MaxTrainerBatch)); }

        /// <summary>Accept NaN and ±∞ in weights, biases and optimizer moments. Default false: they are rejected.</summary>
        public bool AllowNonFinite { get; set; }

        private static long Positive(long value, string name)
        {
            if (value < 1)
                throw new ArgumentOutOfRangeException(name, value, $"{name}: expected at least 1, found {value}.");
            return value;
        }
    }
}
