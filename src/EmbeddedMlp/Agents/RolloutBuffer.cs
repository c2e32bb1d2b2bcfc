using System;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Kernels;

namespace EmbeddedMlp.Agents
{
    /// <summary>
    /// The experience of N agents stepping in lockstep for T steps, for on-policy learning (PPO, A2C): per step and
    /// agent the observation, the action, its log-probability and the critic's value when it was taken, the reward and
    /// how the step ended. When full, <see cref="ComputeAdvantages"/> gives GAE(λ) advantages and returns, and
    /// <see cref="Shuffle"/> / <c>Minibatch</c> hand out shuffled minibatches of the N·T rows. Flat arenas
    /// allocated once; the shuffling PRNG is seeded. Rows are numbered t·N + i (step-major).
    /// <para>Time limits: a <b>terminated</b> step (the episode really ended) has no future, δ = r − V(s); a <b>truncated</b>
    /// one (cut by a time limit) bootstraps from the value of its last observation, δ = r + γ·V(s_last) − V(s), which the
    /// caller passes with the step. Either way the GAE sum does not run into the next episode.</para>
    /// </summary>
    public sealed class RolloutBuffer
    {
        private readonly float[] _observations, _continuous, _logProbabilities, _values, _rewards, _bootstrap, _advantages, _returns;
        private readonly int[] _discrete, _order;
        private readonly bool[] _terminated, _truncated;
        private Xoshiro128 _random;

