using System;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Kernels;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Agents
{
    /// <summary>
    /// Hyper-parameters of <see cref="Dqn"/>. The defaults are the AgentTraining sample's for CartPole with 32 agents,
    /// except <see cref="RewardScale"/> (the sample sets 1 − γ): docs/rl.md has the measurements behind them.
    /// </summary>
    public sealed class DqnSettings
    {
        /// <summary>Widths of the Q-network's hidden layers. Default 128, 128.</summary>
        public int[] Hidden { get; set; } = { 128, 128 };
        /// <summary>Their activation. Default relu.</summary>
        public Activation HiddenActivation { get; set; } = Activation.Relu;
        /// <summary>Adam's learning rate at the start. Default 5e-4.</summary>
        public float LearningRate { get; set; } = 5e-4f;
        /// <summary>Transitions over which the learning rate falls linearly to <see cref="LearningRateFloor"/> times its start, then stays (0 = constant). Default 300,000.</summary>
        public long LearningRateDecaySteps { get; set; } = 300_000;
        /// <summary>The learning rate's final fraction of <see cref="LearningRate"/>. Default 0.05.</summary>
        public float LearningRateFloor { get; set; } = 0.05f;
        /// <summary>Discount γ. Default 0.99.</summary>
        public float Gamma { get; set; } = 0.99f;
        /// <summary>
        /// Rewards are multiplied by this when recorded, so that Q-values are of order 1 (with the Huber loss's δ = 1, larger
        /// targets would learn in its linear, constant-gradient region). 1 − γ maps a reward of 1 per step to Q ≤ 1. Default 1.
        /// </summary>
        public float RewardScale { get; set; } = 1f;
        /// <summary>Transitions the replay buffer keeps. Default 50,000.</summary>
        public int BufferCapacity { get; set; } = 50_000;
        /// <summary>Transitions per minibatch. Default 64.</summary>
        public int BatchSize { get; set; } = 64;
        /// <summary>Transitions collected before the first update. Default 1,000.</summary>
        public int LearningStarts { get; set; } = 1_000;
        /// <summary>One update is queued per this many transitions added (CleanRL's train frequency, in transitions). Default 8.</summary>
        public int TransitionsPerUpdate { get; set; } = 8;
        /// <summary>Hard target update every this many updates (when <see cref="Tau"/> is 1). Default 250.</summary>
        public int TargetUpdateInterval { get; set; } = 250;
        /// <summary>Polyak factor of a soft target update after every update; 1 = hard updates every <see cref="TargetUpdateInterval"/>. Default 0.01.</summary>
        public float Tau { get; set; } = 0.01f;
        /// <summary>ε at the start of the schedule. Default 1.</summary>
        public float EpsilonStart { get; set; } = 1f;
        /// <summary>ε after <see cref="EpsilonDecaySteps"/> transitions, and from then on. Default 0.02.</summary>
        public float EpsilonEnd { get; set; } = 0.02f;
        /// <summary>Transitions over which ε falls linearly. Default 30,000.</summary>
        public int EpsilonDecaySteps { get; set; } = 30_000;
        /// <summary>δ of the Huber loss (1 = SB3's smooth L1). Default 1.</summary>
        public float HuberDelta { get; set; } = 1f;
        /// <summary>Global gradient-norm clipping (SB3's max_grad_norm). Default 10.</summary>
        public float ClipNorm { get; set; } = 10f;
        /// <summary>Double DQN target: the online network picks a′, the target network values it. Default true.</summary>
        public bool Double { get; set; } = true;

        internal void Validate()
        {
            if (Hidden is null || Hidden.Length == 0) throw new ArgumentException("Hidden: expected at least one hidden layer width, found none.", nameof(Hidden));
            Positive(LearningRate, nameof(LearningRate));
            if (LearningRateDecaySteps < 0) throw new ArgumentOutOfRangeException(nameof(LearningRateDecaySteps), LearningRateDecaySteps, $"LearningRateDecaySteps: expected 0 (constant) or more, found {LearningRateDecaySteps}.");
            Unit(LearningRateFloor, nameof(LearningRateFloor));
            Unit(Gamma, nameof(Gamma));
            Positive(RewardScale, nameof(RewardScale));
            AtLeast(BufferCapacity, 1, nameof(BufferCapacity));
            AtLeast(BatchSize, 1, nameof(BatchSize));
            AtLeast(LearningStarts, 1, nameof(LearningStarts));
            AtLeast(TransitionsPerUpdate, 1, nameof(TransitionsPerUpdate));
            AtLeast(TargetUpdateInterval, 1, nameof(TargetUpdateInterval));
            if (!(Tau > 0f && Tau <= 1f)) throw new ArgumentOutOfRangeException(nameof(Tau), Tau, $"Tau: expected a value in (0, 1], found {Tau}.");
            Unit(EpsilonStart, nameof(EpsilonStart));
            Unit(EpsilonEnd, nameof(EpsilonEnd));
            AtLeast(EpsilonDecaySteps, 1, nameof(EpsilonDecaySteps));
            Positive(HuberDelta, nameof(HuberDelta));
            if (!(ClipNorm >= 0f)) throw new ArgumentOutOfRangeException(nameof(ClipNorm), ClipNorm, $"ClipNorm: expected a value ≥ 0, found {ClipNorm}.");
        }

        internal static void AtLeast(int value, int min, string name)
        {
            if (value < min) throw new ArgumentOutOfRangeException(name, value, $"{name}: expected at least {min}, found {value}.");
        }

        internal static void Positive(float value, string name)
        {
            if (!(value > 0f) || float.IsInfinity(value)) throw new ArgumentOutOfRangeException(name, value, $"{name}: expected a finite value > 0, found {value}.");
        }

        internal static void Unit(float value, string name)
        {
            if (!(value >= 0f && value <= 1f)) throw new ArgumentOutOfRangeException(name, value, $"{name}: expected a value in [0, 1], found {value}.");
        }
    }

    /// <summary>
    /// Deep Q-learning for discrete actions (Mnih et al. 2015) with the double-DQN target (van Hasselt et al. 2016), for
    /// N agents acting in lockstep: ε-greedy actions from one batched <see cref="Mlp.Predict"/>, transitions into a
    /// <see cref="ReplayBuffer"/>, and minibatch updates — one queued per <see cref="DqnSettings.TransitionsPerUpdate"/>
    /// transitions, run by <see cref="RunUpdate"/> (directly, or within a frame's slice by a <see cref="TrainingBudget"/>;
    /// updates still queued when the agents act next run first — <see cref="OverdueUpdates"/> counts them — so that the
    /// same seed gives the same run whatever the budget: a budget can move DQN's updates to the start of the next frame,
    /// not further; spend less per frame by raising <see cref="DqnSettings.TransitionsPerUpdate"/>).
    /// An update regresses Q(s, a) of the action taken on y = r + γ·(1 − terminated)·Q_target(s′, argmax_a′ Q(s′, a′))
    /// with the Huber loss, through <see cref="Trainer.Forward"/> / <see cref="Trainer.Backward"/> /
    /// <see cref="Trainer.ApplyGradients"/>; the target network follows by hard copies or Polyak averaging. A truncated
    /// transition (time limit) bootstraps like a running one. Everything is allocated by the constructor.
    /// </summary>
    public sealed class Dqn : IBudgetedUpdates
    {
        private readonly DqnSettings _s;
        private readonly int _agents, _actions, _obs;
        private readonly float[] _q, _batchObs, _batchNext, _batchRewards, _batchTerminated, _qNextOnline, _qNextTarget, _targets, _batchQ, _gradient;
        private readonly int[] _batchActions;
        private Xoshiro128 _random;
        private long _transitions, _queuedSoFar;
        private LearningRateDecay _decay;

        /// <summary>Creates the online and target Q-networks, their trainer and the replay buffer; everything is allocated here.</summary>
        /// <param name="observationSize">Floats per observation.</param>
        /// <param name="actions">Number of discrete actions (≥ 2).</param>
        /// <param name="agents">Agents acting together (the rows of <see cref="Act(ReadOnlySpan{float}, Span{int})"/>).</param>
        /// <param name="settings">Hyper-parameters; defaults when null.</param>
        /// <param name="seed">Seed of the weights, the exploration and the replay sampling.</param>
        public Dqn(int observationSize, int actions, int agents, DqnSettings? settings, ulong seed)
        {
            DqnSettings.AtLeast(observationSize, 1, nameof(observationSize));
            DqnSettings.AtLeast(actions, 2, nameof(actions));
            DqnSettings.AtLeast(agents, 1, nameof(agents));
            _s = settings ?? new DqnSettings();
            _s.Validate();
            _agents = agents;
            _actions = actions;
            _obs = observationSize;
            var layers = new LayerSpec[_s.Hidden.Length + 1];
            for (int i = 0; i < _s.Hidden.Length; i++) layers[i] = new LayerSpec(_s.Hidden[i], _s.HiddenActivation);
            layers[_s.Hidden.Length] = new LayerSpec(actions, Activation.Identity);
            Network = new Mlp(observationSize, layers, seed);
            Target = Network.Clone();
            int batch = _s.BatchSize;
            Trainer = new Trainer(Network, new TrainerOptions
            {
                MaxBatch = batch, Optimizer = OptimizerSettings.Adam(_s.LearningRate), ClipNorm = _s.ClipNorm, Seed = seed ^ 0xD0,
            });
            Buffer = ReplayBuffer.ForDiscreteActions(_s.BufferCapacity, observationSize, seed ^ 0xB0FF);
            _decay = new LearningRateDecay(_s.LearningRateDecaySteps, _s.LearningRateFloor);
            _random = new Xoshiro128(seed ^ 0xE95);
            _q = new float[agents * actions];
            _batchObs = new float[batch * observationSize];
            _batchNext = new float[batch * observationSize];
            _batchRewards = new float[batch];
            _batchTerminated = new float[batch];
            _batchActions = new int[batch];
            _qNextOnline = new float[batch * actions];
            _qNextTarget = new float[batch * actions];
            _targets = new float[batch];
            _batchQ = new float[batch * actions];
            _gradient = new float[batch * actions];
        }

        /// <summary>The online Q-network: what a game ships (act greedily on its outputs).</summary>
        public Mlp Network { get; }
        /// <summary>The target network.</summary>
        public Mlp Target { get; }
        /// <summary>The online network's trainer.</summary>
        public Trainer Trainer { get; }
        /// <summary>The replay buffer.</summary>
        public ReplayBuffer Buffer { get; }
        /// <summary>Transitions recorded so far (environment steps of all agents).</summary>
        public long Transitions => _transitions;
        /// <summary>Updates run so far.</summary>
        public long Updates { get; private set; }
        /// <summary>Updates queued and not yet run.</summary>
        public int PendingUpdates { get; private set; }
        /// <summary>Updates that ran at the start of <see cref="Act(ReadOnlySpan{float}, Span{int})"/> because the frame budget had left them.</summary>
        public long OverdueUpdates { get; private set; }
        /// <summary>Huber loss of the last update (0 before the first).</summary>
        public float LastLoss { get; private set; }
        /// <summary>The exploration rate of the next actions.</summary>
        public float Epsilon
        {
            get
            {
                float f = Math.Min(1f, (float)_transitions / _s.EpsilonDecaySteps);
                return _s.EpsilonStart + f * (_s.EpsilonEnd - _s.EpsilonStart);
            }
        }

        /// <summary>
        /// ε-greedy actions for every agent: one batched Predict of the Q-values, then per agent a uniformly random
        /// action with probability ε, else the one with the largest Q (the lowest index on ties).
        /// </summary>
        /// <param name="observations">[agents, observationSize].</param>
        /// <param name="actions">[agents] receives the actions.</param>
        [MethodImpl(KernelHints.Entry)]
        public void Act(ReadOnlySpan<float> observations, Span<int> actions) => Act(observations, actions, Network);

        /// <summary>
        /// ε-greedy actions from the Q-values of <paramref name="network"/> — a copy of <see cref="Network"/> that the game
        /// deploys while the online network trains (DQN is off-policy: the transitions may come from any policy), e.g.
        /// <see cref="PolicyGate.Acting"/>. The same exploration as <see cref="Act(ReadOnlySpan{float}, Span{int})"/>.
        /// </summary>
        /// <param name="observations">[agents, observationSize].</param>
        /// <param name="actions">[agents] receives the actions.</param>
        /// <param name="network">A network shaped as <see cref="Network"/> (observationSize inputs, one output per action).</param>
        [MethodImpl(KernelHints.Entry)]
        public void Act(ReadOnlySpan<float> observations, Span<int> actions, Mlp network)
        {
            if (network is null) throw new ArgumentNullException(nameof(network));
            if (network.InputCount != _obs || network.OutputCount != _actions)
                throw new ArgumentException($"network: expected {_obs} inputs and {_actions} outputs (the Q-network's shape), found {network.InputCount} and {network.OutputCount}.", nameof(network));
            if (actions.Length != _agents) throw new ArgumentException($"actions: expected {_agents} entries (one per agent), found {actions.Length}.", nameof(actions));
            if (observations.Length != _agents * _obs)
                throw new ArgumentException($"observations: expected {_agents}×{_obs} = {_agents * _obs} floats, found {observations.Length}.", nameof(observations));
            while (PendingUpdates > 0)
            {
                RunUpdate();
                OverdueUpdates++;
            }
            network.Predict(observations, _q);
            float epsilon = Epsilon;
            for (int i = 0; i < _agents; i++)
                actions[i] = _random.NextFloat() < epsilon ? _random.NextInt(_actions) : ArgMax(_q.AsSpan(i * _actions, _actions));
        }

        /// <summary>
        /// Records one step of every agent — what it saw, did and got, and the observation right after the step (before an
        /// ended episode restarts) — and queues the updates these transitions are worth.
        /// </summary>
        [MethodImpl(KernelHints.Entry)]
        public void Record(ReadOnlySpan<float> observations, ReadOnlySpan<int> actions, ReadOnlySpan<float> rewards, ReadOnlySpan<float> nextObservations,
            ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated)
        {
            int n = _agents, o = _obs;
            if (observations.Length != n * o) throw new ArgumentException($"observations: expected {n}×{o} = {n * o} floats, found {observations.Length}.", nameof(observations));
            if (nextObservations.Length != n * o) throw new ArgumentException($"nextObservations: expected {n}×{o} = {n * o} floats, found {nextObservations.Length}.", nameof(nextObservations));
            if (actions.Length != n || rewards.Length != n || terminated.Length != n || truncated.Length != n)
                throw new ArgumentException($"actions, rewards, terminated, truncated: expected {n} entries each (one per agent), found {actions.Length}, {rewards.Length}, {terminated.Length}, {truncated.Length}.");
            Span<int> a = SpanAccess.View(actions);
            Span<float> r = SpanAccess.View(rewards);
            Span<bool> term = SpanAccess.View(terminated), trunc = SpanAccess.View(truncated);
            for (int i = 0; i < n; i++)
                Buffer.Add(observations.Slice(i * o, o), a[i], r[i] * _s.RewardScale, nextObservations.Slice(i * o, o), term[i], trunc[i]);
            _transitions += n;
            if (_transitions >= _s.LearningStarts)
            {
                long due = (_transitions - _s.LearningStarts) / _s.TransitionsPerUpdate + 1;
                PendingUpdates += (int)(due - _queuedSoFar);
                _queuedSoFar = due;
            }
        }

        /// <summary>One minibatch update of the online network (and the target network's follow-up), if one is queued.</summary>
        [MethodImpl(KernelHints.Entry)]
        public void RunUpdate()
        {
            if (PendingUpdates == 0) return;
            PendingUpdates--;
            int b = _s.BatchSize, k = _actions;
            Buffer.Sample(b, _batchObs, _batchActions, _batchRewards, _batchNext, _batchTerminated);
            Target.Predict(_batchNext, _qNextTarget);
            if (_s.Double) Network.Predict(_batchNext, _qNextOnline);
            Targets(_batchRewards, _batchTerminated, _s.Double ? _qNextOnline : _qNextTarget, _qNextTarget, _s.Gamma, _targets);
            _decay.Apply(Trainer, _transitions);
            Trainer.Forward(_batchObs, _batchQ);
            LastLoss = Losses.Huber(_batchQ, _batchActions, _targets, _s.HuberDelta, default, _gradient);
            Trainer.Backward(_gradient);
            Trainer.ApplyGradients();
            Updates++;
            if (_s.Tau < 1f) Target.SoftUpdateFrom(Network, _s.Tau);
            else if (Updates % _s.TargetUpdateInterval == 0) Target.CopyParametersFrom(Network);
        }

        /// <summary>
        /// The regression targets y_i = r_i + γ·(1 − terminated_i)·Q_target(s′_i, a′_i), a′_i = argmax_a Q_select(s′_i, a):
        /// with <paramref name="qSelect"/> the online network's values this is double DQN, with the target network's
        /// own values the original DQN target max_a Q_target(s′, a). Q arrays are [rows, actions].
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        internal static void Targets(ReadOnlySpan<float> rewards, ReadOnlySpan<float> terminated, ReadOnlySpan<float> qSelect,
            ReadOnlySpan<float> qTarget, float gamma, Span<float> targets)
        {
            int rows = targets.Length, k = qTarget.Length / rows;
            Span<float> r = SpanAccess.View(rewards), done = SpanAccess.View(terminated), select = SpanAccess.View(qSelect), value = SpanAccess.View(qTarget);
            for (int i = 0; i < rows; i++)
            {
                float next = value[i * k + ArgMax(select.Slice(i * k, k))];
                targets[i] = r[i] + gamma * (1f - done[i]) * next;
            }
        }

        /// <summary>Index of the largest value (the first of equal ones).</summary>
        [MethodImpl(KernelHints.Optimize)]
        internal static int ArgMax(Span<float> values)
        {
            int best = 0;
            for (int j = 1; j < values.Length; j++) if (values[j] > values[best]) best = j;
            return best;
        }
    }
}
