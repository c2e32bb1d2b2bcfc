using System;

namespace EmbeddedMlp.Training
{
    /// <summary>Which update rule an optimizer applies.</summary>
    public enum OptimizerKind
    {
        /// <summary><c>torch.optim.SGD</c>: optional momentum, dampening, Nesterov, L2 weight decay.</summary>
        Sgd = 0,
        /// <summary><c>torch.optim.Adam</c>: weight decay as L2 added to the gradient.</summary>
        Adam = 1,
        /// <summary><c>torch.optim.AdamW</c>: decoupled weight decay (p ← p·(1 − lr·wd) before the Adam update).</summary>
        AdamW = 2,
    }

    /// <summary>
    /// Hyper-parameters of an optimizer, with PyTorch's names, defaults and validity rules so that settings carry
    /// over. Build one with <see cref="Sgd"/>, <see cref="Adam"/> or <see cref="AdamW"/>.
    /// </summary>
    public sealed class OptimizerSettings
    {
        private OptimizerSettings(OptimizerKind kind, float learningRate, float momentum, float dampening, bool nesterov,
            float weightDecay, float beta1, float beta2, float epsilon)
        {
            Check(learningRate >= 0f && !float.IsInfinity(learningRate), nameof(learningRate), "a finite value ≥ 0", learningRate);
            Check(weightDecay >= 0f && !float.IsInfinity(weightDecay), nameof(weightDecay), "a finite value ≥ 0", weightDecay);
            Kind = kind;
            LearningRate = learningRate;
            Momentum = momentum;
            Dampening = dampening;
            Nesterov = nesterov;
            WeightDecay = weightDecay;
            Beta1 = beta1;
            Beta2 = beta2;
            Epsilon = epsilon;
        }

        /// <summary>Stochastic gradient descent as <c>torch.optim.SGD(lr, momentum, dampening, weight_decay, nesterov)</c>.</summary>
        public static OptimizerSettings Sgd(float learningRate, float momentum = 0f, float weightDecay = 0f, bool nesterov = false, float dampening = 0f)
        {
            Check(momentum >= 0f && !float.IsInfinity(momentum), nameof(momentum), "a finite value ≥ 0", momentum);
            Check(!float.IsNaN(dampening) && !float.IsInfinity(dampening), nameof(dampening), "a finite value", dampening);
            if (nesterov && (momentum <= 0f || dampening != 0f))
                throw new ArgumentException($"nesterov: requires momentum > 0 and dampening = 0 (as in PyTorch), found momentum = {momentum}, dampening = {dampening}.", nameof(nesterov));
            return new OptimizerSettings(OptimizerKind.Sgd, learningRate, momentum, dampening, nesterov, weightDecay, 0f, 0f, 0f);
        }

        /// <summary>Adam as <c>torch.optim.Adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)</c>.</summary>
        public static OptimizerSettings Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f)
            => AdamFamily(OptimizerKind.Adam, learningRate, beta1, beta2, epsilon, weightDecay);

        /// <summary>AdamW as <c>torch.optim.AdamW(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)</c>.</summary>
        public static OptimizerSettings AdamW(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0.01f)
            => AdamFamily(OptimizerKind.AdamW, learningRate, beta1, beta2, epsilon, weightDecay);

        private static OptimizerSettings AdamFamily(OptimizerKind kind, float learningRate, float beta1, float beta2, float epsilon, float weightDecay)
        {
            Check(beta1 >= 0f && beta1 < 1f, nameof(beta1), "a value in [0, 1)", beta1);
            Check(beta2 >= 0f && beta2 < 1f, nameof(beta2), "a value in [0, 1)", beta2);
            Check(epsilon >= 0f && !float.IsInfinity(epsilon), nameof(epsilon), "a finite value ≥ 0", epsilon);
            return new OptimizerSettings(kind, learningRate, 0f, 0f, false, weightDecay, beta1, beta2, epsilon);
        }

        private static void Check(bool ok, string name, string expected, float found)
        {
            if (!ok) throw new ArgumentOutOfRangeException(name, found, $"{name}: expected {expected}, found {found}.");
        }

        /// <summary>The update rule.</summary>
        public OptimizerKind Kind { get; }
        /// <summary>Initial learning rate (the trainer's <c>LearningRate</c> can change it between steps).</summary>
        public float LearningRate { get; }
        /// <summary>SGD momentum factor (0 = plain SGD).</summary>
        public float Momentum { get; }
        /// <summary>SGD dampening of the momentum.</summary>
        public float Dampening { get; }
        /// <summary>SGD Nesterov momentum.</summary>
        public bool Nesterov { get; }
        /// <summary>Weight decay: L2 added to the gradient (SGD, Adam) or decoupled (AdamW).</summary>
        public float WeightDecay { get; }
        /// <summary>Adam β1.</summary>
        public float Beta1 { get; }
        /// <summary>Adam β2.</summary>
        public float Beta2 { get; }
        /// <summary>Adam ε.</summary>
        public float Epsilon { get; }

        /// <inheritdoc />
        public override string ToString() => Kind == OptimizerKind.Sgd
            ? $"SGD(lr={LearningRate}, momentum={Momentum}, dampening={Dampening}, nesterov={Nesterov}, weight_decay={WeightDecay})"
            : $"{Kind}(lr={LearningRate}, betas=({Beta1}, {Beta2}), eps={Epsilon}, weight_decay={WeightDecay})";
    }
}
