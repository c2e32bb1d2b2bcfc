using System;
using System.Runtime.CompilerServices;
using System.Numerics;

namespace EmbeddedMlp.Kernels
{
    /// <summary>
    /// What a forward product does to a finished block of C while it is still in L1: c = f(c + bias[j]).
    /// </summary>
    internal unsafe struct Epilogue
    {
        public float* Bias;          // [n] or null
        public FusedActivation Activation;

        [MethodImpl(KernelHints.Inline)]
        public static Epilogue Forward(float* bias, FusedActivation activation) =>
            new Epilogue { Bias = bias, Activation = activation };

        /// <summary>Applies the epilogue to the rows×cols block at c (row stride ldc) whose left column is C[·, col0].</summary>
        [MethodImpl(KernelHints.Optimize)]
        public void Apply(float* c, long ldc, int rows, int cols, int col0)
        {
            if (Bias == null && Activation == FusedActivation.Identity) return;
            float* bias = Bias == null ? null : Bias + col0;
            if (Activation == FusedActivation.Tanh || Activation == FusedActivation.Sigmoid)
            {
                for (int r = 0; r < rows; r++)
                {
                    float* cr = c + r * ldc;
                    if (bias != null) AddBias(cr, bias, cols);
                    if (Activation == FusedActivation.Tanh) ActivationKernels.Tanh(new Span<float>(cr, cols));
                    else ActivationKernels.Sigmoid(new Span<float>(cr, cols));
                }
                return;
            }
            // Identity, relu, leaky relu: one pass per row, inline. Relu keeps NaN (it compares false with 0).
            float slope = Activation == FusedActivation.Relu ? 0f : ActivationKernels.LeakySlope;
            bool rectify = Activation != FusedActivation.Identity, leaky = Activation == FusedActivation.LeakyRelu;
            int w = Vector<float>.Count, jv = KernelDispatch.UseVector ? cols - cols % w : 0;
            var vSlope = new Vector<float>(slope);
            for (int r = 0; r < rows; r++)
            {
                float* cr = c + r * ldc;
                int j = 0;
                for (; j < jv; j += w)
                {
                    var v = *(Vector<float>*)(cr + j);
                    if (bias != null) v += *(Vector<float>*)(bias + j);
                    if (rectify) v = Vector.ConditionalSelect(Vector.LessThanOrEqual(v, Vector<float>.Zero), leaky ? v * vSlope : Vector<float>.Zero, v);
                    *(Vector<float>*)(cr + j) = v;
                }
                for (; j < cols; j++)
                {
                    float v = cr[j];
                    if (bias != null) v = (float)(v + bias[j]); // casts: float rounding on every runtime (deterministic mode)
                    if (rectify && v <= 0f) v = leaky ? (float)(v * slope) : 0f;
                    cr[j] = v;
                }
            }
        }

        [MethodImpl(KernelHints.Optimize)]
        private static void AddBias(float* cr, float* bias, int cols)
        {
            int j = 0, w = Vector<float>.Count;
            if (KernelDispatch.UseVector)
                for (; j <= cols - w; j += w) *(Vector<float>*)(cr + j) += *(Vector<float>*)(bias + j);
            for (; j < cols; j++) cr[j] += bias[j];
        }
    }
}
