using System;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>A game world of <see cref="Count"/> agents, each in its own episode, stepped together once a frame.</summary>
public interface IArena
{
    /// <summary>Number of agents.</summary>
    int Count { get; }
    /// <summary>Floats per observation.</summary>
    int ObservationSize { get; }
    /// <summary>Discrete actions per agent (0 when actions are continuous).</summary>
    int DiscreteActions { get; }
    /// <summary>Floats per continuous action (0 when actions are discrete).</summary>
    int ContinuousActions { get; }

    /// <summary>Writes every agent's observation, [Count, ObservationSize].</summary>
    void Observe(Span<float> observations);

    /// <summary>One tick of every agent under the learner's actions: rewards and how each episode ended (terminated: for real; truncated: time limit).</summary>
    void Step(IAgentLearner learner, Span<float> rewards, Span<bool> terminated, Span<bool> truncated);

    /// <summary>Restarts the agents whose episode ended, recording each finished episode's score in <paramref name="episodes"/> and writing its new first observation.</summary>
    void ResetEnded(ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated, EpisodeStats episodes, Span<float> observations);
}
