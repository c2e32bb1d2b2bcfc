using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>
/// Advantage actor-critic (A2C) with n-step returns, learning every frame from every agent at once — the sample's own
/// algorithm, over the runtime's forward / backward / apply API and its policy-gradient loss.
/// <list type="bullet">
/// <item>Policy: obs → 64 tanh → 64 tanh → softmax over actions, shared by all agents (one batched <c>Predict</c>).</item>
/// <item>Critic: obs → 64 tanh → 64 tanh → 1, the expected discounted return V(s) (in units of 1/(1 − γ)).</item>
/// <item>A ring of the last <c>Horizon</c> frames. Each frame, the oldest frame's ticks (one per agent) get their
/// n-step return G (rewards of the following ticks plus γⁿ·V of the current state, cut at episode ends; a time-up is
/// bootstrapped with V of its last state), and <b>one</b> update learns from that minibatch: the policy minimises
/// −mean(Â·ln π(a|s)) − β·H(π) (<see cref="PolicyLosses.CategoricalPolicyGradient"/>, backward from the logits), the
/// critic regresses on G.</item>
/// <item>Advantages Â = G − V(s) are normalised over the batch (mean 0, standard deviation 1).</item>
/// </list>
/// Every buffer is allocated by the constructor; nothing is allocated per frame. The methods that run every frame are
/// marked <c>AggressiveOptimization</c>, as game code called every frame should be: compiled fully optimised at their
/// first call, they are never recompiled mid-game (tier-up, or on-stack replacement of a hot loop, which compiles on
/// the game's thread).
/// </summary>
public sealed class ActorCritic : IAgentLearner
{
    private readonly int _obs, _actions;
    private readonly ActorCriticSettings _settings;
    private readonly Trainer _policyTrainer, _valueTrainer;
    private readonly int _agents, _horizon;
    private readonly float _rewardScale;
    private Xoshiro128 _rng;
    private long _frame;

    // The ring of played frames: [horizon, agents, …].
    private readonly float[] _ringObs, _ringValue, _ringReward, _ringFinalValue;
    private readonly int[] _ringAction;
    private readonly bool[] _ringTerminated, _ringTruncated;

    // Per-frame scratch, [agents, …], and the minibatch of the queued update.
    private readonly float[] _probs, _values, _oneValue, _batchObs, _batchProbs, _returns, _advantages, _logitGradients;
    private readonly int[] _chosen, _batchActions;

    public ActorCritic(int observationSize, int actions, int agents, ActorCriticSettings settings, ulong seed)
    {
        if (agents < 2) throw new ArgumentOutOfRangeException(nameof(agents), agents, $"agents: expected at least 2 (advantages are normalised over the batch), found {agents}.");
        _settings = settings;
        _obs = observationSize;
        _actions = actions;
        _agents = agents;
        _horizon = settings.Horizon;
        // Rewards are scaled so that returns stay in [0, 1]: the critic regresses on values of order 1.
        _rewardScale = 1f - settings.Gamma;
        _rng = new Xoshiro128(seed ^ 0xAC7);

        Policy = new Mlp(observationSize, new[]
        {
            new LayerSpec(settings.Hidden, settings.HiddenActivation),
            new LayerSpec(settings.Hidden, settings.HiddenActivation),
            new LayerSpec(actions, Activation.Softmax),
        }, seed);
        Value = new Mlp(observationSize, new[]
        {
            new LayerSpec(settings.Hidden, settings.HiddenActivation),
            new LayerSpec(settings.Hidden, settings.HiddenActivation),
            new LayerSpec(1, Activation.Identity),
        }, seed + 1);
        _policyTrainer = new Trainer(Policy, new TrainerOptions { MaxBatch = agents, Optimizer = OptimizerSettings.Adam(settings.PolicyLearningRate), ClipNorm = settings.ClipNorm });
        _valueTrainer = new Trainer(Value, new TrainerOptions { MaxBatch = agents, Optimizer = OptimizerSettings.Adam(settings.ValueLearningRate), ClipNorm = settings.ClipNorm });
        Models = new[] { Policy, Value };
        Trainers = new[] { _policyTrainer, _valueTrainer };

        _ringObs = new float[_horizon * agents * observationSize];
        _ringValue = new float[_horizon * agents];
        _ringReward = new float[_horizon * agents];
        _ringFinalValue = new float[_horizon * agents];
        _ringAction = new int[_horizon * agents];
        _ringTerminated = new bool[_horizon * agents];
        _ringTruncated = new bool[_horizon * agents];
        _probs = new float[agents * actions];
        _values = new float[agents];
        _oneValue = new float[1];
        _chosen = new int[agents];
        _batchObs = new float[agents * observationSize];
        _batchActions = new int[agents];
        _batchProbs = new float[agents * actions];
        _returns = new float[agents];
        _advantages = new float[agents];
        _logitGradients = new float[agents * actions];
    }

