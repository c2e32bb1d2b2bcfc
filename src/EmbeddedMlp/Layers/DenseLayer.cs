using System;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Kernels;

namespace EmbeddedMlp.Layers
{
    /// <summary>
    /// One dense layer, forward and backward side by side; the layer owns its activation in both directions. Shapes
    /// (rows = samples): x [rows, fanIn], W [units, fanIn], b [units], z = x·Wᵀ + b and y = f(z) [rows, units].
    /// </summary>
    internal static class DenseLayer
    {
        /// <summary>
        /// y = f(x·Wᵀ + b): one product with the bias and an element-wise activation fused into its epilogue; softmax
        /// runs row-wise on the finished product.
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void Forward(in LayerLayout layer, ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, Span<float> y, int rows)
        {
            int units = layer.Units, fanIn = layer.FanIn;
            ReadOnlySpan<float> w = parameters.Slice(layer.WeightOffset, layer.WeightCount);
            ReadOnlySpan<float> b = layer.HasBias ? parameters.Slice(layer.BiasOffset, units) : ReadOnlySpan<float>.Empty;
            Gemm.NT(x, w, y, rows, units, fanIn, false, b, ActivationFunction.Fused(layer.Activation));
            if (layer.Activation == Activation.Softmax) Softmax.Rows(y, rows, units);
        }

        /// <summary>
        /// Given <paramref name="dy"/> = ∂L/∂y [rows, units] and the forward pass's x and y: turns dy into
        /// dz = ∂L/∂z in place (through the activation, unless <paramref name="dyIsPreActivation"/>: a loss that
        /// already gave ∂L/∂z, such as softmax cross-entropy's p − y), then adds (or with <paramref name="accumulate"/>
        /// false, writes) ∇W = dzᵀ·x and ∇b = Σ_rows dz into <paramref name="gradients"/> and, unless
        /// <paramref name="dx"/> is empty, writes dx = ∂L/∂x = dz·W [rows, fanIn].
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void Backward(in LayerLayout layer, ReadOnlySpan<float> parameters, Span<float> gradients,
            ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> dy, Span<float> dx, int rows, bool accumulate, bool dyIsPreActivation)
        {
            int units = layer.Units, fanIn = layer.FanIn;
            if (!dyIsPreActivation) ActivationFunction.Backward(layer.Activation, y, dy, rows, units);
            ReadOnlySpan<float> dz = dy.Slice(0, rows * units);
            Gemm.TN(dz, x, gradients.Slice(layer.WeightOffset, layer.WeightCount), units, fanIn, rows, accumulate);
            if (layer.HasBias)
                Reductions.SumColumns(dz, rows, units, gradients.Slice(layer.BiasOffset, units), accumulate);
            if (!dx.IsEmpty)
                Gemm.NN(dz, parameters.Slice(layer.WeightOffset, layer.WeightCount), dx, rows, fanIn, units, accumulate: false);
        }
    }
}
