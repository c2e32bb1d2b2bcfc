using System;
using EmbeddedMlp.Kernels;

namespace EmbeddedMlp.Layers
{
    /// <summary>
    /// One dense layer, forward and backward side by side. Shapes (rows = samples):
    /// x [rows, fanIn], W [units, fanIn], b [units], y [rows, units].
    /// </summary>
    internal static class DenseLayer
    {
        /// <summary>y = f(x·Wᵀ + b): one product with bias and element-wise activation fused into its epilogue.</summary>
        public static void Forward(in LayerLayout layer, ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, Span<float> y, int rows)
        {
            int units = layer.Units, fanIn = layer.FanIn;
            ReadOnlySpan<float> w = parameters.Slice(layer.WeightOffset, layer.WeightCount);
            ReadOnlySpan<float> b = layer.HasBias ? parameters.Slice(layer.BiasOffset, units) : ReadOnlySpan<float>.Empty;
            if (layer.Activation == Activation.Softmax)
            {
                Gemm.NT(x, w, y, rows, units, fanIn, false, b, FusedActivation.Identity);
                Softmax.Rows(y, rows, units);
            }
            else
            {
                Gemm.NT(x, w, y, rows, units, fanIn, false, b, ActivationFunction.Fused(layer.Activation));
            }
        }

        /// <summary>
        /// Given dz = ∂L/∂z [rows, units] (the activation's derivative already applied), writes
        /// ∇W = dzᵀ·x, ∇b = Σ_rows dz and, unless <paramref name="dx"/> is empty (first layer),
        /// dx = (dz·W) ⊙ f'(z_prev), where x = f(z_prev) is the previous layer's output and
        /// <paramref name="inputActivation"/> its activation (fused into the product's epilogue).
        /// </summary>
        public static void Backward(in LayerLayout layer, ReadOnlySpan<float> parameters, Span<float> gradients,
            ReadOnlySpan<float> x, ReadOnlySpan<float> dz, Span<float> dx, int rows, Activation inputActivation)
        {
            int units = layer.Units, fanIn = layer.FanIn;
            Gemm.TN(dz, x, gradients.Slice(layer.WeightOffset, layer.WeightCount), units, fanIn, rows, accumulate: false);
            if (layer.HasBias)
                Reductions.SumColumns(dz, rows, units, gradients.Slice(layer.BiasOffset, units), accumulate: false);
            if (!dx.IsEmpty)
                Gemm.NN(dz, parameters.Slice(layer.WeightOffset, layer.WeightCount), dx, rows, fanIn, units, accumulate: false,
                    x, ActivationFunction.Fused(inputActivation));
        }
    }
}
