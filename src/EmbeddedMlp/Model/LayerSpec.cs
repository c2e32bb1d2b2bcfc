using System;

namespace EmbeddedMlp
{
    /// <summary>Description of one dense layer: <c>units</c> outputs, an activation, an optional bias.</summary>
    public readonly struct LayerSpec : IEquatable<LayerSpec>
    {
        /// <summary>Creates a layer description.</summary>
        /// <param name="units">Output width, at least 1.</param>
        /// <param name="activation">Activation applied after the affine map.</param>
        /// <param name="bias">Whether the layer has a bias vector.</param>
        /// <param name="init">Weight initialisation scheme.</param>
        public LayerSpec(int units, Activation activation, bool bias = true, WeightInit init = WeightInit.Auto)
        {
            if (units < 1)
                throw new ArgumentOutOfRangeException(nameof(units), units, $"units: expected at least 1, found {units}.");
            if ((uint)activation > (uint)Activation.Softmax)
                throw new ArgumentOutOfRangeException(nameof(activation), activation, $"activation: expected a defined Activation value, found {(int)activation}.");
            if ((uint)init > (uint)WeightInit.GlorotNormal)
                throw new ArgumentOutOfRangeException(nameof(init), init, $"init: expected a defined WeightInit value, found {(int)init}.");
            Units = units;
            Activation = activation;
            HasBias = bias;
            Init = init;
        }

        /// <summary>Output width.</summary>
        public int Units { get; }
        /// <summary>Activation after the affine map.</summary>
        public Activation Activation { get; }
        /// <summary>Whether the layer has a bias.</summary>
        public bool HasBias { get; }
        /// <summary>Weight initialisation scheme.</summary>
        public WeightInit Init { get; }

        /// <inheritdoc />
        public bool Equals(LayerSpec other) =>
            Units == other.Units && Activation == other.Activation && HasBias == other.HasBias && Init == other.Init;

        /// <inheritdoc />
        public override bool Equals(object? obj) => obj is LayerSpec other && Equals(other);

        /// <inheritdoc />
        public override int GetHashCode() => ((Units * 31 + (int)Activation) * 31 + (HasBias ? 1 : 0)) * 31 + (int)Init;

        /// <inheritdoc />
        public override string ToString() => $"{Units}:{Activation.ToName()}{(HasBias ? "" : " (no bias)")}";
    }
}
