using System;
using EmbeddedMlp.Kernels;

namespace EmbeddedMlp.Training
{
    /// <summary>An update rule over the flat parameter arena: one pass, no allocation.</summary>
    internal abstract class Optimizer
    {
        protected Optimizer(OptimizerSettings settings) { Settings = settings; }

        public OptimizerSettings Settings { get; }

        /// <summary>Number of updates applied so far (PyTorch's <c>state['step']</c>).</summary>
        public long StepCount { get; set; }

        /// <summary>Applies one update with learning rate <paramref name="lr"/>.</summary>
        public void Update(Span<float> parameters, ReadOnlySpan<float> gradients, float lr)
        {
            StepCount++;
            Apply(parameters, gradients, lr);
        }

        protected abstract void Apply(Span<float> parameters, ReadOnlySpan<float> gradients, float lr);

        public static Optimizer Create(OptimizerSettings settings, int parameterCount)
        {
            switch (settings.Kind)
            {
                case OptimizerKind.Sgd: return new SgdOptimizer(settings, parameterCount);
                case OptimizerKind.Adam:
                case OptimizerKind.AdamW: return new AdamOptimizer(settings, parameterCount);
                default: throw new ArgumentOutOfRangeException(nameof(settings), settings.Kind, "Unknown optimizer kind.");
            }
        }
    }

    /// <summary><c>torch.optim.SGD</c>, element by element.</summary>
    internal sealed class SgdOptimizer : Optimizer
    {
        private readonly float[] _momentum; // empty without momentum

        public SgdOptimizer(OptimizerSettings settings, int parameterCount) : base(settings)
        {
            _momentum = settings.Momentum != 0f ? new float[parameterCount] : Array.Empty<float>();
        }

        /// <summary>The momentum buffer (empty when momentum is 0).</summary>
        public Span<float> MomentumBuffer => _momentum;

        protected override void Apply(Span<float> p, ReadOnlySpan<float> gradients, float lr)
        {
            Span<float> g = SpanAccess.View(gradients);
            float wd = Settings.WeightDecay, mu = Settings.Momentum, damp = 1f - Settings.Dampening;
            bool nesterov = Settings.Nesterov, first = StepCount == 1;
            if (mu == 0f)
            {
                for (int i = 0; i < p.Length; i++) p[i] -= lr * (g[i] + wd * p[i]);
                return;
            }
            Span<float> buf = _momentum;
            for (int i = 0; i < p.Length; i++)
            {
                float d = g[i] + wd * p[i];
                float b = first ? d : mu * buf[i] + damp * d; // PyTorch: the first step copies the gradient
                buf[i] = b;
                p[i] -= lr * (nesterov ? d + mu * b : b);
            }
        }
    }

    /// <summary><c>torch.optim.Adam</c> / <c>AdamW</c> (no amsgrad), element by element.</summary>
    internal sealed class AdamOptimizer : Optimizer
    {
        private readonly float[] _m, _v;

        public AdamOptimizer(OptimizerSettings settings, int parameterCount) : base(settings)
        {
            _m = new float[parameterCount];
            _v = new float[parameterCount];
        }

        /// <summary>First moment (exp_avg).</summary>
        public Span<float> FirstMoment => _m;
        /// <summary>Second moment (exp_avg_sq).</summary>
        public Span<float> SecondMoment => _v;

        protected override void Apply(Span<float> p, ReadOnlySpan<float> gradients, float lr)
        {
            Span<float> g = SpanAccess.View(gradients);
            float b1 = Settings.Beta1, b2 = Settings.Beta2, eps = Settings.Epsilon, wd = Settings.WeightDecay;
            double t = StepCount;
            float stepSize = (float)(lr / (1.0 - Math.Pow(b1, t)));
            float bc2Sqrt = (float)Math.Sqrt(1.0 - Math.Pow(b2, t));
            bool decoupled = Settings.Kind == OptimizerKind.AdamW;
            float l2 = decoupled ? 0f : wd;
            float shrink = decoupled ? 1f - lr * wd : 1f;
            Span<float> m = _m, v = _v;
            for (int i = 0; i < p.Length; i++)
            {
                float pi = p[i] * shrink;
                float gi = g[i] + l2 * pi;
                float mi = m[i] + (1f - b1) * (gi - m[i]);
                float vi = b2 * v[i] + (1f - b2) * gi * gi;
                m[i] = mi;
                v[i] = vi;
                p[i] = pi - stepSize * (mi / (MathF.Sqrt(vi) / bc2Sqrt + eps));
            }
        }
    }
}
