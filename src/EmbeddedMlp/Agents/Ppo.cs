using System;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Kernels;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Agents
{
    /// <summary>
    /// Hyper-parameters of <see cref="Ppo"/>. The defaults are the AgentTraining sample's for CartPole with 32 agents
    /// (CleanRL's <c>ppo.py</c> values in brackets where they differ: docs/rl.md has the measurements behind each).
    /// </summary>
    public sealed class PpoSettings
    {
        /// <summary>Widths of both networks' hidden layers. Default 64, 64.</summary>
        public int[] Hidden { get; set; } = { 64, 64 };
        /// <summary>Their activation. Default tanh.</summary>
        public Activation HiddenActivation { get; set; } = Activation.Tanh;
        /// <summary>T: steps of every agent per rollout. Default 16 [128 with 4 agents].</summary>
        public int Steps { get; set; } = 16;
        /// <summary>Passes over each rollout. Default 4.</summary>
        public int Epochs { get; set; } = 4;
        /// <summary>Minibatches per pass (they must divide N·T). Default 4.</summary>
        public int Minibatches { get; set; } = 4;
        /// <summary>Adam's learning rate of both networks at the start. Default 1e-3 [2.5e-4].</summary>
        public float LearningRate { get; set; } = 1e-3f;
        /// <summary>
        /// Environment steps (all agents) over which the learning rate falls linearly to <see cref="LearningRateFloor"/>
        /// times its start, then stays there (CleanRL anneals to 0 over its whole run; a game has no end). 0 = constant.
        /// Default 500,000.
        /// </summary>
        public long LearningRateDecaySteps { get; set; } = 500_000;
        /// <summary>The learning rate's final fraction of <see cref="LearningRate"/>. Default 0.05.</summary>
        public float LearningRateFloor { get; set; } = 0.05f;
        /// <summary>Discount γ. Default 0.99.</summary>
        public float Gamma { get; set; } = 0.99f;
        /// <summary>GAE λ. Default 0.95.</summary>
        public float Lambda { get; set; } = 0.95f;
        /// <summary>PPO's clip range ε. Default 0.1 [0.2].</summary>
        public float ClipEpsilon { get; set; } = 0.1f;
        /// <summary>Entropy bonus β. Default 0.01.</summary>
        public float EntropyCoefficient { get; set; } = 0.01f;
        /// <summary>
        /// Clip range of the value loss (0 = unclipped). Default 0 [0.2]: an absolute range, it held the critic back where
        /// returns are large (CartPole's reach 100).
        /// </summary>
        public float ValueClip { get; set; }
        /// <summary>Global gradient-norm clipping of each network. Default 0.5.</summary>
        public float ClipNorm { get; set; } = 0.5f;
        /// <summary>Normalise the advantages of each minibatch to mean 0, standard deviation 1. Default true.</summary>
        public bool NormalizeAdvantages { get; set; } = true;
        /// <summary>Multiplies the policy's last layer at initialisation (CleanRL's 0.01: a near-uniform, or σ ≈ 1, first policy). Default 0.01.</summary>
        public float PolicyHeadScale { get; set; } = 0.01f;

        internal void Validate()
        {
            if (Hidden is null || Hidden.Length == 0) throw new ArgumentException("Hidden: expected at least one hidden layer width, found none.", nameof(Hidden));
            DqnSettings.AtLeast(Steps, 1, nameof(Steps));
            DqnSettings.AtLeast(Epochs, 1, nameof(Epochs));
            DqnSettings.AtLeast(Minibatches, 1, nameof(Minibatches));
            DqnSettings.Positive(LearningRate, nameof(LearningRate));
            if (LearningRateDecaySteps < 0) throw new ArgumentOutOfRangeException(nameof(LearningRateDecaySteps), LearningRateDecaySteps, $"LearningRateDecaySteps: expected 0 (constant) or more, found {LearningRateDecaySteps}.");
            DqnSettings.Unit(LearningRateFloor, nameof(LearningRateFloor));
            DqnSettings.Unit(Gamma, nameof(Gamma));
            DqnSettings.Unit(Lambda, nameof(Lambda));
            DqnSettings.Positive(ClipEpsilon, nameof(ClipEpsilon));
            if (!(EntropyCoefficient >= 0f)) throw new ArgumentOutOfRangeException(nameof(EntropyCoefficient), EntropyCoefficient, $"EntropyCoefficient: expected a value ≥ 0, found {EntropyCoefficient}.");
            if (!(ValueClip >= 0f)) throw new ArgumentOutOfRangeException(nameof(ValueClip), ValueClip, $"ValueClip: expected a value ≥ 0 (0 = off), found {ValueClip}.");
            if (!(ClipNorm >= 0f)) throw new ArgumentOutOfRangeException(nameof(ClipNorm), ClipNorm, $"ClipNorm: expected a value ≥ 0 (0 = off), found {ClipNorm}.");
            DqnSettings.Positive(PolicyHeadScale, nameof(PolicyHeadScale));
        }
    }

    /// <summary>
    /// Proximal policy optimisation (Schulman et al. 2017) for N agents acting in lockstep, with a categorical policy
    /// (a softmax over discrete actions) or a diagonal Gaussian one (the policy network outputs a mean and a log standard
    /// deviation per action dimension), and a separate critic. Each frame: <c>Act</c> samples every agent's action
    /// from one batched <see cref="Mlp.Predict"/> and keeps its log-probability and value; <see cref="Record"/> stores the
    /// step in a <see cref="RolloutBuffer"/>. Every T steps the rollout gets its GAE(λ) advantages and
    /// <see cref="PpoSettings.Epochs"/> × <see cref="PpoSettings.Minibatches"/> updates are queued, each one PPO step of the
    /// policy (clipped surrogate with entropy bonus, <see cref="PolicyLosses"/>) and one of the critic (clipped value
    /// loss). The updates run through <see cref="RunUpdate"/>, spread over the next frames by a <see cref="TrainingBudget"/>
    /// while the agents collect the next rollout into a second buffer.
    /// <para>Same seed, same run, whatever the frame budget: the agents act with copies of the two networks
    /// (<see cref="ActingPolicy"/>, <see cref="ActingValue"/>) that change only at rollout boundaries. When a rollout
    /// fills, the previous one's updates that the budget has not run yet run at once (<see cref="OverdueUpdates"/> counts
    /// them), the acting copies take the learned parameters, and the new rollout's updates are queued. So rollout k + 1
    /// is collected by the parameters learned from rollout k − 1 — one round behind, which PPO's importance ratio
    /// corrects (its log-probabilities are those of the copy that acted) and its clipping bounds.</para>
    /// Everything is allocated by the constructor.
    /// </summary>
    public sealed class Ppo : IBudgetedUpdates
    {
        private readonly PpoSettings _s;
        private readonly int _agents, _obs, _actionSize, _outputs, _minibatch;
        private readonly bool _discrete;
        private RolloutBuffer _collect, _train;
        private Xoshiro128 _random;
        // acting scratch: one frame of every agent
        private readonly float[] _policyOut, _values, _logProbs, _stepObs, _stepContinuous, _nextValues;
        private readonly int[] _stepDiscrete;
        private readonly bool[] _terminated, _truncated;
        // update scratch: one minibatch
        private readonly float[] _mbObs, _mbContinuous, _mbLogProbs, _mbValues, _mbAdvantages, _mbReturns, _mbOut, _mbGradient, _mbV, _mbVGradient;
        private readonly int[] _mbDiscrete;
        private int _update; // position of the next queued update: epoch·minibatches + minibatch
        private LearningRateDecay _decay;

        private Ppo(int observationSize, int actionCount, bool discrete, int agents, PpoSettings? settings, ulong seed)
        {
            DqnSettings.AtLeast(observationSize, 1, nameof(observationSize));
            DqnSettings.AtLeast(agents, 1, nameof(agents));
            _s = settings ?? new PpoSettings();
            _s.Validate();
            int rows = agents * _s.Steps;
            if (rows % _s.Minibatches != 0)
                throw new ArgumentException($"settings: Minibatches ({_s.Minibatches}) must divide agents × Steps = {agents} × {_s.Steps} = {rows}.", nameof(settings));
            _agents = agents;
            _obs = observationSize;
            _discrete = discrete;
            _actionSize = discrete ? 1 : actionCount;
            _outputs = discrete ? actionCount : 2 * actionCount;
            _minibatch = rows / _s.Minibatches;

            Policy = new Mlp(observationSize, Layers(_s, _outputs, discrete ? Activation.Softmax : Activation.Identity), seed);
            Span<float> head = Policy.GetWeights(Policy.LayerCount - 1);
            for (int i = 0; i < head.Length; i++) head[i] *= _s.PolicyHeadScale;
            Value = new Mlp(observationSize, Layers(_s, 1, Activation.Identity), seed + 1);
            ActingPolicy = Policy.Clone();
            ActingValue = Value.Clone();
            PolicyTrainer = new Trainer(Policy, new TrainerOptions { MaxBatch = _minibatch, Optimizer = OptimizerSettings.Adam(_s.LearningRate), ClipNorm = _s.ClipNorm, Seed = seed ^ 0x90 });
            ValueTrainer = new Trainer(Value, new TrainerOptions { MaxBatch = _minibatch, Optimizer = OptimizerSettings.Adam(_s.LearningRate), ClipNorm = _s.ClipNorm, Seed = seed ^ 0x91 });
            int continuous = discrete ? 0 : actionCount;
            _collect = new RolloutBuffer(agents, _s.Steps, observationSize, continuous, seed ^ 0xA1);
            _train = new RolloutBuffer(agents, _s.Steps, observationSize, continuous, seed ^ 0xA2);
            _random = new Xoshiro128(seed ^ 0x5A);
            _decay = new LearningRateDecay(_s.LearningRateDecaySteps, _s.LearningRateFloor);

            _policyOut = new float[agents * _outputs];
            _values = new float[agents];
            _logProbs = new float[agents];
            _stepObs = new float[agents * observationSize];
            _stepDiscrete = discrete ? new int[agents] : Array.Empty<int>();
            _stepContinuous = discrete ? Array.Empty<float>() : new float[agents * actionCount];
            _nextValues = new float[agents];
            _terminated = new bool[agents];
            _truncated = new bool[agents];
            int m = _minibatch;
            _mbObs = new float[m * observationSize];
            _mbDiscrete = discrete ? new int[m] : Array.Empty<int>();
            _mbContinuous = discrete ? Array.Empty<float>() : new float[m * actionCount];
            _mbLogProbs = new float[m];
            _mbValues = new float[m];
            _mbAdvantages = new float[m];
            _mbReturns = new float[m];
            _mbOut = new float[m * _outputs];
            _mbGradient = new float[m * _outputs];
            _mbV = new float[m];
            _mbVGradient = new float[m];
        }

        private static LayerSpec[] Layers(PpoSettings s, int outputs, Activation last)
        {
            var layers = new LayerSpec[s.Hidden.Length + 1];
            for (int i = 0; i < s.Hidden.Length; i++) layers[i] = new LayerSpec(s.Hidden[i], s.HiddenActivation);
            layers[s.Hidden.Length] = new LayerSpec(outputs, last);
            return layers;
        }

        /// <summary>PPO with a categorical policy over <paramref name="actions"/> discrete actions (a softmax last layer).</summary>
        public static Ppo Categorical(int observationSize, int actions, int agents, PpoSettings? settings, ulong seed)
        {
            DqnSettings.AtLeast(actions, 2, nameof(actions));
            return new Ppo(observationSize, actions, discrete: true, agents, settings, seed);
        }

        /// <summary>
        /// PPO with a diagonal Gaussian policy over <paramref name="actionSize"/> continuous dimensions: the policy
        /// network outputs [μ_1 … μ_D, ln σ_1 … ln σ_D] (identity last layer). Sampled actions are unbounded; the game
        /// clips them to its range (the log-probability is the unclipped action's, as in CleanRL and SB3).
        /// </summary>
        public static Ppo Gaussian(int observationSize, int actionSize, int agents, PpoSettings? settings, ulong seed)
        {
            DqnSettings.AtLeast(actionSize, 1, nameof(actionSize));
            return new Ppo(observationSize, actionSize, discrete: false, agents, settings, seed);
        }

        /// <summary>The policy: what a game ships (softmax probabilities, or [μ, ln σ]).</summary>
        public Mlp Policy { get; }
        /// <summary>The critic V(s).</summary>
        public Mlp Value { get; }
        /// <summary>The copy of <see cref="Policy"/> the agents act with, refreshed at rollout boundaries.</summary>
        public Mlp ActingPolicy { get; }
        /// <summary>The copy of <see cref="Value"/> that values the agents' steps, refreshed at rollout boundaries.</summary>
        public Mlp ActingValue { get; }
        /// <summary>The policy's trainer.</summary>
        public Trainer PolicyTrainer { get; }
        /// <summary>The critic's trainer.</summary>
        public Trainer ValueTrainer { get; }
        /// <summary>Minibatch rows of an update, N·T / Minibatches.</summary>
        public int MinibatchSize => _minibatch;
        /// <summary>Updates queued and not yet run.</summary>
        public int PendingUpdates { get; private set; }
        /// <summary>Updates run so far.</summary>
        public long Updates { get; private set; }
        /// <summary>Updates that had to run at once because the next rollout filled before the frame budget got to them.</summary>
        public long OverdueUpdates { get; private set; }
        /// <summary>Rollouts completed so far.</summary>
        public long Rollouts { get; private set; }
        /// <summary>Environment steps recorded so far (all agents).</summary>
        public long Steps { get; private set; }
        /// <summary>The learning rate of the updates queued last (see <see cref="PpoSettings.LearningRateDecaySteps"/>).</summary>
        public float LearningRate => PolicyTrainer.LearningRate;
        /// <summary>The policy loss of the last update (surrogate, entropy, approximate KL, clip fraction).</summary>
        public PolicyLoss LastPolicyLoss { get; private set; }
        /// <summary>The value loss of the last update.</summary>
        public float LastValueLoss { get; private set; }

        /// <summary>Samples every agent's discrete action (categorical PPO) and keeps what the update needs.</summary>
        /// <param name="observations">[agents, observationSize].</param>
        /// <param name="actions">[agents] receives the sampled actions.</param>
        [MethodImpl(KernelHints.Entry)]
        public void Act(ReadOnlySpan<float> observations, Span<int> actions)
        {
            if (!_discrete) throw new InvalidOperationException("actions: this PPO has a Gaussian policy; pass a span of floats for the continuous actions.");
            if (actions.Length != _agents) throw new ArgumentException($"actions: expected {_agents} entries (one per agent), found {actions.Length}.", nameof(actions));
            Evaluate(observations);
            int k = _outputs;
            for (int i = 0; i < _agents; i++)
            {
                Span<float> p = _policyOut.AsSpan(i * k, k);
                float u = _random.NextFloat(), cumulative = 0f;
                int a = k - 1;
                for (int j = 0; j < k - 1; j++)
                {
                    cumulative += p[j];
                    if (u < cumulative) { a = j; break; }
                }
                actions[i] = a;
                _stepDiscrete[i] = a;
            }
            PolicyLosses.CategoricalLogProbability(_policyOut, _stepDiscrete, _logProbs);
        }

        /// <summary>Samples every agent's continuous action a = μ + σ·ε (Gaussian PPO) and keeps what the update needs.</summary>
        /// <param name="observations">[agents, observationSize].</param>
        /// <param name="actions">[agents, actionSize] receives the sampled (unclipped) actions.</param>
        [MethodImpl(KernelHints.Entry)]
        public void Act(ReadOnlySpan<float> observations, Span<float> actions)
        {
            if (_discrete) throw new InvalidOperationException("actions: this PPO has a categorical policy; pass a span of ints for the discrete actions.");
            if (actions.Length != _agents * _actionSize)
                throw new ArgumentException($"actions: expected {_agents}×{_actionSize} = {_agents * _actionSize} floats, found {actions.Length}.", nameof(actions));
            Evaluate(observations);
            int d = _actionSize;
            for (int i = 0; i < _agents; i++)
                for (int j = 0; j < d; j++)
                {
                    float mu = _policyOut[i * 2 * d + j], sigma = KernelDispatch.Deterministic ? DeterministicMath.Exp(_policyOut[i * 2 * d + d + j]) : MathF.Exp(_policyOut[i * 2 * d + d + j]);
                    float a = mu + sigma * (float)_random.NextGaussian();
                    actions[i * d + j] = a;
                    _stepContinuous[i * d + j] = a;
                }
            PolicyLosses.GaussianLogProbability(_policyOut, _stepContinuous, _logProbs);
        }

        [MethodImpl(KernelHints.Optimize)]
        private void Evaluate(ReadOnlySpan<float> observations)
        {
            if (observations.Length != _agents * _obs)
                throw new ArgumentException($"observations: expected {_agents}×{_obs} = {_agents * _obs} floats, found {observations.Length}.", nameof(observations));
            observations.CopyTo(_stepObs);
            ActingPolicy.Predict(observations, _policyOut);
            ActingValue.Predict(observations, _values);
        }

        /// <summary>
        /// Records the step the last <c>Act</c> chose: rewards, which episodes ended (terminated: for real;
        /// truncated: cut by a time limit, bootstrapped from the value of their last observation) and every agent's
        /// observation right after the step, before ended episodes restart. When the rollout is full its updates are queued.
        /// </summary>
        [MethodImpl(KernelHints.Entry)]
        public void Record(ReadOnlySpan<float> rewards, ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated, ReadOnlySpan<float> observationsAfter)
        {
            int n = _agents;
            if (rewards.Length != n || terminated.Length != n || truncated.Length != n)
                throw new ArgumentException($"rewards, terminated, truncated: expected {n} entries each (one per agent), found {rewards.Length}, {terminated.Length}, {truncated.Length}.");
            if (observationsAfter.Length != n * _obs)
                throw new ArgumentException($"observationsAfter: expected {n}×{_obs} = {n * _obs} floats, found {observationsAfter.Length}.", nameof(observationsAfter));
            Span<bool> trunc = SpanAccess.View(truncated);
            bool anyTruncated = false;
            for (int i = 0; i < n; i++) anyTruncated |= trunc[i];
            bool fills = _collect.Count == _collect.Steps - 1;
            if (anyTruncated || fills) ActingValue.Predict(observationsAfter, _nextValues);
            ReadOnlySpan<float> bootstrap = anyTruncated ? _nextValues : ReadOnlySpan<float>.Empty;
            if (_discrete) _collect.Add(_stepObs, _stepDiscrete, _logProbs, _values, rewards, terminated, truncated, bootstrap);
            else _collect.Add(_stepObs, _stepContinuous, _logProbs, _values, rewards, terminated, truncated, bootstrap);
            Steps += n;
            if (!fills) return;

            // The rollout is complete: finish the previous one's updates if the budget has not, let the acting copies
            // take what was learned, then swap the buffers and queue the new updates.
            while (PendingUpdates > 0)
            {
                RunUpdate();
                OverdueUpdates++;
            }
            _collect.ComputeAdvantages(_nextValues, _s.Gamma, _s.Lambda);
            ActingPolicy.CopyParametersFrom(Policy);
            ActingValue.CopyParametersFrom(Value);
            RolloutBuffer full = _collect;
            _collect = _train;
            _collect.Clear();
            _train = full;
            _update = 0;
            PendingUpdates = _s.Epochs * _s.Minibatches;
            Rollouts++;
            _decay.Apply(PolicyTrainer, ValueTrainer, Steps);
        }

        /// <summary>One queued update: a PPO step of the policy and one of the critic on the next minibatch.</summary>
        [MethodImpl(KernelHints.Entry)]
        public void RunUpdate()
        {
            if (PendingUpdates == 0) return;
            int minibatch = _update % _s.Minibatches;
            if (minibatch == 0) _train.Shuffle();
            int m = _minibatch;
            if (_discrete) _train.Minibatch(minibatch, m, _mbObs, _mbDiscrete, _mbLogProbs, _mbValues, _mbAdvantages, _mbReturns);
            else _train.Minibatch(minibatch, m, _mbObs, _mbContinuous, _mbLogProbs, _mbValues, _mbAdvantages, _mbReturns);
            if (_s.NormalizeAdvantages) Normalize(_mbAdvantages);

            PolicyTrainer.Forward(_mbObs, _mbOut);
            if (_discrete)
            {
                LastPolicyLoss = PolicyLosses.CategoricalPpo(_mbOut, _mbDiscrete, _mbAdvantages, _mbLogProbs, _s.ClipEpsilon, _s.EntropyCoefficient, _mbGradient);
                PolicyTrainer.BackwardFromLogits(_mbGradient);
            }
            else
            {
                LastPolicyLoss = PolicyLosses.GaussianPpo(_mbOut, _mbContinuous, _mbAdvantages, _mbLogProbs, _s.ClipEpsilon, _s.EntropyCoefficient, _mbGradient);
                PolicyTrainer.Backward(_mbGradient);
            }
            PolicyTrainer.ApplyGradients();

            ValueTrainer.Forward(_mbObs, _mbV);
            LastValueLoss = PolicyLosses.ValueLoss(_mbV, _mbReturns, _mbValues, _s.ValueClip, _mbVGradient);
            ValueTrainer.Backward(_mbVGradient);
            ValueTrainer.ApplyGradients();

            _update++;
            PendingUpdates--;
            Updates++;
        }

        /// <summary>x ← (x − mean) / (std + 1e-8), the statistics in double (CleanRL's advantage normalisation; std with N − 1).</summary>
        private static void Normalize(Span<float> x)
        {
            double sum = 0;
            for (int i = 0; i < x.Length; i++) sum += x[i];
            double mean = sum / x.Length, sq = 0;
            for (int i = 0; i < x.Length; i++) sq += (x[i] - mean) * (x[i] - mean);
            double std = x.Length > 1 ? Math.Sqrt(sq / (x.Length - 1)) : 0;
            float inv = (float)(1 / (std + 1e-8)), m = (float)mean;
            for (int i = 0; i < x.Length; i++) x[i] = (x[i] - m) * inv;
        }
    }
}
