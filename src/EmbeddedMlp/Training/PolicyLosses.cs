using System;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Kernels;

namespace EmbeddedMlp.Training
{
    /// <summary>
    /// The losses of policy-gradient agents as span functions, with the semantics of CleanRL's PyTorch code (means over
    /// the N rows of a minibatch): the categorical policy (a softmax over A actions) and the Gaussian policy (a network
    /// that outputs a mean and a log standard deviation per action dimension), each with the plain policy gradient and
    /// PPO's clipped surrogate, and the value loss. Each returns the loss and its diagnostics and writes the gradient of
    /// exactly that loss. Nothing is allocated; lengths are checked with errors naming the argument. The math is in
    /// docs/backprop.md.
    /// <list type="bullet">
    /// <item>Categorical functions take probabilities (what a softmax last layer outputs; for a network that outputs
    /// logits, <see cref="Losses.Softmax"/> gives them) and write ∂loss/∂logits: pass it to
    /// <see cref="Trainer.BackwardFromLogits"/> for a softmax last layer, to <see cref="Trainer.Backward"/> for a logits
    /// (identity) one. ln p is clamped below at ln of the smallest positive float, and 0·ln 0 counts as 0.</item>
    /// <item>Gaussian functions take rows [μ_1 … μ_D, s_1 … s_D] with σ_d = e^(s_d) and write ∂loss/∂outputs (the last
    /// layer is identity): pass it to <see cref="Trainer.Backward"/>.</item>
    /// </list>
    /// </summary>
    public static class PolicyLosses
    {
        private const double HalfLog2Pi = 0.9189385332046727; // ½ ln 2π, a literal: the same bits on every runtime
        private const double MinLog = -103.27892990343184; // ln 2⁻¹⁴⁹, the smallest positive float

        /// <summary>ln p_i[a_i] of each row's action (for PPO's old log-probabilities), with the clamp of the losses.</summary>
        /// <param name="probabilities">[N, A] action probabilities.</param>
        /// <param name="actions">[N] actions taken, 0..A−1.</param>
        /// <param name="logProbabilities">[N] receives ln π(a_i|s_i).</param>
        [MethodImpl(KernelHints.Entry)]
        public static void CategoricalLogProbability(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> actions, Span<float> logProbabilities)
        {
            int rows = LossShapes.Rows(actions.Length, nameof(actions));
            int cols = LossShapes.Width(probabilities.Length, rows, nameof(probabilities), nameof(actions));
            LossShapes.Exactly(logProbabilities.Length, rows, nameof(logProbabilities), 1, rows);
            Span<int> a = SpanAccess.View(actions);
            LossShapes.Classes(a, cols, nameof(actions));
            Span<float> p = SpanAccess.View(probabilities);
            for (int r = 0; r < rows; r++) logProbabilities[r] = (float)Log(p[r * cols + a[r]]);
        }

        /// <summary>
        /// The categorical policy gradient with an entropy bonus (A2C / REINFORCE with a baseline):
        /// loss = (1/N)·Σ_i [−Â_i·ln p_i[a_i] − β·H_i], H_i = −Σ_j p_ij·ln p_ij. Writes
        /// ∂loss/∂z_ij = [Â_i·(p_ij − [j = a_i]) + β·p_ij·(ln p_ij + H_i)]/N.
        /// </summary>
        /// <param name="probabilities">[N, A] action probabilities.</param>
        /// <param name="actions">[N] actions taken, 0..A−1.</param>
        /// <param name="advantages">[N] advantage estimates Â.</param>
        /// <param name="entropyCoefficient">β ≥ 0.</param>
        /// <param name="logitGradients">[N, A] receives ∂loss/∂logits.</param>
        [MethodImpl(KernelHints.Entry)]
        public static PolicyLoss CategoricalPolicyGradient(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> actions,
            ReadOnlySpan<float> advantages, float entropyCoefficient, Span<float> logitGradients) =>
            Categorical(probabilities, actions, advantages, ReadOnlySpan<float>.Empty, 0f, entropyCoefficient, logitGradients, clipped: false);

