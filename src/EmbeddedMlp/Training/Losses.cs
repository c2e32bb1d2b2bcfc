using System;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Kernels;

namespace EmbeddedMlp.Training
{
    /// <summary>
    /// Supervised losses as span functions: each returns the loss (PyTorch's <c>loss.item()</c>, summed in double) and
    /// writes the gradient of exactly that loss for <see cref="Trainer.Backward"/> or
    /// <see cref="Trainer.BackwardFromLogits"/>. Rows are samples, row-major. Optional per-sample weights w_i (empty =
    /// all ones) scale each sample's term, loss = (1/N)·Σ_i w_i·ℓ_i — <c>(w * loss_fn(..., reduction='none')).mean()</c>.
    /// Nothing is allocated; every length is checked, and a mismatch throws an <see cref="ArgumentException"/> naming the
    /// argument, what was expected and what was found. The math of each is in docs/backprop.md.
    /// </summary>
    public static class Losses
    {
        /// <summary>
        /// Softmax cross-entropy with class-index targets (<c>nn.CrossEntropyLoss</c>), from the probabilities a softmax
        /// last layer outputs: ℓ_i = −ln p_i[y_i] (p clamped below at the smallest positive float, so ℓ_i ≤ 103.3).
        /// Writes ∂loss/∂z = w_i·(p_i − onehot(y_i))/N with respect to the <b>logits</b> — the fused gradient, which skips
        /// the softmax Jacobian: pass it to <see cref="Trainer.BackwardFromLogits"/>.
        /// </summary>
        /// <param name="probabilities">[N, C] softmax outputs.</param>
        /// <param name="classTargets">[N] class indices in 0..C−1; N ≥ 1.</param>
        /// <param name="sampleWeights">[N] weights, or empty for all ones.</param>
        /// <param name="logitGradients">[N, C] receives ∂loss/∂logits.</param>
        [MethodImpl(KernelHints.Entry)]
        public static float SoftmaxCrossEntropy(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> classTargets,
            ReadOnlySpan<float> sampleWeights, Span<float> logitGradients)
        {
            int rows = LossShapes.Rows(classTargets.Length, nameof(classTargets));
            int cols = LossShapes.Width(probabilities.Length, rows, nameof(probabilities), nameof(classTargets));
            LossShapes.Exactly(logitGradients.Length, rows * cols, nameof(logitGradients), rows, cols);
            LossShapes.Weights(sampleWeights.Length, rows);
            Span<int> classes = SpanAccess.View(classTargets);
            Span<float> p = SpanAccess.View(probabilities), weights = SpanAccess.View(sampleWeights);
            LossShapes.Classes(classes, cols, nameof(classTargets));
            double total = 0;
            float invN = (float)(1f / rows); // float casts: the same rounding on every runtime (deterministic mode)
            for (int r = 0; r < rows; r++)
            {
                int o = r * cols, y = classes[r];
                float w = weights.IsEmpty ? 1f : weights[r];
                total += w * -Ln(Math.Max(p[o + y], float.Epsilon));
                float scale = (float)(w * invN);
                for (int j = 0; j < cols; j++) logitGradients[o + j] = (float)(p[o + j] * scale);
                logitGradients[o + y] -= scale;
            }
            return (float)(total / rows);
        }

