using System;
using EmbeddedMlp.Kernels;

namespace EmbeddedMlp.Layers
{
    /// <summary>Maps a layer's <see cref="Activation"/> onto the activation kernels: forward and backward side by side.</summary>
    internal static class ActivationFunction
    {
        /// <summary>The element-wise activation a product's epilogue applies; softmax is row-wise and has none.</summary>
        public static FusedActivation Fused(Activation activation)
        {
            switch (activation)
            {
                case Activation.Identity: return FusedActivation.Identity;
                case Activation.Relu: return FusedActivation.Relu;
                case Activation.LeakyRelu: return FusedActivation.LeakyRelu;
                case Activation.Tanh: return FusedActivation.Tanh;
                case Activation.Sigmoid: return FusedActivation.Sigmoid;
                case Activation.Softmax:
                    throw new InvalidOperationException("activation: softmax is row-wise; it is not fused into a product and has no element-wise derivative.");
                default: throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
            }
        }

        /// <summary>y = f(z) in place over a rows×cols block.</summary>
        public static void Forward(Activation activation, Span<float> z, int rows, int cols)
        {
            Span<float> block = z.Slice(0, rows * cols);
            switch (activation)
            {
                case Activation.Identity: break;
                case Activation.Relu: ActivationKernels.Relu(block); break;
                case Activation.LeakyRelu: ActivationKernels.LeakyRelu(block); break;
                case Activation.Tanh: ActivationKernels.Tanh(block); break;
                case Activation.Sigmoid: ActivationKernels.Sigmoid(block); break;
                case Activation.Softmax: Softmax.Rows(block, rows, cols); break;
                default: throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
            }
        }

        /// <summary>
        /// d ⊙= f'(z), given y = f(z). Softmax has no element-wise derivative: its gradient is taken jointly with
        /// cross-entropy by the loss, so it is rejected here.
        /// </summary>
        public static void Backward(Activation activation, ReadOnlySpan<float> y, Span<float> d)
        {
            switch (activation)
            {
                case Activation.Identity: break;
                case Activation.Relu: ActivationKernels.ReluBackward(y, d); break;
                case Activation.LeakyRelu: ActivationKernels.LeakyReluBackward(y, d); break;
                case Activation.Tanh: ActivationKernels.TanhBackward(y, d); break;
                case Activation.Sigmoid: ActivationKernels.SigmoidBackward(y, d); break;
                default:
                    throw new InvalidOperationException($"activation: {activation} has no element-wise derivative; it is only valid on the last layer with cross-entropy.");
            }
        }
    }
}
