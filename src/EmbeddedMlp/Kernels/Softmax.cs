using System;
using System.Runtime.CompilerServices;

namespace EmbeddedMlp.Kernels
{
    /// <summary>
    /// Row-wise softmax, forward and backward side by side: the one softmax of the runtime (the output layer's forward,
    /// and through it every loss on probabilities). Numerically stable (the row's maximum is subtracted).
    /// </summary>
    internal static class Softmax
    {
        /// <summary>
        /// In place, each of <paramref name="rows"/> rows of width <paramref name="cols"/> becomes softmax(row):
        /// p_j = e^(x_j − max) / Σ_k e^(x_k − max), the sum in index order. A row containing NaN or +Inf yields NaN
        /// probabilities. The deterministic mode's exponential is <see cref="DeterministicMath.Exp(float)"/>.
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void Rows(Span<float> x, int rows, int cols)
        {
            Guard.Dimensions(rows, cols, 0);
            Guard.AtLeast(x.Length, (long)rows * cols, nameof(x), rows, cols);
            if (KernelDispatch.Deterministic)
            {
                RowsDeterministic(x, rows, cols);
                return;
            }
            for (int r = 0; r < rows; r++)
            {
                Span<float> row = x.Slice(r * cols, cols);
                float max = Max(row);
                float sum = 0f;
                for (int j = 0; j < row.Length; j++)
                {
                    float e = MathF.Exp(row[j] - max);
                    row[j] = e;
                    sum += e;
                }
                float inv = 1f / sum;
                for (int j = 0; j < row.Length; j++) row[j] *= inv;
            }
        }

        /// <summary>
        /// <see cref="Rows"/> in the deterministic mode: <see cref="DeterministicMath.Exp(float)"/>, and every operation
        /// cast to float (the same rounding on every runtime, even one that evaluates floats in double).
        /// </summary>
        [MethodImpl(KernelHints.Optimize | MethodImplOptions.NoInlining)]
        private static void RowsDeterministic(Span<float> x, int rows, int cols)
        {
            for (int r = 0; r < rows; r++)
            {
                Span<float> row = x.Slice(r * cols, cols);
                float max = Max(row);
                float sum = 0f;
                for (int j = 0; j < row.Length; j++)
                {
                    float e = DeterministicMath.Exp((float)(row[j] - max));
                    row[j] = e;
                    sum = (float)(sum + e);
                }
                float inv = (float)(1f / sum);
                for (int j = 0; j < row.Length; j++) row[j] = (float)(row[j] * inv);
            }
        }

        /// <summary>The row's maximum, NaN if the row holds one (comparisons only: the same in both modes).</summary>
        [MethodImpl(KernelHints.Inline)]
        private static float Max(Span<float> row)
        {
            float max = float.NegativeInfinity;
            for (int j = 0; j < row.Length; j++) if (row[j] > max || float.IsNaN(row[j])) max = row[j];
            return max;
        }

        /// <summary>
        /// Backward through the softmax Jacobian, in place: given p = softmax(z) and d = ∂L/∂p, each row becomes
        /// ∂L/∂z_j = p_j·(d_j − Σ_k d_k·p_k) (the dot product summed in double, in index order).
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void RowsBackward(ReadOnlySpan<float> p, Span<float> d, int rows, int cols)
        {
            Guard.Dimensions(rows, cols, 0);
            Guard.AtLeast(p.Length, (long)rows * cols, nameof(p), rows, cols);
            Guard.AtLeast(d.Length, (long)rows * cols, nameof(d), rows, cols);
            Span<float> probabilities = SpanAccess.View(p);
            for (int r = 0; r < rows; r++)
            {
                Span<float> pr = probabilities.Slice(r * cols, cols), dr = d.Slice(r * cols, cols);
                double dot = 0;
                for (int j = 0; j < cols; j++) dot += (double)dr[j] * pr[j];
                float s = (float)dot;
                for (int j = 0; j < cols; j++) dr[j] = (float)(pr[j] * (float)(dr[j] - s));
            }
        }
    }
}
