using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Agents;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>
/// The runtime's <see cref="Dqn"/> in the game loop: it keeps the observations an action was chosen from, for the
/// transitions. With a <see cref="PolicyGate"/> the agents act with the gate's deployed network, the online network
/// trains behind it, and the gate's evaluation steps are queued with the updates (after them, in the same frame's budget).
/// </summary>
public sealed class DqnLearner : IAgentLearner
{
    private readonly Dqn _dqn;
    private readonly DqnSettings _settings;
    private readonly PolicyGate? _gate;
    private readonly int _agents, _evaluationBatch;
    private readonly float[] _observations;
    private readonly int[] _actions;

    /// <param name="gate">Evaluation gating (null = the online network acts, plain DQN).</param>
    /// <param name="evaluator">The private simulation the gate evaluates candidates on (with <paramref name="gate"/>).</param>
    /// <param name="evaluationBatch">Rows of the evaluator's Predict calls (for the warm-up).</param>
    public DqnLearner(int observationSize, int actions, int agents, DqnSettings settings, ulong seed,
        PolicyGateSettings? gate = null, IPolicyEvaluator? evaluator = null, int evaluationBatch = 1)
    {
        _settings = settings;
        _agents = agents;
        _evaluationBatch = evaluationBatch;
        _dqn = new Dqn(observationSize, actions, agents, settings, seed);
        if (gate is not null)
            _gate = new PolicyGate(_dqn.Network, evaluator ?? throw new ArgumentNullException(nameof(evaluator), "evaluator: expected the simulation a gate evaluates on, found null."), gate);
        _observations = new float[agents * observationSize];
        _actions = new int[agents];
        Models = new[] { _dqn.Network, _dqn.Target };
        Trainers = new[] { _dqn.Trainer };
    }

    public Dqn Algorithm => _dqn;
    /// <summary>The evaluation gate (null without one).</summary>
    public PolicyGate? Gate => _gate;
    public string Description =>
        $"double DQN (Huber loss, Adam {_settings.LearningRate:G3}, batch {_settings.BatchSize}, replay {_settings.BufferCapacity:N0}, " +
        $"{(_settings.Tau < 1f ? $"Polyak τ {_settings.Tau:G3}" : $"target copied every {_settings.TargetUpdateInterval} updates")}, " +
        $"ε {_settings.EpsilonStart:G3} → {_settings.EpsilonEnd:G3} over {_settings.EpsilonDecaySteps:N0} steps, one update per {_settings.TransitionsPerUpdate} steps" +
        (_gate is null ? ")" : "; evaluation gate: the agents act with the last promoted network)");
    /// <summary>The network a game ships: the deployed one with a gate (the online one before the gate is armed).</summary>
    public Mlp Policy => _gate?.Acting ?? _dqn.Network;
    public IReadOnlyList<Mlp> Models { get; }
    public IReadOnlyList<Trainer> Trainers { get; }
    public long Updates => _dqn.Updates;
    public int PendingUpdates => _dqn.PendingUpdates + (_gate?.PendingUpdates ?? 0);
    public ReadOnlySpan<int> DiscreteActions => _actions;
    public ReadOnlySpan<float> ContinuousActions => ReadOnlySpan<float>.Empty;
    public (string Label, float Value) FirstStatistic => ("loss Q", _dqn.LastLoss);
    public (string Label, float Value) SecondStatistic => ("ε", _dqn.Epsilon);

    public void Warmup()
    {
        _dqn.Trainer.Warmup();
        if (_gate is null) return;
        _gate.Deployed.Warmup(_agents);
        _gate.Candidate.Warmup(_evaluationBatch);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Act(ReadOnlySpan<float> observations)
    {
        observations.CopyTo(_observations);
        if (_gate is null)
        {
            _dqn.Act(observations, _actions);
            return;
        }
        // What the last frame's budget left, in the budget's order (updates, then evaluation steps): the run does not
        // depend on the budget.
        while (_dqn.PendingUpdates > 0) _dqn.RunUpdate();
        _gate.RunPending();
        _dqn.Act(observations, _actions, _gate.Acting);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Record(ReadOnlySpan<float> rewards, ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated, ReadOnlySpan<float> observationsAfter)
    {
        _dqn.Record(_observations, _actions, rewards, observationsAfter, terminated, truncated);
        _gate?.QueueFrame();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RunUpdate()
    {
        if (_dqn.PendingUpdates > 0) _dqn.RunUpdate();
        else _gate?.RunUpdate();
    }
}