        /// <summary>Creates a buffer of <paramref name="steps"/> steps of <paramref name="agents"/> agents; everything is allocated here.</summary>
        /// <param name="agents">N, agents stepping together.</param>
        /// <param name="steps">T, steps per rollout.</param>
        /// <param name="observationSize">Floats per observation.</param>
        /// <param name="continuousActionSize">Floats per action for continuous actions; 0 for a discrete action (an index).</param>
        /// <param name="seed">Seed of the minibatch shuffling.</param>
        public RolloutBuffer(int agents, int steps, int observationSize, int continuousActionSize, ulong seed)
        {
            if (agents < 1) throw new ArgumentOutOfRangeException(nameof(agents), agents, $"agents: expected at least 1, found {agents}.");
            if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"steps: expected at least 1, found {steps}.");
            if (observationSize < 1) throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, $"observationSize: expected at least 1, found {observationSize}.");
            if (continuousActionSize < 0) throw new ArgumentOutOfRangeException(nameof(continuousActionSize), continuousActionSize, $"continuousActionSize: expected 0 (discrete) or more, found {continuousActionSize}.");
            long rows = (long)agents * steps;
            if (rows * Math.Max(observationSize, continuousActionSize) > int.MaxValue)
                throw new ArgumentException($"steps: {agents}×{steps} rows of {Math.Max(observationSize, continuousActionSize)} floats exceed 2^31 floats.", nameof(steps));
            Agents = agents;
            Steps = steps;
            ObservationSize = observationSize;
            ActionSize = continuousActionSize == 0 ? 1 : continuousActionSize;
            IsDiscrete = continuousActionSize == 0;
            int n = (int)rows;
            _observations = new float[n * observationSize];
            _discrete = IsDiscrete ? new int[n] : Array.Empty<int>();
            _continuous = IsDiscrete ? Array.Empty<float>() : new float[n * continuousActionSize];
            _logProbabilities = new float[n];
            _values = new float[n];
            _rewards = new float[n];
            _bootstrap = new float[n];
            _terminated = new bool[n];
            _truncated = new bool[n];
            _advantages = new float[n];
            _returns = new float[n];
            _order = new int[n];
            for (int i = 0; i < n; i++) _order[i] = i;
            _random = new Xoshiro128(seed);
        }

        /// <summary>N.</summary>
        public int Agents { get; }
        /// <summary>T.</summary>
        public int Steps { get; }
        /// <summary>N·T, the rows of a full rollout.</summary>
        public int Rows => Agents * Steps;
        /// <summary>Floats per observation.</summary>
        public int ObservationSize { get; }
        /// <summary>Floats per action (1 for discrete actions).</summary>
        public int ActionSize { get; }
        /// <summary>Whether actions are indices.</summary>
        public bool IsDiscrete { get; }
        /// <summary>Steps recorded since the last <see cref="Clear"/>.</summary>
        public int Count { get; private set; }
        /// <summary>Whether all T steps are recorded.</summary>
        public bool IsFull => Count == Steps;

        /// <summary>GAE(λ) advantages, [T·N] (after <see cref="ComputeAdvantages"/>).</summary>
        public ReadOnlySpan<float> Advantages => _advantages;
        /// <summary>Returns = advantages + values, [T·N] (the critic's targets).</summary>
        public ReadOnlySpan<float> Returns => _returns;

        /// <summary>Starts a new rollout (the arenas are overwritten by the next steps).</summary>
        public void Clear() => Count = 0;

        /// <summary>Records one step of every agent with discrete actions (spans of N entries; observations [N, ObservationSize]).</summary>
        /// <param name="observations">What each agent saw when it acted.</param>
        /// <param name="actions">The actions taken.</param>
        /// <param name="logProbabilities">ln π(a|s) when they were taken.</param>
        /// <param name="values">V(s) when they were taken.</param>
        /// <param name="rewards">Rewards of the step.</param>
        /// <param name="terminated">Whether the step ended its agent's episode for real.</param>
        /// <param name="truncated">Whether a time limit cut the episode at this step.</param>
        /// <param name="bootstrapValues">V of the last observation of each truncated agent (ignored for the others); may be empty when none is truncated.</param>
        [MethodImpl(KernelHints.Entry)]
        public void Add(ReadOnlySpan<float> observations, ReadOnlySpan<int> actions, ReadOnlySpan<float> logProbabilities, ReadOnlySpan<float> values,
            ReadOnlySpan<float> rewards, ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated, ReadOnlySpan<float> bootstrapValues)
        {
            if (!IsDiscrete) throw new InvalidOperationException("actions: this buffer holds continuous actions; pass them as a span of floats.");
            if (actions.Length != Agents) throw new ArgumentException($"actions: expected {Agents} entries (one per agent), found {actions.Length}.", nameof(actions));
            int row = Record(observations, logProbabilities, values, rewards, terminated, truncated, bootstrapValues);
            actions.CopyTo(_discrete.AsSpan(row, Agents));
            Count++;
        }

        /// <summary>As the discrete overload, with actions [N, ActionSize].</summary>
        [MethodImpl(KernelHints.Entry)]
        public void Add(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, ReadOnlySpan<float> logProbabilities, ReadOnlySpan<float> values,
            ReadOnlySpan<float> rewards, ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated, ReadOnlySpan<float> bootstrapValues)
        {
            if (IsDiscrete) throw new InvalidOperationException("actions: this buffer holds discrete actions; pass indices.");
            if (actions.Length != Agents * ActionSize)
                throw new ArgumentException($"actions: expected {Agents}×{ActionSize} = {Agents * ActionSize} floats, found {actions.Length}.", nameof(actions));
            int row = Record(observations, logProbabilities, values, rewards, terminated, truncated, bootstrapValues);
            actions.CopyTo(_continuous.AsSpan(row * ActionSize, Agents * ActionSize));
            Count++;
        }

        [MethodImpl(KernelHints.Optimize)]
        private int Record(ReadOnlySpan<float> observations, ReadOnlySpan<float> logProbabilities, ReadOnlySpan<float> values,
            ReadOnlySpan<float> rewards, ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated, ReadOnlySpan<float> bootstrapValues)
        {
            if (IsFull) throw new InvalidOperationException($"observations: the rollout already holds {Steps} steps; compute the advantages, use it, then Clear.");
            int n = Agents;
            if (observations.Length != n * ObservationSize)
                throw new ArgumentException($"observations: expected {n}×{ObservationSize} = {n * ObservationSize} floats, found {observations.Length}.", nameof(observations));
            PerAgent(logProbabilities.Length, nameof(logProbabilities));
            PerAgent(values.Length, nameof(values));
            PerAgent(rewards.Length, nameof(rewards));
            PerAgent(terminated.Length, nameof(terminated));
            PerAgent(truncated.Length, nameof(truncated));
            Span<bool> cut = SpanAccess.View(truncated);
            Span<float> boot = SpanAccess.View(bootstrapValues);
            if (bootstrapValues.Length != n)
            {
                bool any = false;
                for (int i = 0; i < n; i++) any |= cut[i];
                if (any || !bootstrapValues.IsEmpty)
                    throw new ArgumentException($"bootstrapValues: expected {n} values (one per agent, used where truncated){(any ? "" : " or none")}, found {bootstrapValues.Length}.", nameof(bootstrapValues));
            }
            int row = Count * n;
            observations.CopyTo(_observations.AsSpan(row * ObservationSize, n * ObservationSize));
            logProbabilities.CopyTo(_logProbabilities.AsSpan(row, n));
            values.CopyTo(_values.AsSpan(row, n));
            rewards.CopyTo(_rewards.AsSpan(row, n));
            terminated.CopyTo(_terminated.AsSpan(row, n));
            truncated.CopyTo(_truncated.AsSpan(row, n));
            for (int i = 0; i < n; i++) _bootstrap[row + i] = cut[i] && !boot.IsEmpty ? boot[i] : 0f;
            return row;
        }

        private void PerAgent(int length, string name)
        {
            if (length != Agents) throw new ArgumentException($"{name}: expected {Agents} entries (one per agent), found {length}.", name);
        }

        /// <summary>
        /// GAE(λ) over the full rollout, backwards in time for each agent:
        /// δ_t = r_t + γ·V_next − V(s_t) with V_next = V(s_{t+1}) for a running step, <paramref name="lastValues"/> after
        /// the last step, the bootstrap value for a truncated step and 0 for a terminated one; A_t = δ_t + γλ·A_{t+1},
        /// the sum cut where an episode ended (terminated or truncated). Returns R_t = A_t + V(s_t).
        /// </summary>
        /// <param name="lastValues">[N] V of each agent's observation after the last step (its next state, if it runs on).</param>
        /// <param name="gamma">Discount γ in [0, 1].</param>
        /// <param name="lambda">GAE λ in [0, 1] (1: Monte-Carlo returns with bootstrap; 0: one-step TD).</param>
        [MethodImpl(KernelHints.Entry)]
        public void ComputeAdvantages(ReadOnlySpan<float> lastValues, float gamma, float lambda)
        {
            if (!IsFull) throw new InvalidOperationException($"lastValues: the rollout holds {Count} of {Steps} steps; advantages need all of them.");
            PerAgent(lastValues.Length, nameof(lastValues));
            if (!(gamma >= 0f && gamma <= 1f)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, $"gamma: expected a value in [0, 1], found {gamma}.");
            if (!(lambda >= 0f && lambda <= 1f)) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, $"lambda: expected a value in [0, 1], found {lambda}.");
            Span<float> last = SpanAccess.View(lastValues);
            int n = Agents;
            for (int i = 0; i < n; i++)
            {
                float next = last[i], gae = 0f;
                for (int t = Steps - 1; t >= 0; t--)
                {
                    int k = t * n + i;
                    float delta;
                    if (_terminated[k]) { delta = _rewards[k] - _values[k]; gae = delta; }
                    else if (_truncated[k]) { delta = _rewards[k] + gamma * _bootstrap[k] - _values[k]; gae = delta; }
                    else { delta = _rewards[k] + gamma * next - _values[k]; gae = delta + gamma * lambda * gae; }
                    _advantages[k] = gae;
                    _returns[k] = gae + _values[k];
                    next = _values[k];
                }
            }
        }

        /// <summary>Draws a new random order of the N·T rows (one epoch's minibatches are consecutive slices of it).</summary>
        [MethodImpl(KernelHints.Entry)]
        public void Shuffle()
        {
            for (int i = _order.Length - 1; i > 0; i--)
            {
                int j = _random.NextInt(i + 1);
                int t = _order[i]; _order[i] = _order[j]; _order[j] = t;
            }
        }

        /// <summary>
        /// Copies minibatch <paramref name="index"/> of size <paramref name="size"/> (rows index·size … of the current
        /// order; N·T must be a multiple of size) into the caller's spans: observations [size, ObservationSize], actions
        /// [size], log-probabilities, values (when taken), advantages and returns [size].
        /// </summary>
        [MethodImpl(KernelHints.Entry)]
        public void Minibatch(int index, int size, Span<float> observations, Span<int> actions, Span<float> logProbabilities,
            Span<float> values, Span<float> advantages, Span<float> returns)
        {
            if (!IsDiscrete) throw new InvalidOperationException("actions: this buffer holds continuous actions; pass a span of floats.");
            CheckMinibatch(index, size, observations, logProbabilities, values, advantages, returns);
            if (actions.Length != size) throw new ArgumentException($"actions: expected {size} entries, found {actions.Length}.", nameof(actions));
            for (int r = 0; r < size; r++)
            {
                int k = Gather(index * size + r, r, observations, logProbabilities, values, advantages, returns);
                actions[r] = _discrete[k];
            }
        }

        /// <summary>As the discrete overload, with actions [size, ActionSize].</summary>
        [MethodImpl(KernelHints.Entry)]
        public void Minibatch(int index, int size, Span<float> observations, Span<float> actions, Span<float> logProbabilities,
            Span<float> values, Span<float> advantages, Span<float> returns)
        {
            if (IsDiscrete) throw new InvalidOperationException("actions: this buffer holds discrete actions; pass a span of ints.");
            CheckMinibatch(index, size, observations, logProbabilities, values, advantages, returns);
            if (actions.Length != size * ActionSize)
                throw new ArgumentException($"actions: expected {size}×{ActionSize} = {size * ActionSize} floats, found {actions.Length}.", nameof(actions));
            for (int r = 0; r < size; r++)
            {
                int k = Gather(index * size + r, r, observations, logProbabilities, values, advantages, returns);
                _continuous.AsSpan(k * ActionSize, ActionSize).CopyTo(actions.Slice(r * ActionSize, ActionSize));
            }
        }

        [MethodImpl(KernelHints.Optimize)]
        private void CheckMinibatch(int index, int size, Span<float> observations, Span<float> logProbabilities, Span<float> values,
            Span<float> advantages, Span<float> returns)
        {
            if (size < 1 || Rows % size != 0)
                throw new ArgumentOutOfRangeException(nameof(size), size, $"size: expected a divisor of the {Rows} rows, found {size}.");
            if ((uint)index >= (uint)(Rows / size))
                throw new ArgumentOutOfRangeException(nameof(index), index, $"index: expected 0..{Rows / size - 1}, found {index}.");
            if (observations.Length != size * ObservationSize)
                throw new ArgumentException($"observations: expected {size}×{ObservationSize} = {size * ObservationSize} floats, found {observations.Length}.", nameof(observations));
            PerRow(logProbabilities.Length, size, nameof(logProbabilities));
            PerRow(values.Length, size, nameof(values));
            PerRow(advantages.Length, size, nameof(advantages));
            PerRow(returns.Length, size, nameof(returns));
        }

        private static void PerRow(int length, int size, string name)
        {
            if (length != size) throw new ArgumentException($"{name}: expected {size} floats, found {length}.", name);
        }

        [MethodImpl(KernelHints.Optimize)]
        private int Gather(int position, int r, Span<float> observations, Span<float> logProbabilities, Span<float> values, Span<float> advantages, Span<float> returns)
        {
            int k = _order[position], o = ObservationSize;
            _observations.AsSpan(k * o, o).CopyTo(observations.Slice(r * o, o));
            logProbabilities[r] = _logProbabilities[k];
            values[r] = _values[k];
            advantages[r] = _advantages[k];
            returns[r] = _returns[k];
            return k;
        }
    }
}
