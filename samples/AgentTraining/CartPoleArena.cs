using System;
using System.Runtime.CompilerServices;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>How an agent's tick ended.</summary>
public enum TickOutcome : byte
{
    /// <summary>The episode goes on.</summary>
    Running = 0,
    /// <summary>The pole fell or the cart left the track: a true end (no future reward).</summary>
    Failed = 1,
    /// <summary>The episode reached <see cref="CartPoleArena.MaxEpisodeLength"/> ticks: cut off, not failed.</summary>
    TimeUp = 2,
}

/// <summary>
/// The game world: <see cref="Count"/> cart-poles side by side, each in its own episode. Reward is 1 per tick the
/// pole stays up; an episode lasts at most <see cref="MaxEpisodeLength"/> ticks (CartPole-v1's limit). Every array is
/// allocated here, once.
/// </summary>
public sealed class CartPoleArena
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

    /// <summary>Number of agents.</summary>
    public int Count => _carts.Length;

    /// <summary>Ticks so far in agent <paramref name="agent"/>'s current episode.</summary>
    public int EpisodeTicks(int agent) => _ticks[agent];

    /// <summary>Writes every agent's observation: [Count, 4] row-major.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Observe(Span<float> observations)
    {
        for (int i = 0; i < _carts.Length; i++)
            _carts[i].Observe(observations.Slice(i * CartPole.ObservationSize, CartPole.ObservationSize));
    }

    /// <summary>One 60 Hz tick for every agent: applies the actions, writes the rewards and how each tick ended.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(ReadOnlySpan<int> actions, Span<float> rewards, Span<TickOutcome> outcomes)
    {
        for (int i = 0; i < _carts.Length; i++)
        {
            bool failed = _carts[i].Step(actions[i]);
            _ticks[i]++;
            rewards[i] = 1f;
            outcomes[i] = failed ? TickOutcome.Failed : _ticks[i] >= MaxEpisodeLength ? TickOutcome.TimeUp : TickOutcome.Running;
        }
    }

    /// <summary>
    /// Starts a new episode for every agent whose tick ended it, records the finished episode's length in
    /// <paramref name="episodes"/>, and overwrites that agent's row of <paramref name="observations"/> with its new start.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ResetEnded(ReadOnlySpan<TickOutcome> outcomes, EpisodeStats episodes, Span<float> observations)
    {
        for (int i = 0; i < _carts.Length; i++)
        {
            if (outcomes[i] == TickOutcome.Running) continue;
            episodes.Add(_ticks[i]);
            _ticks[i] = 0;
            _carts[i].Reset(ref _rng);
            _carts[i].Observe(observations.Slice(i * CartPole.ObservationSize, CartPole.ObservationSize));
        }
    }
}
