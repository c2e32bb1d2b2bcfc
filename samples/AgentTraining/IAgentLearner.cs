using System;
using System.Collections.Generic;
using EmbeddedMlp.Agents;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>
/// What the game loop needs from a learning algorithm: act for every agent, record what happened, and learn through
/// queued updates that a <see cref="TrainingBudget"/> runs within each frame's slice.
/// </summary>
public interface IAgentLearner : IBudgetedUpdates
{
    /// <summary>One line on the algorithm and its settings.</summary>
    string Description { get; }
    /// <summary>The network a game ships (the policy; DQN's Q-network).</summary>
    Mlp Policy { get; }
    /// <summary>The models a <see cref="PolicyGuard"/> saves and restores together.</summary>
    IReadOnlyList<Mlp> Models { get; }
    /// <summary>Their trainers.</summary>
    IReadOnlyList<Trainer> Trainers { get; }
    /// <summary>Updates run so far.</summary>
    long Updates { get; }
    /// <summary>The actions chosen by the last <see cref="Act"/> (discrete learners).</summary>
    ReadOnlySpan<int> DiscreteActions { get; }
    /// <summary>The actions chosen by the last <see cref="Act"/> (continuous learners).</summary>
    ReadOnlySpan<float> ContinuousActions { get; }
    /// <summary>Two numbers for the progress line (policy and value loss; Q loss and ε for DQN) and their labels.</summary>
    (string Label, float Value) FirstStatistic { get; }
    (string Label, float Value) SecondStatistic { get; }

    /// <summary>The loading screen: every path compiled and every buffer made, state left as it was.</summary>
    void Warmup();
    /// <summary>Chooses every agent's action from its observation, [agents, ObservationSize].</summary>
    void Act(ReadOnlySpan<float> observations);
    /// <summary>What the tick did: rewards, episode ends, and the observations right after it (before ended episodes restart).</summary>
    void Record(ReadOnlySpan<float> rewards, ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated, ReadOnlySpan<float> observationsAfter);
}