        /// <summary>
        /// PPO's clipped surrogate for a categorical policy, with an entropy bonus: with r_i = exp(ln p_i[a_i] − ln p_old,i),
        /// loss = (1/N)·Σ_i [max(−Â_i·r_i, −Â_i·clamp(r_i, 1 − ε, 1 + ε)) − β·H_i]. The surrogate's gradient
        /// −Â_i·r_i·([j = a_i] − p_ij) flows where the unclipped term is the larger (it is zero where the clipped one is);
        /// the entropy's as in <see cref="CategoricalPolicyGradient"/>. Also reports the approximate KL divergence
        /// mean((r − 1) − ln r) and the fraction of rows with |r − 1| &gt; ε.
        /// </summary>
        /// <param name="probabilities">[N, A] action probabilities of the current policy.</param>
        /// <param name="actions">[N] actions taken, 0..A−1.</param>
        /// <param name="advantages">[N] advantage estimates Â.</param>
        /// <param name="oldLogProbabilities">[N] ln π_old(a_i|s_i), recorded when the actions were taken.</param>
        /// <param name="clipEpsilon">ε &gt; 0 (PPO's clip range, 0.2 in CleanRL).</param>
        /// <param name="entropyCoefficient">β ≥ 0.</param>
        /// <param name="logitGradients">[N, A] receives ∂loss/∂logits.</param>
        [MethodImpl(KernelHints.Entry)]
        public static PolicyLoss CategoricalPpo(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> actions, ReadOnlySpan<float> advantages,
            ReadOnlySpan<float> oldLogProbabilities, float clipEpsilon, float entropyCoefficient, Span<float> logitGradients)
        {
            CheckClip(clipEpsilon);
            return Categorical(probabilities, actions, advantages, oldLogProbabilities, clipEpsilon, entropyCoefficient, logitGradients, clipped: true);
        }

        [MethodImpl(KernelHints.Optimize)]
        private static PolicyLoss Categorical(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> actions, ReadOnlySpan<float> advantages,
            ReadOnlySpan<float> oldLogProbabilities, float eps, float beta, Span<float> logitGradients, bool clipped)
        {
            int rows = LossShapes.Rows(actions.Length, nameof(actions));
            int cols = LossShapes.Width(probabilities.Length, rows, nameof(probabilities), nameof(actions));
            LossShapes.Exactly(advantages.Length, rows, nameof(advantages), 1, rows);
            if (clipped) LossShapes.Exactly(oldLogProbabilities.Length, rows, nameof(oldLogProbabilities), 1, rows);
            LossShapes.Exactly(logitGradients.Length, rows * cols, nameof(logitGradients), rows, cols);
            CheckEntropy(beta);
            Span<int> a = SpanAccess.View(actions);
            LossShapes.Classes(a, cols, nameof(actions));
            Span<float> p = SpanAccess.View(probabilities), adv = SpanAccess.View(advantages), old = SpanAccess.View(oldLogProbabilities);
            var sums = new Surrogate(eps, clipped);
            double invN = 1.0 / rows;
            for (int r = 0; r < rows; r++)
            {
                int o = r * cols, action = a[r];
                double h = 0;
                for (int j = 0; j < cols; j++) h -= XLogX(p[o + j]);
                sums.Entropy += h;
                // ∂ ln p_a/∂z_j = [j = a] − p_j, so the surrogate's gradient is c·([j = a] − p_j)
                double c = sums.Add(Log(p[o + action]), clipped ? old[r] : 0, adv[r]);
                for (int j = 0; j < cols; j++)
                {
                    double pj = p[o + j];
                    double g = -c * pj + (pj > 0 ? beta * pj * (Ln(pj) + h) : 0);
                    if (j == action) g += c;
                    logitGradients[o + j] = (float)(g * invN);
                }
            }
            return sums.Result(beta, rows);
        }

        /// <summary>
        /// ln π(a_i|s_i) of a diagonal Gaussian policy: Σ_d [−(a_d − μ_d)²/(2σ_d²) − s_d − ½·ln 2π] (PPO's old log-probabilities).
        /// </summary>
        /// <param name="outputs">[N, 2D] rows [μ_1 … μ_D, s_1 … s_D], σ = e^s.</param>
        /// <param name="actions">[N, D] actions taken.</param>
        /// <param name="logProbabilities">[N] receives the log-densities; its length gives N.</param>
        [MethodImpl(KernelHints.Entry)]
        public static void GaussianLogProbability(ReadOnlySpan<float> outputs, ReadOnlySpan<float> actions, Span<float> logProbabilities)
        {
            int rows = LossShapes.Rows(logProbabilities.Length, nameof(logProbabilities));
            int dims = GaussianShapes(outputs, actions, rows, nameof(logProbabilities));
            Span<float> y = SpanAccess.View(outputs), act = SpanAccess.View(actions);
            for (int r = 0; r < rows; r++)
            {
                double lp = 0;
                for (int d = 0; d < dims; d++)
                {
                    double s = y[r * 2 * dims + dims + d], u = (act[r * dims + d] - y[r * 2 * dims + d]) * Exp(-s);
                    lp += -0.5 * u * u - s - HalfLog2Pi;
                }
                logProbabilities[r] = (float)lp;
            }
        }

