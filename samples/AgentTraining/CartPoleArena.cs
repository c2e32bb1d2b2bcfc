using System;
using System.Runtime.CompilerServices;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>
/// The game world: <see cref="Count"/> cart-poles side by side, each in its own episode. Reward is 1 per tick the
/// pole stays up; an episode is <b>terminated</b> when the pole falls or the cart leaves the track and <b>truncated</b>
/// (cut off, not failed) after <see cref="MaxEpisodeLength"/> ticks (CartPole-v1's limit). An episode's score is its
/// length. Every array is allocated here, once.
/// </summary>
public sealed class CartPoleArena : IArena
{
    /// <summary>Ticks after which an episode is cut off (8.3 s of game time at 60 Hz).</summary>
    public const int MaxEpisodeLength = 500;

    private readonly CartPole[] _carts;
    private readonly int[] _ticks;
    private Xoshiro128 _rng;

    public CartPoleArena(int count, ulong seed)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, $"count: expected at least 1 agent, found {count}.");
        _carts = new CartPole[count];
        _ticks = new int[count];
        _rng = new Xoshiro128(seed);
        for (int i = 0; i < count; i++) _carts[i].Reset(ref _rng);
    }

    public int Count => _carts.Length;
    public int ObservationSize => CartPole.ObservationSize;
    public int DiscreteActions => CartPole.ActionCount;
    public int ContinuousActions => 0;

    /// <summary>Ticks so far in agent <paramref name="agent"/>'s current episode.</summary>
    public int EpisodeTicks(int agent) => _ticks[agent];

    /// <summary>Writes every agent's observation: [Count, 4] row-major.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Observe(Span<float> observations)
    {
        for (int i = 0; i < _carts.Length; i++)
            _carts[i].Observe(observations.Slice(i * CartPole.ObservationSize, CartPole.ObservationSize));
    }

    /// <summary>One 60 Hz tick for every agent under its action (0 = push left, 1 = push right).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(ReadOnlySpan<int> actions, Span<float> rewards, Span<bool> terminated, Span<bool> truncated)
    {
        for (int i = 0; i < _carts.Length; i++)
        {
            bool failed = _carts[i].Step(actions[i]);
            _ticks[i]++;
            rewards[i] = 1f;
            terminated[i] = failed;
            truncated[i] = !failed && _ticks[i] >= MaxEpisodeLength;
        }
    }

    public void Step(IAgentLearner learner, Span<float> rewards, Span<bool> terminated, Span<bool> truncated) =>
        Step(learner.DiscreteActions, rewards, terminated, truncated);

    /// <summary>
    /// Starts a new episode for every agent whose tick ended it, records the finished episode's length in
    /// <paramref name="episodes"/>, and overwrites that agent's row of <paramref name="observations"/> with its new start.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ResetEnded(ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated, EpisodeStats episodes, Span<float> observations)
    {
        for (int i = 0; i < _carts.Length; i++)
        {
            if (!terminated[i] && !truncated[i]) continue;
            episodes.Add(_ticks[i]);
            _ticks[i] = 0;
            _carts[i].Reset(ref _rng);
            _carts[i].Observe(observations.Slice(i * CartPole.ObservationSize, CartPole.ObservationSize));
        }
    }
}
