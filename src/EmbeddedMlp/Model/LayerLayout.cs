namespace EmbeddedMlp
{
    /// <summary>Where one dense layer lives in the parameter arena, and its shape.</summary>
    public readonly struct LayerLayout
    {
        internal LayerLayout(int fanIn, int units, Activation activation, int weightOffset, int biasOffset)
        {
            FanIn = fanIn;
            Units = units;
            Activation = activation;
            WeightOffset = weightOffset;
            BiasOffset = biasOffset;
        }

        /// <summary>Input width of the layer.</summary>
        public int FanIn { get; }
        /// <summary>Output width of the layer.</summary>
        public int Units { get; }
        /// <summary>Activation after the affine map.</summary>
        public Activation Activation { get; }
        /// <summary>Offset of W ([Units, FanIn], row-major) in the arena.</summary>
        public int WeightOffset { get; }
        /// <summary>Offset of b ([Units]) in the arena, or −1 when the layer has no bias.</summary>
        public int BiasOffset { get; }
        /// <summary>Whether the layer has a bias.</summary>
        public bool HasBias => BiasOffset >= 0;
        /// <summary>Number of weights, Units × FanIn.</summary>
        public int WeightCount => Units * FanIn;
        /// <summary>Number of parameters of the layer (weights and bias).</summary>
        public int ParameterCount => WeightCount + (HasBias ? Units : 0);
    }
}