        /// <summary>
        /// The policy gradient of a diagonal Gaussian policy with an entropy bonus: loss = (1/N)·Σ_i [−Â_i·ln π(a_i|s_i) − β·H_i],
        /// H_i = Σ_d (s_d + ½ + ½·ln 2π). Writes ∂loss/∂μ_d = −Â·(a_d − μ_d)/σ_d²/N and
        /// ∂loss/∂s_d = [−Â·((a_d − μ_d)²/σ_d² − 1) − β]/N.
        /// </summary>
        /// <param name="outputs">[N, 2D] rows [μ_1 … μ_D, s_1 … s_D], σ = e^s.</param>
        /// <param name="actions">[N, D] actions taken.</param>
        /// <param name="advantages">[N] advantage estimates Â; their count gives N.</param>
        /// <param name="entropyCoefficient">β ≥ 0.</param>
        /// <param name="outputGradients">[N, 2D] receives ∂loss/∂outputs.</param>
        [MethodImpl(KernelHints.Entry)]
        public static PolicyLoss GaussianPolicyGradient(ReadOnlySpan<float> outputs, ReadOnlySpan<float> actions, ReadOnlySpan<float> advantages,
            float entropyCoefficient, Span<float> outputGradients) =>
            Gaussian(outputs, actions, advantages, ReadOnlySpan<float>.Empty, 0f, entropyCoefficient, outputGradients, clipped: false);

        /// <summary>
        /// PPO's clipped surrogate for a diagonal Gaussian policy, with an entropy bonus: the loss of
        /// <see cref="CategoricalPpo"/> with r_i = exp(ln π(a_i|s_i) − ln π_old) from the Gaussian log-density. Where the
        /// unclipped term is active, ∂loss/∂μ_d = −Â·r·(a_d − μ_d)/σ_d²/N and ∂loss/∂s_d gets −Â·r·((a_d − μ_d)²/σ_d² − 1)/N;
        /// the entropy adds −β/N to every ∂loss/∂s_d.
        /// </summary>
        /// <param name="outputs">[N, 2D] rows [μ_1 … μ_D, s_1 … s_D], σ = e^s.</param>
        /// <param name="actions">[N, D] actions taken.</param>
        /// <param name="advantages">[N] advantage estimates Â; their count gives N.</param>
        /// <param name="oldLogProbabilities">[N] ln π_old(a_i|s_i) (<see cref="GaussianLogProbability"/> when acting).</param>
        /// <param name="clipEpsilon">ε &gt; 0.</param>
        /// <param name="entropyCoefficient">β ≥ 0.</param>
        /// <param name="outputGradients">[N, 2D] receives ∂loss/∂outputs.</param>
        [MethodImpl(KernelHints.Entry)]
        public static PolicyLoss GaussianPpo(ReadOnlySpan<float> outputs, ReadOnlySpan<float> actions, ReadOnlySpan<float> advantages,
            ReadOnlySpan<float> oldLogProbabilities, float clipEpsilon, float entropyCoefficient, Span<float> outputGradients)
        {
            CheckClip(clipEpsilon);
            return Gaussian(outputs, actions, advantages, oldLogProbabilities, clipEpsilon, entropyCoefficient, outputGradients, clipped: true);
        }

