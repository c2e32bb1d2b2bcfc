using System;
using System.Numerics;

namespace EmbeddedMlp.Kernels
{
    /// <summary>
    /// What a matrix product does to a finished block of C while it is still in L1: forward c = f(c + bias[j]),
    /// or input-gradient c ⊙= f'(z) given y = f(z) (same shape as C, row stride <see cref="Ldy"/>).
    /// </summary>
    internal unsafe struct Epilogue
    {
        public float* Bias;          // [n] or null
        public float* Y;             // derivative only: [m, n] with row stride Ldy, or null
        public long Ldy;
        public FusedActivation Activation;

        public bool IsNone => Bias == null && (Activation == FusedActivation.Identity);

        public static Epilogue Forward(float* bias, FusedActivation activation) =>
            new Epilogue { Bias = bias, Activation = activation };

        public static Epilogue Derivative(float* y, long ldy, FusedActivation activation) =>
            new Epilogue { Y = activation == FusedActivation.Identity ? null : y, Ldy = ldy, Activation = activation };

        /// <summary>Applies the epilogue to the rows×cols block at c (row stride ldc) whose top-left is C[row0, col0].</summary>
        public void Apply(float* c, long ldc, int rows, int cols, int row0, int col0)
        {
            if (Y != null) { ApplyDerivative(c, ldc, rows, cols, Y + row0 * Ldy + col0); return; }
            if (Bias == null && Activation == FusedActivation.Identity) return;
            float* bias = Bias == null ? null : Bias + col0;
            bool vector = KernelDispatch.UseVector;
            int w = Vector<float>.Count;
            for (int r = 0; r < rows; r++)
            {
                float* cr = c + r * ldc;
                if (bias != null)
                {
                    int j = 0;
                    if (vector)
                        for (; j <= cols - w; j += w) *(Vector<float>*)(cr + j) += *(Vector<float>*)(bias + j);
                    for (; j < cols; j++) cr[j] += bias[j];
                }
                switch (Activation)
                {
                    case FusedActivation.Identity: break;
                    case FusedActivation.Relu: ActivationKernels.Relu(new Span<float>(cr, cols)); break;
                    case FusedActivation.LeakyRelu: ActivationKernels.LeakyRelu(new Span<float>(cr, cols)); break;
                    case FusedActivation.Tanh: ActivationKernels.Tanh(new Span<float>(cr, cols)); break;
                    case FusedActivation.Sigmoid: ActivationKernels.Sigmoid(new Span<float>(cr, cols)); break;
                }
            }
        }

        private void ApplyDerivative(float* c, long ldc, int rows, int cols, float* y)
        {
            for (int r = 0; r < rows; r++)
            {
                var d = new Span<float>(c + r * ldc, cols);
                var yr = new ReadOnlySpan<float>(y + r * Ldy, cols);
                switch (Activation)
                {
                    case FusedActivation.Relu: ActivationKernels.ReluBackward(yr, d); break;
                    case FusedActivation.LeakyRelu: ActivationKernels.LeakyReluBackward(yr, d); break;
                    case FusedActivation.Tanh: ActivationKernels.TanhBackward(yr, d); break;
                    case FusedActivation.Sigmoid: ActivationKernels.SigmoidBackward(yr, d); break;
                }
            }
        }
    }
}
