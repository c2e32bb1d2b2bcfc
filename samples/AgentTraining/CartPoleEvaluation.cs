using System;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Agents;

namespace EmbeddedMlp.Samples.AgentTraining;

/// <summary>
/// The game's side of a <see cref="PolicyGate"/>: a private, off-screen row of <see cref="Episodes"/> cart-poles with
/// their own seeded random starts, where a candidate Q-network plays — each tick one batched Predict over all of them,
/// the action with the largest Q, or with probability <see cref="Epsilon"/> a random one (the exploration the deployed
/// network keeps in the game, so the evaluation scores what the game's window will score). The score is the mean
/// episode length (at most 500); the evaluation stops as soon as the bar is out of reach — with a bar of 500, at the
/// first pole that falls — and then reports the most it could still have scored. Allocated once.
/// </summary>
public sealed class CartPoleEvaluation : IPolicyEvaluator
{
    private readonly CartPole[] _carts;
    private readonly int[] _ticks;
    private readonly bool[] _done;
    private readonly float[] _observations, _q;
    private Xoshiro128 _rng;
    private float _bar;
    private int _running;
    private long _finished;

    public CartPoleEvaluation(int episodes, float epsilon, ulong seed)
    {
        if (episodes < 1) throw new ArgumentOutOfRangeException(nameof(episodes), episodes, $"episodes: expected at least 1, found {episodes}.");
        if (!(epsilon >= 0f && epsilon <= 1f)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"epsilon: expected a value in [0, 1], found {epsilon}.");
        Epsilon = epsilon;
        _carts = new CartPole[episodes];
        _ticks = new int[episodes];
        _done = new bool[episodes];
        _observations = new float[episodes * CartPole.ObservationSize];
        _q = new float[episodes * CartPole.ActionCount];
        _rng = new Xoshiro128(seed);
    }

    /// <summary>Episodes played at once per evaluation (the rows of its Predict).</summary>
    public int Episodes => _carts.Length;
    /// <summary>Probability of a random action.</summary>
    public float Epsilon { get; }
    public float Score { get; private set; }

    public void Begin(Mlp policy, float bar)
    {
        _bar = bar;
        _running = _carts.Length;
        _finished = 0;
        for (int i = 0; i < _carts.Length; i++)
        {
            _carts[i].Reset(ref _rng);
            _ticks[i] = 0;
            _done[i] = false;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Step(Mlp policy)
    {
        const int o = CartPole.ObservationSize, k = CartPole.ActionCount;
        for (int i = 0; i < _carts.Length; i++) _carts[i].Observe(_observations.AsSpan(i * o, o));
        policy.Predict(_observations, _q);
        for (int i = 0; i < _carts.Length; i++)
        {
            if (_done[i]) continue;
            int action = _rng.NextFloat() < Epsilon ? _rng.NextInt(k) : (_q[i * k + 1] > _q[i * k] ? 1 : 0);
            bool failed = _carts[i].Step(action);
            _ticks[i]++;
            if (!failed && _ticks[i] < CartPoleArena.MaxEpisodeLength) continue;
            _done[i] = true;
            _finished += _ticks[i];
            _running--;
        }
        // The most the mean can still reach: every running episode to the time limit.
        float best = (float)(_finished + (long)_running * CartPoleArena.MaxEpisodeLength) / _carts.Length;
        if (_running > 0 && best >= _bar) return false;
        Score = best;
        return true;
    }
}
