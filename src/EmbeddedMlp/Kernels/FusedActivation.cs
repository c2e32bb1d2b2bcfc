namespace EmbeddedMlp.Kernels
{
    /// <summary>
    /// An element-wise function a matrix product applies to its output block while it is hot in L1 (its epilogue).
    /// Forward products apply f after adding the bias; input-gradient products multiply by f'(z) given y = f(z).
    /// </summary>
    public enum FusedActivation
    {
        /// <summary>f(z) = z; f' = 1.</summary>
        Identity = 0,
        /// <summary>f(z) = max(0, z) (NaN kept); f'(z) = [y &gt; 0].</summary>
        Relu = 1,
        /// <summary>f(z) = z &gt; 0 ? z : 0.01·z; f'(z) = y &gt; 0 ? 1 : 0.01.</summary>
        LeakyRelu = 2,
        /// <summary>f(z) = tanh z; f'(z) = 1 − y².</summary>
        Tanh = 3,
        /// <summary>f(z) = 1 / (1 + e^−z); f'(z) = y(1 − y).</summary>
        Sigmoid = 4,
    }
}
