using System;
using EmbeddedMlp.Kernels;

namespace EmbeddedMlp.Training
{
    /// <summary>
    /// Loss values and their gradients with respect to the last layer's pre-activation z, with PyTorch's reductions.
    /// Optional per-sample weights w_i (empty = all ones) scale each sample's term: loss = (1/N)·Σ_i w_i·ℓ_i, i.e.
    /// <c>(w * loss_fn(..., reduction='none')).mean()</c> — the form policy-gradient and advantage weighting use.
    /// </summary>
    internal static class Losses
    {
        /// <summary>
        /// Softmax cross-entropy with class-index targets: ℓ_i = logsumexp(z_i) − z_i[y_i]. Overwrites
        /// <paramref name="logits"/> with the probabilities and writes dz = w_i·(p − onehot(y_i)) / N.
        /// </summary>
        public static double SoftmaxCrossEntropy(Span<float> logits, int rows, int cols, ReadOnlySpan<int> classTargets,
            ReadOnlySpan<float> sampleWeights, Span<float> dz)
        {
            Span<int> classes = SpanAccess.View(classTargets);
            Span<float> weights = SpanAccess.View(sampleWeights);
            double total = 0;
            float invN = 1f / rows;
            for (int r = 0; r < rows; r++)
            {
                Span<float> z = logits.Slice(r * cols, cols);
                Span<float> d = dz.Slice(r * cols, cols);
                int y = classes[r];
                float zy = z[y];
                double lse = SoftmaxRow(z);
                float w = weights.IsEmpty ? 1f : weights[r];
                total += w * (lse - zy);
                float scale = w * invN;
                for (int j = 0; j < cols; j++) d[j] = z[j] * scale;
                d[y] -= scale;
            }
            return total / rows;
        }

        /// <summary>
        /// Softmax cross-entropy with probability-row targets: ℓ_i = −Σ_j y_ij·log softmax(z_i)_j. Overwrites
        /// <paramref name="logits"/> with the probabilities and writes dz = w_i·(p·Σ_j y_ij − y_i) / N
        /// (= w_i·(p − y_i)/N for rows that sum to 1, as PyTorch computes).
        /// </summary>
        public static double SoftmaxCrossEntropy(Span<float> logits, int rows, int cols, ReadOnlySpan<float> targetRows,
            ReadOnlySpan<float> sampleWeights, Span<float> dz)
        {
            Span<float> targets = SpanAccess.View(targetRows), weights = SpanAccess.View(sampleWeights);
            double total = 0;
            float invN = 1f / rows;
            for (int r = 0; r < rows; r++)
            {
                Span<float> z = logits.Slice(r * cols, cols);
                Span<float> d = dz.Slice(r * cols, cols);
                Span<float> t = targets.Slice(r * cols, cols);
                // log softmax_j = z_j − lse: take it from the logits before they are overwritten.
                double lse = LogSumExp(z), loss = 0, mass = 0;
                for (int j = 0; j < cols; j++)
                {
                    if (t[j] != 0f) loss -= t[j] * (z[j] - lse);
                    mass += t[j];
                }
                SoftmaxRow(z);
                float w = weights.IsEmpty ? 1f : weights[r];
                total += w * loss;
                float scale = w * invN, m = (float)mass;
                for (int j = 0; j < cols; j++) d[j] = (z[j] * m - t[j]) * scale;
            }
            return total / rows;
        }

        /// <summary>
        /// Mean squared error over all elements (<c>nn.MSELoss()</c>): loss = Σ_i w_i·Σ_j (y_ij − t_ij)² / (N·C);
        /// writes ∂loss/∂y = 2·w_i·(y − t) / (N·C). The caller applies the activation derivative.
        /// </summary>
        public static double MeanSquaredError(Span<float> outputs, ReadOnlySpan<float> targetRows, ReadOnlySpan<float> sampleWeights,
            int rows, int cols, Span<float> dy)
        {
            Span<float> targets = SpanAccess.View(targetRows), weights = SpanAccess.View(sampleWeights);
            double total = 0;
            float scale2 = 2f / ((float)rows * cols);
            for (int r = 0; r < rows; r++)
            {
                float w = weights.IsEmpty ? 1f : weights[r];
                double rowSum = 0;
                int o = r * cols;
                float s = w * scale2;
                for (int j = 0; j < cols; j++)
                {
                    float e = outputs[o + j] - targets[o + j];
                    rowSum += (double)e * e;
                    dy[o + j] = s * e;
                }
                total += w * rowSum;
            }
            return total / ((double)rows * cols);
        }

        /// <summary>Overwrites z with softmax(z); returns logsumexp(z) computed before.</summary>
        private static double SoftmaxRow(Span<float> z)
        {
            float max = Max(z);
            float sum = 0f;
            for (int j = 0; j < z.Length; j++)
            {
                float e = MathF.Exp(z[j] - max);
                z[j] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (int j = 0; j < z.Length; j++) z[j] *= inv;
            return max + Math.Log(sum);
        }

        private static double LogSumExp(Span<float> z)
        {
            float max = Max(z);
            double sum = 0;
            for (int j = 0; j < z.Length; j++) sum += Math.Exp(z[j] - max);
            return max + Math.Log(sum);
        }

        private static float Max(Span<float> z)
        {
            float max = float.NegativeInfinity;
            for (int j = 0; j < z.Length; j++) if (z[j] > max || float.IsNaN(z[j])) max = z[j];
            return max;
        }
    }
}
