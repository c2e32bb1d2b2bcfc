namespace EmbeddedMlp
{
    /// <summary>How a layer's weights are drawn at construction. Biases always start at zero.</summary>
    public enum WeightInit
    {
        /// <summary>He uniform for relu/leaky_relu layers, Glorot uniform for every other activation.</summary>
        Auto = 0,
        /// <summary>Kaiming/He uniform: U(−b, b), b = gain·√(3 / fan_in), gain² = 2/(1+slope²).</summary>
        HeUniform = 1,
        /// <summary>Kaiming/He normal: N(0, gain² / fan_in).</summary>
        HeNormal = 2,
        /// <summary>Glorot/Xavier uniform: U(−b, b), b = √(6 / (fan_in + fan_out)).</summary>
        GlorotUniform = 3,
        /// <summary>Glorot/Xavier normal: N(0, 2 / (fan_in + fan_out)).</summary>
        GlorotNormal = 4,
    }
}
