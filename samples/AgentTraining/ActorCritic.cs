using System;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>
/// Advantage actor-critic with n-step returns, learning every frame from every agent at once.
/// <list type="bullet">
/// <item>Policy: obs → 64 tanh → 64 tanh → softmax over actions (relu instead of tanh if so set), shared by all agents
/// (one batched <c>Predict</c>).</item>
/// <item>Critic: obs → 64 tanh → 64 tanh → 1, the expected discounted return V(s) (in units of 1/(1 − γ)).</item>
/// <item>A ring of the last <c>Horizon</c> frames. Each frame, the oldest frame's ticks (one per agent) get their
/// n-step return G (rewards of the following ticks plus γⁿ·V of the current state, cut at episode ends), and
/// <b>one</b> step of each network learns from that mini-batch: the policy with class targets = the actions taken
/// and sample weights = the normalised advantages A = G − V(s) (the policy-gradient loss −mean(A·log π(a|s))), plus
/// an entropy bonus β·H(π) that keeps the policy from turning deterministic too early; the critic by regression on G.</item>
/// </list>
/// Every buffer is allocated by the constructor; <see cref="Act"/> and <see cref="Record"/> allocate nothing. The
/// methods that run every frame are marked <c>AggressiveOptimization</c>, as game code called every frame should be:
/// compiled fully optimised at their first call, they are never recompiled mid-game (tier-up, or on-stack replacement
/// of a hot loop, which compiles on the game's thread).
/// </summary>
public sealed class ActorCritic
{
    private const int Obs = CartPole.ObservationSize, Actions = CartPole.ActionCount;

    private readonly ActorCriticSettings _settings;
    private readonly Trainer _policyTrainer, _valueTrainer;
    private readonly int _agents, _horizon;
    private readonly float _rewardScale;
    private Xoshiro128 _rng;
    private long _frame;

    // The ring of played frames: [horizon, agents, …].
    private readonly float[] _ringObs, _ringValue, _ringReward, _ringFinalValue;
    private readonly int[] _ringAction;
    private readonly TickOutcome[] _ringOutcome;

    // Per-frame scratch, [agents, …].
    private readonly float[] _probs, _values, _returns, _advantages, _oneValue, _batchProbs, _policyTargets;

    public ActorCritic(int agents, ActorCriticSettings settings, ulong seed)
    {
        if (agents < 2) throw new ArgumentOutOfRangeException(nameof(agents), agents, $"agents: expected at least 2 (advantages are normalised over the batch), found {agents}.");
        _settings = settings;
        _agents = agents;
        _horizon = settings.Horizon;
        // Rewards are scaled so that returns stay in [0, 1]: the critic regresses on values of order 1.
        _rewardScale = 1f - settings.Gamma;
        _rng = new Xoshiro128(seed ^ 0xAC7);

        Policy = new Mlp(Obs, new[]
        {
            new LayerSpec(settings.Hidden, settings.HiddenActivation),
            new LayerSpec(settings.Hidden, settings.HiddenActivation),
            new LayerSpec(Actions, Activation.Softmax),
        }, seed);
        Value = new Mlp(Obs, new[]
        {
            new LayerSpec(settings.Hidden, settings.HiddenActivation),
            new LayerSpec(settings.Hidden, settings.HiddenActivation),
            new LayerSpec(1, Activation.Identity),
        }, seed + 1);
        _policyTrainer = new Trainer(Policy, new TrainerOptions { MaxBatch = agents, Optimizer = OptimizerSettings.Adam(settings.PolicyLearningRate), ClipNorm = settings.ClipNorm });
        _valueTrainer = new Trainer(Value, new TrainerOptions { MaxBatch = agents, Optimizer = OptimizerSettings.Adam(settings.ValueLearningRate), ClipNorm = settings.ClipNorm });

        _ringObs = new float[_horizon * agents * Obs];
        _ringValue = new float[_horizon * agents];
        _ringReward = new float[_horizon * agents];
        _ringFinalValue = new float[_horizon * agents];
        _ringAction = new int[_horizon * agents];
        _ringOutcome = new TickOutcome[_horizon * agents];
        _probs = new float[agents * Actions];
        _values = new float[agents];
        _returns = new float[agents];
        _advantages = new float[agents];
        _oneValue = new float[1];
        _batchProbs = new float[agents * Actions];
        _policyTargets = new float[agents * Actions];

    }

    /// <summary>
    /// The loading screen: runs every path of both networks once (<see cref="Trainer.Warmup"/>, which also warms
    /// batched and one-row inference), leaving weights and optimizer state as they were.
    /// </summary>
    public void Warmup()
    {
        _policyTrainer.Warmup();
        _valueTrainer.Warmup();
    }

    /// <summary>The shared policy (what a shipped game keeps).</summary>
    public Mlp Policy { get; }
    /// <summary>The critic (only needed while learning).</summary>
    public Mlp Value { get; }
    /// <summary>Training steps taken by each network.</summary>
    public long Steps => _policyTrainer.StepCount;
    /// <summary>Policy loss of the last step (0 before the first).</summary>
    public float LastPolicyLoss { get; private set; }
    /// <summary>Critic loss of the last step (0 before the first).</summary>
    public float LastValueLoss { get; private set; }

