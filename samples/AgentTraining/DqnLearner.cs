using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Agents;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>The runtime's <see cref="Dqn"/> in the game loop: it keeps the observations an action was chosen from, for the transitions.</summary>
public sealed class DqnLearner : IAgentLearner
{
    private readonly Dqn _dqn;
    private readonly DqnSettings _settings;
    private readonly float[] _observations;
    private readonly int[] _actions;

    public DqnLearner(int observationSize, int actions, int agents, DqnSettings settings, ulong seed)
    {
        _settings = settings;
        _dqn = new Dqn(observationSize, actions, agents, settings, seed);
        _observations = new float[agents * observationSize];
        _actions = new int[agents];
        Models = new[] { _dqn.Network, _dqn.Target };
        Trainers = new[] { _dqn.Trainer };
    }

    public Dqn Algorithm => _dqn;
    public string Description =>
        $"double DQN (Huber loss, Adam {_settings.LearningRate:G3}, batch {_settings.BatchSize}, replay {_settings.BufferCapacity:N0}, " +
        $"{(_settings.Tau < 1f ? $"Polyak τ {_settings.Tau:G3}" : $"target copied every {_settings.TargetUpdateInterval} updates")}, " +
        $"ε {_settings.EpsilonStart:G3} → {_settings.EpsilonEnd:G3} over {_settings.EpsilonDecaySteps:N0} steps, one update per {_settings.TransitionsPerUpdate} steps)";
    public Mlp Policy => _dqn.Network;
    public IReadOnlyList<Mlp> Models { get; }
    public IReadOnlyList<Trainer> Trainers { get; }
    public long Updates => _dqn.Updates;
    public int PendingUpdates => _dqn.PendingUpdates;
    public ReadOnlySpan<int> DiscreteActions => _actions;
    public ReadOnlySpan<float> ContinuousActions => ReadOnlySpan<float>.Empty;
    public (string Label, float Value) FirstStatistic => ("loss Q", _dqn.LastLoss);
    public (string Label, float Value) SecondStatistic => ("ε", _dqn.Epsilon);

    public void Warmup() => _dqn.Trainer.Warmup();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Act(ReadOnlySpan<float> observations)
    {
        observations.CopyTo(_observations);
        _dqn.Act(observations, _actions);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Record(ReadOnlySpan<float> rewards, ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated, ReadOnlySpan<float> observationsAfter) =>
        _dqn.Record(_observations, _actions, rewards, observationsAfter, terminated, truncated);

    public void RunUpdate() => _dqn.RunUpdate();
}