        [MethodImpl(KernelHints.Optimize)]
        private static PolicyLoss Gaussian(ReadOnlySpan<float> outputs, ReadOnlySpan<float> actions, ReadOnlySpan<float> advantages,
            ReadOnlySpan<float> oldLogProbabilities, float eps, float beta, Span<float> outputGradients, bool clipped)
        {
            int rows = LossShapes.Rows(advantages.Length, nameof(advantages));
            int dims = GaussianShapes(outputs, actions, rows, nameof(advantages));
            if (clipped) LossShapes.Exactly(oldLogProbabilities.Length, rows, nameof(oldLogProbabilities), 1, rows);
            LossShapes.Exactly(outputGradients.Length, rows * 2 * dims, nameof(outputGradients), rows, 2 * dims);
            CheckEntropy(beta);
            Span<float> y = SpanAccess.View(outputs), act = SpanAccess.View(actions), adv = SpanAccess.View(advantages), old = SpanAccess.View(oldLogProbabilities);
            var sums = new Surrogate(eps, clipped);
            double invN = 1.0 / rows;
            for (int r = 0; r < rows; r++)
            {
                int o = r * 2 * dims;
                double lp = 0;
                for (int d = 0; d < dims; d++)
                {
                    double s = y[o + dims + d], u = (act[r * dims + d] - y[o + d]) * Exp(-s);
                    lp += -0.5 * u * u - s - HalfLog2Pi;
                    sums.Entropy += s + 0.5 + HalfLog2Pi;
                }
                double c = sums.Add(lp, clipped ? old[r] : 0, adv[r]);
                for (int d = 0; d < dims; d++)
                {
                    double s = y[o + dims + d], invVar = Exp(-2 * s), diff = act[r * dims + d] - y[o + d];
                    outputGradients[o + d] = (float)(c * diff * invVar * invN);
                    outputGradients[o + dims + d] = (float)((c * (diff * diff * invVar - 1) - beta) * invN);
                }
            }
            return sums.Result(beta, rows);
        }

        /// <summary>
        /// The critic's loss, CleanRL's form: ½·mean((V − R)²); with <paramref name="clipRange"/> &gt; 0 and old values,
        /// PPO's clipped value loss ½·mean(max((V − R)², (V_clip − R)²)), V_clip = V_old + clamp(V − V_old, −c, c).
        /// Writes ∂loss/∂V: (V − R)/N, or (V_clip − R)·[|V − V_old| ≤ c]/N where the clipped term is the larger.
        /// </summary>
        /// <param name="values">[N] the critic's outputs V(s_i).</param>
        /// <param name="returns">[N] the targets R_i (e.g. GAE returns).</param>
        /// <param name="oldValues">[N] V_old(s_i) recorded with the rollout, or empty without clipping.</param>
        /// <param name="clipRange">c; 0 = no clipping.</param>
        /// <param name="valueGradients">[N] receives ∂loss/∂V.</param>
        [MethodImpl(KernelHints.Entry)]
        public static float ValueLoss(ReadOnlySpan<float> values, ReadOnlySpan<float> returns, ReadOnlySpan<float> oldValues, float clipRange,
            Span<float> valueGradients)
        {
            int rows = LossShapes.Rows(values.Length, nameof(values));
            LossShapes.Exactly(returns.Length, rows, nameof(returns), 1, rows);
            LossShapes.Exactly(valueGradients.Length, rows, nameof(valueGradients), 1, rows);
            if (!(clipRange >= 0f) || float.IsInfinity(clipRange))
                throw new ArgumentOutOfRangeException(nameof(clipRange), clipRange, $"clipRange: expected a finite value ≥ 0 (0 = no clipping), found {clipRange}.");
            bool clip = clipRange > 0f;
            if (clip) LossShapes.Exactly(oldValues.Length, rows, nameof(oldValues), 1, rows);
            Span<float> v = SpanAccess.View(values), ret = SpanAccess.View(returns), vOld = SpanAccess.View(oldValues);
            double total = 0, invN = 1.0 / rows;
            for (int r = 0; r < rows; r++)
            {
                double e = (double)v[r] - ret[r], g = e, sq = e * e;
                if (clip)
                {
                    double step = (double)v[r] - vOld[r];
                    double clippedStep = Math.Max(-clipRange, Math.Min(clipRange, step));
                    double ec = vOld[r] + clippedStep - ret[r];
                    if (ec * ec > sq)
                    {
                        sq = ec * ec;
                        g = Math.Abs(step) <= clipRange ? ec : 0;
                    }
                }
                total += sq;
                valueGradients[r] = (float)(g * invN);
            }
            return (float)(0.5 * total * invN);
        }

        /// <summary>The surrogate term of each row (plain policy gradient or PPO's clip) and the sums behind <see cref="PolicyLoss"/>.</summary>
        private struct Surrogate
        {
            private readonly double _eps;
            private readonly bool _clipped;
            private double _sum, _kl;
            private int _clippedRows;
            public double Entropy;

            public Surrogate(double eps, bool clipped) : this() { _eps = eps; _clipped = clipped; }