    /// <summary>The shared policy (what a shipped game keeps).</summary>
    public Mlp Policy { get; }
    /// <summary>The critic (only needed while learning).</summary>
    public Mlp Value { get; }
    public IReadOnlyList<Mlp> Models { get; }
    public IReadOnlyList<Trainer> Trainers { get; }
    public string Description =>
        $"advantage actor-critic ({_horizon}-step returns, {_settings.HiddenActivation.ToName()} hidden layers, Adam {_settings.PolicyLearningRate:G3} / {_settings.ValueLearningRate:G3}, entropy {_settings.EntropyBonus:G3})";
    public long Updates { get; private set; }
    public int PendingUpdates { get; private set; }
    public ReadOnlySpan<int> DiscreteActions => _chosen;
    public ReadOnlySpan<float> ContinuousActions => ReadOnlySpan<float>.Empty;
    /// <summary>Policy loss of the last update (0 before the first).</summary>
    public float LastPolicyLoss { get; private set; }
    /// <summary>Critic loss of the last update (0 before the first).</summary>
    public float LastValueLoss { get; private set; }
    public (string Label, float Value) FirstStatistic => ("loss π", LastPolicyLoss);
    public (string Label, float Value) SecondStatistic => ("V", LastValueLoss);

    public void Warmup()
    {
        _policyTrainer.Warmup();
        _valueTrainer.Warmup();
    }

    /// <summary>
    /// The frame's decision: one batched <c>Predict</c> of the policy (every agent's action probabilities) and of the
    /// critic, the minibatch of the frame played <c>Horizon</c> frames ago prepared for the update, then an action
    /// sampled per agent.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Act(ReadOnlySpan<float> observations)
    {
        Policy.Predict(observations, _probs);
        Value.Predict(observations, _values);

        int slot = (int)(_frame % _horizon);
        if (_frame >= _horizon)
        {
            while (PendingUpdates > 0) RunUpdate(); // the budget left last frame's update: it learns from the slot reused now
            PrepareBatch(slot);
            PendingUpdates = 1;
        }

        observations.CopyTo(_ringObs.AsSpan(slot * _agents * _obs, _agents * _obs));
        _values.CopyTo(_ringValue.AsSpan(slot * _agents, _agents));
        for (int i = 0; i < _agents; i++)
        {
            int a = Sample(_probs.AsSpan(i * _actions, _actions));
            _chosen[i] = a;
            _ringAction[slot * _agents + i] = a;
        }
    }

    /// <summary>
    /// What the game did with this frame's actions: rewards, episode ends and the observations right after the tick
    /// (before ended episodes restart; for a time-up that is the state whose value the return is cut with).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Record(ReadOnlySpan<float> rewards, ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated, ReadOnlySpan<float> observationsAfter)
    {
        int slot = (int)(_frame % _horizon);
        for (int i = 0; i < _agents; i++)
        {
            int k = slot * _agents + i;
            _ringReward[k] = rewards[i];
            _ringTerminated[k] = terminated[i];
            _ringTruncated[k] = truncated[i];
            _ringFinalValue[k] = 0f;
            if (truncated[i])
            {
                Value.Predict(observationsAfter.Slice(i * _obs, _obs), _oneValue);
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

    /// <summary>
    /// The minibatch of the ticks in <paramref name="oldest"/> (played Horizon frames ago): their observations, actions,
    /// n-step returns and normalised advantages; <c>_values</c> holds V of the current states.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PrepareBatch(int oldest)
    {
        float gamma = _settings.Gamma;
        double sum = 0;
        for (int i = 0; i < _agents; i++)
        {
            float g = _values[i];
            for (int back = 1; back <= _horizon; back++)
            {
                int k = ((oldest - back + _horizon) % _horizon) * _agents + i; // newest first, ends at the oldest slot
                float next = _ringTerminated[k] ? 0f : _ringTruncated[k] ? _ringFinalValue[k] : g;
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
        float inv = 1f / (MathF.Sqrt((float)(variance / _agents)) + 1e-6f);
        for (int i = 0; i < _agents; i++) _advantages[i] = (_advantages[i] - mean) * inv;

        _ringObs.AsSpan(oldest * _agents * _obs, _agents * _obs).CopyTo(_batchObs);
        _ringAction.AsSpan(oldest * _agents, _agents).CopyTo(_batchActions);
    }

    /// <summary>The queued update: one policy-gradient step of the policy (with entropy bonus) and one regression step of the critic.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RunUpdate()
    {
        if (PendingUpdates == 0) return;
        PendingUpdates = 0;
        _policyTrainer.Forward(_batchObs, _batchProbs);
        LastPolicyLoss = PolicyLosses.CategoricalPolicyGradient(_batchProbs, _batchActions, _advantages, _settings.EntropyBonus, _logitGradients).Loss;
        _policyTrainer.BackwardFromLogits(_logitGradients);
        _policyTrainer.ApplyGradients();
        LastValueLoss = _valueTrainer.Step(_batchObs, _returns).Loss;
        Updates++;
    }
}