        /// <summary>
        /// Softmax cross-entropy with probability-row targets: ℓ_i = −Σ_j t_ij·ln p_ij (terms with t_ij = 0 skipped; p
        /// clamped below at the smallest positive float). Writes ∂loss/∂logits = w_i·(p_i·Σ_j t_ij − t_i)/N
        /// (= w_i·(p − t)/N for rows that sum to 1, as PyTorch computes): pass it to
        /// <see cref="Trainer.BackwardFromLogits"/>.
        /// </summary>
        /// <param name="probabilities">[N, C] softmax outputs.</param>
        /// <param name="targets">[N, C] target distributions.</param>
        /// <param name="classes">C, the width of a row.</param>
        /// <param name="sampleWeights">[N] weights, or empty for all ones.</param>
        /// <param name="logitGradients">[N, C] receives ∂loss/∂logits.</param>
        [MethodImpl(KernelHints.Entry)]
        public static float SoftmaxCrossEntropy(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> targets, int classes,
            ReadOnlySpan<float> sampleWeights, Span<float> logitGradients)
        {
            if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), classes, $"classes: expected at least 1, found {classes}.");
            int rows = LossShapes.Rows(probabilities.Length, classes, nameof(probabilities));
            LossShapes.Exactly(targets.Length, rows * classes, nameof(targets), rows, classes);
            LossShapes.Exactly(logitGradients.Length, rows * classes, nameof(logitGradients), rows, classes);
            LossShapes.Weights(sampleWeights.Length, rows);
            Span<float> p = SpanAccess.View(probabilities), t = SpanAccess.View(targets), weights = SpanAccess.View(sampleWeights);
            double total = 0;
            float invN = (float)(1f / rows);
            for (int r = 0; r < rows; r++)
            {
                int o = r * classes;
                double loss = 0, mass = 0;
                for (int j = 0; j < classes; j++)
                {
                    if (t[o + j] != 0f) loss -= t[o + j] * Ln(Math.Max(p[o + j], float.Epsilon));
                    mass += t[o + j];
                }
                float w = weights.IsEmpty ? 1f : weights[r];
                total += w * loss;
                float scale = (float)(w * invN), m = (float)mass;
                for (int j = 0; j < classes; j++) logitGradients[o + j] = (float)((float)((float)(p[o + j] * m) - t[o + j]) * scale);
            }
            return (float)(total / rows);
        }

        /// <summary>
        /// Mean squared error over all elements (<c>nn.MSELoss()</c>): loss = Σ_i w_i·Σ_j (y_ij − t_ij)² / (N·C). Writes
        /// ∂loss/∂y = 2·w_i·(y − t)/(N·C) with respect to the <b>outputs</b>: pass it to <see cref="Trainer.Backward"/>,
        /// which goes through the last layer's activation.
        /// </summary>
        /// <param name="outputs">[N, C] network outputs.</param>
        /// <param name="targets">[N, C] targets.</param>
        /// <param name="sampleWeights">[N] weights (their count gives N), or empty for all ones.</param>
        /// <param name="outputGradients">[N, C] receives ∂loss/∂outputs.</param>
        [MethodImpl(KernelHints.Entry)]
        public static float MeanSquaredError(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, ReadOnlySpan<float> sampleWeights,
            Span<float> outputGradients)
        {
            int n = outputs.Length;
            if (n == 0) throw new ArgumentException("outputs: expected at least one value, found none.", nameof(outputs));
            LossShapes.Exactly(targets.Length, n, nameof(targets), 1, n);
            LossShapes.Exactly(outputGradients.Length, n, nameof(outputGradients), 1, n);
            int rows = sampleWeights.IsEmpty ? 1 : sampleWeights.Length;
            int cols = sampleWeights.IsEmpty ? n : LossShapes.Width(n, rows, nameof(outputs), nameof(sampleWeights));
            Span<float> y = SpanAccess.View(outputs), t = SpanAccess.View(targets), weights = SpanAccess.View(sampleWeights);
            double total = 0;
            float scale2 = (float)(2f / n);
            for (int r = 0; r < rows; r++)
            {
                float w = weights.IsEmpty ? 1f : weights[r];
                double rowSum = 0;
                int o = r * cols;
                float s = (float)(w * scale2);
                for (int j = 0; j < cols; j++)
                {
                    float e = (float)(y[o + j] - t[o + j]);
                    rowSum += (double)e * e;
                    outputGradients[o + j] = (float)(s * e);
                }
                total += w * rowSum;
            }
            return (float)(total / n);
        }

        /// <summary>
        /// Huber loss (<c>nn.HuberLoss(delta=δ)</c>, mean over the N selected values) on one output per row — DQN's
        /// Q(s, a) of the action taken: with e_i = y_i[a_i] − t_i, ℓ_i = ½e² where |e| &lt; δ, else δ·(|e| − ½δ).
        /// Writes ∂loss/∂y: w_i·clamp(e_i, −δ, δ)/N at [i, a_i], 0 elsewhere; pass it to <see cref="Trainer.Backward"/>.
        /// <c>nn.SmoothL1Loss(beta=β)</c> is this loss with δ = β divided by β (the same for δ = β = 1, SB3's DQN loss).
        /// </summary>
        /// <param name="outputs">[N, A] network outputs (Q-values).</param>
        /// <param name="selected">[N] column selected in each row (the action taken), 0..A−1; N ≥ 1.</param>
        /// <param name="targets">[N] targets of the selected values.</param>
        /// <param name="delta">δ &gt; 0, where the loss turns from quadratic to linear.</param>
        /// <param name="sampleWeights">[N] weights (e.g. prioritized replay's importance weights), or empty for all ones.</param>
        /// <param name="outputGradients">[N, A] receives ∂loss/∂outputs.</param>
        [MethodImpl(KernelHints.Entry)]
        public static float Huber(ReadOnlySpan<float> outputs, ReadOnlySpan<int> selected, ReadOnlySpan<float> targets, float delta,
            ReadOnlySpan<float> sampleWeights, Span<float> outputGradients)
        {
            if (!(delta > 0f) || float.IsInfinity(delta))
                throw new ArgumentOutOfRangeException(nameof(delta), delta, $"delta: expected a finite value > 0, found {delta}.");
            int rows = LossShapes.Rows(selected.Length, nameof(selected));
            int cols = LossShapes.Width(outputs.Length, rows, nameof(outputs), nameof(selected));
            LossShapes.Exactly(targets.Length, rows, nameof(targets), 1, rows);
            LossShapes.Exactly(outputGradients.Length, rows * cols, nameof(outputGradients), rows, cols);
            LossShapes.Weights(sampleWeights.Length, rows);
            Span<int> columns = SpanAccess.View(selected);
            Span<float> y = SpanAccess.View(outputs), t = SpanAccess.View(targets), weights = SpanAccess.View(sampleWeights);
            LossShapes.Classes(columns, cols, nameof(selected));
            outputGradients.Clear();
            double total = 0;
            for (int r = 0; r < rows; r++)
            {
                float e = (float)(y[r * cols + columns[r]] - t[r]);
                float w = weights.IsEmpty ? 1f : weights[r];
                double a = Math.Abs((double)e);
                total += w * (a < delta ? 0.5 * a * a : delta * (a - 0.5 * delta));
                float g = e < -delta ? -delta : e > delta ? delta : e; // NaN stays NaN
                outputGradients[r * cols + columns[r]] = (float)((float)(w * g) / rows);
            }
            return (float)(total / rows);
        }

        /// <summary>
        /// ln p for the cross-entropies (p ≥ the smallest positive float): the platform's <c>Math.Log</c> in double, or
        /// in the deterministic mode <see cref="DeterministicMath.Log(float)"/>, built from exactly rounded operations
        /// (the same bits on every runtime and CPU; single precision, as PyTorch's float32 log-softmax).
        /// </summary>
        [MethodImpl(KernelHints.Inline)]
        private static double Ln(float p) => KernelDispatch.Deterministic ? DeterministicMath.Log(p) : Math.Log(p);

        /// <summary>
        /// Row-wise softmax, p_ij = e^(z_ij − max_i) / Σ_k e^(z_ik − max_i): the probabilities of a network whose last
        /// layer outputs logits (identity activation), for the categorical losses of <see cref="PolicyLosses"/> and
        /// <see cref="SoftmaxCrossEntropy(ReadOnlySpan{float}, ReadOnlySpan{int}, ReadOnlySpan{float}, Span{float})"/>.
        /// Their gradients are with respect to the logits, which for such a network are its outputs: pass them to
        /// <see cref="Trainer.Backward"/>.
        /// </summary>
        /// <param name="logits">[N, C].</param>
        /// <param name="probabilities">[N, C] receives the probabilities (it may be the same memory as the logits).</param>
        /// <param name="classes">C, the width of a row.</param>
        [MethodImpl(KernelHints.Entry)]
        public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities, int classes)
        {
            if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), classes, $"classes: expected at least 1, found {classes}.");
            int rows = LossShapes.Rows(logits.Length, classes, nameof(logits));
            LossShapes.Exactly(probabilities.Length, rows * classes, nameof(probabilities), rows, classes);
            logits.CopyTo(probabilities);
            Kernels.Softmax.Rows(probabilities, rows, classes);
        }
    }
}
