using System;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Kernels;

namespace EmbeddedMlp.Layers
{
    /// <summary>Maps a layer's <see cref="Activation"/> onto the activation kernels: forward and backward side by side.</summary>
    internal static class ActivationFunction
    {
        /// <summary>The element-wise activation a forward product's epilogue applies; softmax (row-wise) runs after it.</summary>
        [MethodImpl(KernelHints.Inline)]
        public static FusedActivation Fused(Activation activation)
        {
            switch (activation)
            {
                case Activation.Identity:
                case Activation.Softmax: return FusedActivation.Identity;
                case Activation.Relu: return FusedActivation.Relu;
                case Activation.LeakyRelu: return FusedActivation.LeakyRelu;
                case Activation.Tanh: return FusedActivation.Tanh;
                case Activation.Sigmoid: return FusedActivation.Sigmoid;
                default: throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
            }
        }

        /// <summary>
        /// Backward through the activation, in place over a rows×cols block: given y = f(z) and d = ∂L/∂y, d becomes
        /// ∂L/∂z — element-wise d ⊙ f'(z) for the element-wise activations, the row-wise Jacobian product
        /// p ⊙ (d − (d·p)) for softmax.
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void Backward(Activation activation, ReadOnlySpan<float> y, Span<float> d, int rows, int cols)
        {
            int n = rows * cols;
            switch (activation)
            {
                case Activation.Identity: break;
                case Activation.Relu: ActivationKernels.ReluBackward(y.Slice(0, n), d.Slice(0, n)); break;
                case Activation.LeakyRelu: ActivationKernels.LeakyReluBackward(y.Slice(0, n), d.Slice(0, n)); break;
                case Activation.Tanh: ActivationKernels.TanhBackward(y.Slice(0, n), d.Slice(0, n)); break;
                case Activation.Sigmoid: ActivationKernels.SigmoidBackward(y.Slice(0, n), d.Slice(0, n)); break;
                case Activation.Softmax: Softmax.RowsBackward(y, d, rows, cols); break;
                default: throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
            }
        }
    }
}
