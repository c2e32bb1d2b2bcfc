using System;
using System.Runtime.CompilerServices;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>
/// <see cref="Count"/> pendulums side by side, each in its own episode of <see cref="EpisodeLength"/> steps (Gym's
/// Pendulum-v1 time limit: the episode is truncated, never terminated). An episode's score is its return (sum of
/// rewards, from about −1,600 to 0). Every array is allocated here, once.
/// </summary>
public sealed class PendulumArena : IArena
{
    /// <summary>Steps per episode.</summary>
    public const int EpisodeLength = 200;

    private readonly Pendulum[] _pendulums;
    private readonly int[] _ticks;
    private readonly float[] _returns;
    private Xoshiro128 _rng;

    public PendulumArena(int count, ulong seed)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, $"count: expected at least 1 agent, found {count}.");
        _pendulums = new Pendulum[count];
        _ticks = new int[count];
        _returns = new float[count];
        _rng = new Xoshiro128(seed);
        for (int i = 0; i < count; i++) _pendulums[i].Reset(ref _rng);
    }

    public int Count => _pendulums.Length;
    public int ObservationSize => Pendulum.ObservationSize;
    public int DiscreteActions => 0;
    public int ContinuousActions => 1;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Observe(Span<float> observations)
    {
        for (int i = 0; i < _pendulums.Length; i++)
            _pendulums[i].Observe(observations.Slice(i * Pendulum.ObservationSize, Pendulum.ObservationSize));
    }

    /// <summary>One step for every pendulum under its torque (clipped to ±2 by the pendulum).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(ReadOnlySpan<float> torques, Span<float> rewards, Span<bool> terminated, Span<bool> truncated)
    {
        for (int i = 0; i < _pendulums.Length; i++)
        {
            float r = _pendulums[i].Step(torques[i]);
            _ticks[i]++;
            _returns[i] += r;
            rewards[i] = r;
            terminated[i] = false;
            truncated[i] = _ticks[i] >= EpisodeLength;
        }
    }

    public void Step(IAgentLearner learner, Span<float> rewards, Span<bool> terminated, Span<bool> truncated) =>
        Step(learner.ContinuousActions, rewards, terminated, truncated);

    /// <summary>Restarts every pendulum whose episode ended, recording its return in <paramref name="episodes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ResetEnded(ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated, EpisodeStats episodes, Span<float> observations)
    {
        for (int i = 0; i < _pendulums.Length; i++)
        {
            if (!terminated[i] && !truncated[i]) continue;
            episodes.Add(_returns[i]);
            _ticks[i] = 0;
            _returns[i] = 0f;
            _pendulums[i].Reset(ref _rng);
            _pendulums[i].Observe(observations.Slice(i * Pendulum.ObservationSize, Pendulum.ObservationSize));
        }
    }
}
