namespace EmbeddedMlp.Kernels
{
    /// <summary>
    /// An element-wise function a forward product applies to its output block while it is hot in L1 (its epilogue),
    /// after adding the bias. The backward passes are <see cref="ActivationKernels"/>' <c>…Backward</c> methods.
    /// </summary>
    internal enum FusedActivation
    {
        /// <summary>f(z) = z.</summary>
        Identity = 0,
        /// <summary>f(z) = max(0, z) (NaN kept).</summary>
        Relu = 1,
        /// <summary>f(z) = z &gt; 0 ? z : 0.01·z.</summary>
        LeakyRelu = 2,
        /// <summary>f(z) = tanh z.</summary>
        Tanh = 3,
        /// <summary>f(z) = 1 / (1 + e^−z).</summary>
        Sigmoid = 4,
    }
}