    /// <summary>
    /// The frame's decision and learning step: one batched <c>Predict</c> of the policy (every agent's action
    /// probabilities) and of the critic, one training step of each on the frame played <c>Horizon</c> frames ago,
    /// then an action sampled per agent. <paramref name="observations"/> [agents, 4] → <paramref name="actions"/> [agents].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Act(ReadOnlySpan<float> observations, Span<int> actions)
    {
        Policy.Predict(observations, _probs);
        Value.Predict(observations, _values);

        int slot = (int)(_frame % _horizon);
        if (_frame >= _horizon) Learn(slot);

        observations.CopyTo(_ringObs.AsSpan(slot * _agents * Obs, _agents * Obs));
        _values.CopyTo(_ringValue.AsSpan(slot * _agents, _agents));
        for (int i = 0; i < _agents; i++)
        {
            int a = Sample(_probs.AsSpan(i * Actions, Actions));
            actions[i] = a;
            _ringAction[slot * _agents + i] = a;
        }
    }

    /// <summary>
    /// What the game did with this frame's actions: rewards, outcomes and the observations right after the tick
    /// (before ended episodes restart; for a time-up that is the state whose value the return is cut with).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Record(ReadOnlySpan<float> rewards, ReadOnlySpan<TickOutcome> outcomes, ReadOnlySpan<float> observationsAfter)
    {
        int slot = (int)(_frame % _horizon);
        for (int i = 0; i < _agents; i++)
        {
            int k = slot * _agents + i;
            _ringReward[k] = rewards[i];
            _ringOutcome[k] = outcomes[i];
            _ringFinalValue[k] = 0f;
            if (outcomes[i] == TickOutcome.TimeUp)
            {
                Value.Predict(observationsAfter.Slice(i * Obs, Obs), _oneValue);
                _ringFinalValue[k] = _oneValue[0];
            }
        }
        _frame++;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Sample(ReadOnlySpan<float> probabilities)
    {
        float u = _rng.NextFloat(), cumulative = 0f;
        for (int a = 0; a < probabilities.Length - 1; a++)
        {
            cumulative += probabilities[a];
            if (u < cumulative) return a;
        }
        return probabilities.Length - 1;
    }

    /// <summary>Learns from the ticks in <paramref name="oldest"/> (played Horizon frames ago); <c>_values</c> holds V of the current states.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Learn(int oldest)
    {
        float gamma = _settings.Gamma;
        double sum = 0;
        for (int i = 0; i < _agents; i++)
        {
            float g = _values[i];
            for (int back = 1; back <= _horizon; back++)
            {
                int k = ((oldest - back + _horizon) % _horizon) * _agents + i; // newest first, ends at the oldest slot
                float next = _ringOutcome[k] switch
                {
                    TickOutcome.Failed => 0f,
                    TickOutcome.TimeUp => _ringFinalValue[k],
                    _ => g,
                };
                g = _ringReward[k] * _rewardScale + gamma * next;
            }
            _returns[i] = g;
            _advantages[i] = g - _ringValue[oldest * _agents + i];
            sum += _advantages[i];
        }

        // Normalise the advantages over the batch: the step size no longer depends on the scale of the returns.
        float mean = (float)(sum / _agents);
        double variance = 0;
        for (int i = 0; i < _agents; i++) variance += (_advantages[i] - mean) * (_advantages[i] - mean);
        float invStd = 1f / (MathF.Sqrt((float)(variance / _agents)) + 1e-6f);
        for (int i = 0; i < _agents; i++) _advantages[i] = (_advantages[i] - mean) * invStd;

        ReadOnlySpan<float> obs = _ringObs.AsSpan(oldest * _agents * Obs, _agents * Obs);
        BuildPolicyTargets(obs, _ringAction.AsSpan(oldest * _agents, _agents));
        LastPolicyLoss = _policyTrainer.Step(obs, _policyTargets).Loss;
        LastValueLoss = _valueTrainer.Step(obs, _returns).Loss;
    }

    /// <summary>
    /// Target rows whose cross-entropy gradient is the actor-critic gradient with an entropy bonus. For target rows t
    /// the trainer's softmax cross-entropy has ∂ℓ/∂z = π·Σt − t; the loss we want, −A·log π(a) − β·H(π), has
    /// ∂/∂z = −[A·(onehot(a) − π) − β·π∘(log π + H)]. Taking t = A·(onehot(a) − π) − β·π∘(log π + H), whose entries
    /// sum to 0, makes the two equal. (Without the entropy term, class targets = actions and sample weights = A give
    /// the same gradient: <c>Step(obs, actions, advantages)</c>.) π is the policy's current output on the batch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BuildPolicyTargets(ReadOnlySpan<float> obs, ReadOnlySpan<int> actions)
    {
        Policy.Predict(obs, _batchProbs);
        float beta = _settings.EntropyBonus;
        for (int i = 0; i < _agents; i++)
        {
            ReadOnlySpan<float> p = _batchProbs.AsSpan(i * Actions, Actions);
            Span<float> t = _policyTargets.AsSpan(i * Actions, Actions);
            float entropy = 0f;
            for (int j = 0; j < Actions; j++) entropy -= p[j] * MathF.Log(MathF.Max(p[j], 1e-12f));
            for (int j = 0; j < Actions; j++)
            {
                float onehot = j == actions[i] ? 1f : 0f;
                t[j] = _advantages[i] * (onehot - p[j]) - beta * p[j] * (MathF.Log(MathF.Max(p[j], 1e-12f)) + entropy);
            }
        }
    }
}