            /// <summary>Adds a row's term, −Â·ln π or max(−Â·r, −Â·clamp(r, 1 − ε, 1 + ε)); returns its derivative with respect to ln π.</summary>
            [MethodImpl(KernelHints.Optimize)]
            public double Add(double logP, double oldLogP, double advantage)
            {
                if (!_clipped)
                {
                    _sum -= advantage * logP;
                    return -advantage;
                }
                double ratio = Exp(logP - oldLogP);
                double unclipped = -advantage * ratio, clipped = -advantage * Math.Max(1 - _eps, Math.Min(1 + _eps, ratio));
                _sum += Math.Max(unclipped, clipped);
                _kl += (ratio - 1) - (logP - oldLogP);
                if (Math.Abs(ratio - 1) > _eps) _clippedRows++;
                // ∂r/∂ln π = r where the unclipped term is the larger; the clipped term's derivative is 0 (r outside the range)
                return unclipped >= clipped ? -advantage * ratio : 0;
            }

            [MethodImpl(KernelHints.Optimize)]
            public PolicyLoss Result(double beta, int rows) =>
                new PolicyLoss((float)((_sum - beta * Entropy) / rows), (float)(_sum / rows), (float)(Entropy / rows), (float)(_kl / rows), (float)_clippedRows / rows);
        }

        [MethodImpl(KernelHints.Optimize)]
        private static int GaussianShapes(ReadOnlySpan<float> outputs, ReadOnlySpan<float> actions, int rows, string rowsName)
        {
            int dims = LossShapes.Width(actions.Length, rows, nameof(actions), rowsName);
            LossShapes.Exactly(outputs.Length, rows * 2 * dims, nameof(outputs), rows, 2 * dims);
            return dims;
        }

        [MethodImpl(KernelHints.Optimize)]
        private static double Log(float p) => p > 0f ? Ln(p) : MinLog;

        [MethodImpl(KernelHints.Optimize)]
        private static double XLogX(double p) => p > 0 ? p * Ln(p) : 0;

        /// <summary>ln x of a positive x: the platform's <c>Math.Log</c>, or <see cref="PortableMath.Log"/> in the deterministic mode.</summary>
        [MethodImpl(KernelHints.Inline)]
        private static double Ln(double x) => KernelDispatch.Deterministic && !double.IsInfinity(x) ? PortableMath.Log(x) : Math.Log(x);

        /// <summary>e^x: the platform's <c>Math.Exp</c>, or <see cref="PortableMath.Exp"/> in the deterministic mode.</summary>
        [MethodImpl(KernelHints.Inline)]
        private static double Exp(double x) => KernelDispatch.Deterministic ? PortableMath.Exp(x) : Math.Exp(x);

        [MethodImpl(KernelHints.Optimize)]
        private static void CheckClip(float eps)
        {
            if (!(eps > 0f) || float.IsInfinity(eps))
                throw new ArgumentOutOfRangeException("clipEpsilon", eps, $"clipEpsilon: expected a finite value > 0, found {eps}.");
        }

        [MethodImpl(KernelHints.Optimize)]
        private static void CheckEntropy(float beta)
        {
            if (!(beta >= 0f) || float.IsInfinity(beta))
                throw new ArgumentOutOfRangeException("entropyCoefficient", beta, $"entropyCoefficient: expected a finite value ≥ 0, found {beta}.");
        }
    }

    /// <summary>What a policy loss returns besides its gradient (means over the minibatch's rows).</summary>
    public readonly struct PolicyLoss
    {
        internal PolicyLoss(float loss, float surrogate, float entropy, float approximateKl, float clipFraction)
        {
            Loss = loss;
            Surrogate = surrogate;
            Entropy = entropy;
            ApproximateKl = approximateKl;
            ClipFraction = clipFraction;
        }

        /// <summary>The loss whose gradient was written: <see cref="Surrogate"/> − β·<see cref="Entropy"/>.</summary>
        public float Loss { get; }
        /// <summary>The policy term: −mean(Â·ln π) or PPO's clipped surrogate.</summary>
        public float Surrogate { get; }
        /// <summary>Mean entropy of the policy (nats).</summary>
        public float Entropy { get; }
        /// <summary>PPO: mean((r − 1) − ln r), an estimate of KL(π_old ‖ π) (CleanRL's <c>approx_kl</c>); 0 for the plain policy gradient.</summary>
        public float ApproximateKl { get; }
        /// <summary>PPO: fraction of rows with |r − 1| &gt; ε; 0 for the plain policy gradient.</summary>
        public float ClipFraction { get; }

        /// <inheritdoc />
        public override string ToString() => $"loss={Loss}, surrogate={Surrogate}, entropy={Entropy}, approx_kl={ApproximateKl}, clipfrac={ClipFraction}";
    }
}
