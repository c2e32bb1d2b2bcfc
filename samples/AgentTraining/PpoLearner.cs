using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Agents;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>The runtime's <see cref="Ppo"/> in the game loop, with a categorical policy (CartPole) or a Gaussian one (the pendulum).</summary>
public sealed class PpoLearner : IAgentLearner
{
    private readonly Ppo _ppo;
    private readonly PpoSettings _settings;
    private readonly int[] _discrete;
    private readonly float[] _continuous;

    public PpoLearner(int observationSize, int discreteActions, int continuousActions, int agents, PpoSettings settings, ulong seed)
    {
        _settings = settings;
        _ppo = discreteActions > 0
            ? Ppo.Categorical(observationSize, discreteActions, agents, settings, seed)
            : Ppo.Gaussian(observationSize, continuousActions, agents, settings, seed);
        _discrete = discreteActions > 0 ? new int[agents] : Array.Empty<int>();
        _continuous = discreteActions > 0 ? Array.Empty<float>() : new float[agents * continuousActions];
        Models = new[] { _ppo.Policy, _ppo.Value };
        Trainers = new[] { _ppo.PolicyTrainer, _ppo.ValueTrainer };
    }

    public Ppo Algorithm => _ppo;
    public string Description =>
        $"PPO ({(_discrete.Length > 0 ? "categorical" : "Gaussian")} policy, {_settings.Steps}-step rollouts, {_settings.Epochs} epochs × {_settings.Minibatches} minibatches of {_ppo.MinibatchSize}, " +
        $"Adam {_settings.LearningRate:G3}, γ {_settings.Gamma:G3}, λ {_settings.Lambda:G3}, clip {_settings.ClipEpsilon:G3}, entropy {_settings.EntropyCoefficient:G3})";
    public Mlp Policy => _ppo.Policy;
    public IReadOnlyList<Mlp> Models { get; }
    public IReadOnlyList<Trainer> Trainers { get; }
    public long Updates => _ppo.Updates;
    public int PendingUpdates => _ppo.PendingUpdates;
    public ReadOnlySpan<int> DiscreteActions => _discrete;
    public ReadOnlySpan<float> ContinuousActions => _continuous;
    public (string Label, float Value) FirstStatistic => ("loss π", _ppo.LastPolicyLoss.Loss);
    public (string Label, float Value) SecondStatistic => ("V", _ppo.LastValueLoss);

    public void Warmup()
    {
        _ppo.PolicyTrainer.Warmup();
        _ppo.ValueTrainer.Warmup();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Act(ReadOnlySpan<float> observations)
    {
        if (_discrete.Length > 0) _ppo.Act(observations, _discrete);
        else _ppo.Act(observations, _continuous);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Record(ReadOnlySpan<float> rewards, ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated, ReadOnlySpan<float> observationsAfter) =>
        _ppo.Record(rewards, terminated, truncated, observationsAfter);

    public void RunUpdate() => _ppo.RunUpdate();
}
