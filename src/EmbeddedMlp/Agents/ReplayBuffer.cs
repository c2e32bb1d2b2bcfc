using System;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Kernels;

namespace EmbeddedMlp.Agents
{
    /// <summary>
    /// A fixed-capacity ring of transitions (s, a, r, s′, terminated, truncated) for off-policy learning (DQN), in flat
    /// arenas allocated once: once full, each new transition overwrites the oldest. Minibatches are drawn uniformly, with
    /// replacement (as Stable-Baselines3's and CleanRL's buffers do), by the buffer's own seeded PRNG, into the caller's
    /// spans: the same seed and the same additions give the same minibatches on every runtime. Actions are either discrete
    /// (one index per transition) or continuous (<see cref="ActionSize"/> floats). Nothing is allocated after construction.
    /// </summary>
    public sealed class ReplayBuffer
    {
        private readonly float[] _observations, _nextObservations, _rewards, _continuous;
        private readonly int[] _discrete;
        private readonly bool[] _terminated, _truncated;
        private int _next;
        private Xoshiro128 _random;

        private ReplayBuffer(int capacity, int observationSize, int actionSize, bool discrete, ulong seed)
        {
            if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"capacity: expected at least 1, found {capacity}.");
            if (observationSize < 1) throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, $"observationSize: expected at least 1, found {observationSize}.");
            if (actionSize < 1) throw new ArgumentOutOfRangeException(nameof(actionSize), actionSize, $"actionSize: expected at least 1, found {actionSize}.");
            if ((long)capacity * Math.Max(observationSize, actionSize) > int.MaxValue)
                throw new ArgumentException($"capacity: {capacity} transitions of {Math.Max(observationSize, actionSize)} floats exceed 2^31 floats.", nameof(capacity));
            Capacity = capacity;
            ObservationSize = observationSize;
            ActionSize = actionSize;
            IsDiscrete = discrete;
            _observations = new float[capacity * observationSize];
            _nextObservations = new float[capacity * observationSize];
            _rewards = new float[capacity];
            _discrete = discrete ? new int[capacity] : Array.Empty<int>();
            _continuous = discrete ? Array.Empty<float>() : new float[capacity * actionSize];
            _terminated = new bool[capacity];
            _truncated = new bool[capacity];
            _random = new Xoshiro128(seed);
        }

        /// <summary>A buffer of transitions whose action is an index (CartPole's left/right, DQN's argmax).</summary>
        public static ReplayBuffer ForDiscreteActions(int capacity, int observationSize, ulong seed) =>
            new ReplayBuffer(capacity, observationSize, 1, discrete: true, seed);

        /// <summary>A buffer of transitions whose action is <paramref name="actionSize"/> floats.</summary>
        public static ReplayBuffer ForContinuousActions(int capacity, int observationSize, int actionSize, ulong seed) =>
            new ReplayBuffer(capacity, observationSize, actionSize, discrete: false, seed);

        /// <summary>Transitions the buffer holds at most.</summary>
        public int Capacity { get; }
        /// <summary>Transitions held now (grows to <see cref="Capacity"/>, then stays there).</summary>
        public int Count { get; private set; }
        /// <summary>Floats per observation.</summary>
        public int ObservationSize { get; }
        /// <summary>Floats per action (1 for discrete actions).</summary>
        public int ActionSize { get; }
        /// <summary>Whether actions are indices.</summary>
        public bool IsDiscrete { get; }
        /// <summary>Transitions ever added (the one added next has this number).</summary>
        public long Added { get; private set; }

        /// <summary>Adds one transition with a discrete action, overwriting the oldest when full.</summary>
        [MethodImpl(KernelHints.Entry)]
        public void Add(ReadOnlySpan<float> observation, int action, float reward, ReadOnlySpan<float> nextObservation, bool terminated, bool truncated)
        {
            if (!IsDiscrete) throw new InvalidOperationException("action: this buffer holds continuous actions; pass them as a span of floats.");
            int slot = Begin(observation, reward, nextObservation, terminated, truncated);
            _discrete[slot] = action;
        }

        /// <summary>Adds one transition with a continuous action of <see cref="ActionSize"/> floats, overwriting the oldest when full.</summary>
        [MethodImpl(KernelHints.Entry)]
        public void Add(ReadOnlySpan<float> observation, ReadOnlySpan<float> action, float reward, ReadOnlySpan<float> nextObservation, bool terminated, bool truncated)
        {
            if (IsDiscrete) throw new InvalidOperationException("action: this buffer holds discrete actions; pass an index.");
            if (action.Length != ActionSize)
                throw new ArgumentException($"action: expected {ActionSize} floats, found {action.Length}.", nameof(action));
            int slot = Begin(observation, reward, nextObservation, terminated, truncated);
            action.CopyTo(_continuous.AsSpan(slot * ActionSize, ActionSize));
        }

        [MethodImpl(KernelHints.Optimize)]
        private int Begin(ReadOnlySpan<float> observation, float reward, ReadOnlySpan<float> nextObservation, bool terminated, bool truncated)
        {
            if (observation.Length != ObservationSize)
                throw new ArgumentException($"observation: expected {ObservationSize} floats, found {observation.Length}.", nameof(observation));
            if (nextObservation.Length != ObservationSize)
                throw new ArgumentException($"nextObservation: expected {ObservationSize} floats, found {nextObservation.Length}.", nameof(nextObservation));
            int slot = _next;
            observation.CopyTo(_observations.AsSpan(slot * ObservationSize, ObservationSize));
            nextObservation.CopyTo(_nextObservations.AsSpan(slot * ObservationSize, ObservationSize));
            _rewards[slot] = reward;
            _terminated[slot] = terminated;
            _truncated[slot] = truncated;
            _next = slot + 1 == Capacity ? 0 : slot + 1;
            if (Count < Capacity) Count++;
            Added++;
            return slot;
        }

        /// <summary>
        /// Draws <paramref name="batch"/> transitions uniformly with replacement into the spans (row i of each is
        /// transition i): observations and next observations [batch, ObservationSize], actions [batch], rewards [batch],
        /// terminated [batch] (1 for an episode that ended for real, 0 otherwise — truncated ones bootstrap), and, if
        /// not empty, <paramref name="indices"/> [batch] the slots drawn.
        /// </summary>
        [MethodImpl(KernelHints.Entry)]
        public void Sample(int batch, Span<float> observations, Span<int> actions, Span<float> rewards, Span<float> nextObservations,
            Span<float> terminated, Span<int> indices = default)
        {
            if (!IsDiscrete) throw new InvalidOperationException("actions: this buffer holds continuous actions; sample into a span of floats.");
            CheckSample(batch, observations, rewards, nextObservations, terminated, indices);
            if (actions.Length != batch) throw new ArgumentException($"actions: expected {batch} entries, found {actions.Length}.", nameof(actions));
            for (int i = 0; i < batch; i++)
            {
                int slot = Draw(i, observations, rewards, nextObservations, terminated, indices);
                actions[i] = _discrete[slot];
            }
        }

        /// <summary>As the discrete overload, with actions [batch, ActionSize].</summary>
        [MethodImpl(KernelHints.Entry)]
        public void Sample(int batch, Span<float> observations, Span<float> actions, Span<float> rewards, Span<float> nextObservations,
            Span<float> terminated, Span<int> indices = default)
        {
            if (IsDiscrete) throw new InvalidOperationException("actions: this buffer holds discrete actions; sample into a span of ints.");
            CheckSample(batch, observations, rewards, nextObservations, terminated, indices);
            if (actions.Length != batch * ActionSize)
                throw new ArgumentException($"actions: expected {batch}×{ActionSize} = {batch * ActionSize} floats, found {actions.Length}.", nameof(actions));
            for (int i = 0; i < batch; i++)
            {
                int slot = Draw(i, observations, rewards, nextObservations, terminated, indices);
                _continuous.AsSpan(slot * ActionSize, ActionSize).CopyTo(actions.Slice(i * ActionSize, ActionSize));
            }
        }

        /// <summary>Whether the transition in <paramref name="slot"/> was cut by a time limit (diagnostics; the targets use <c>terminated</c>).</summary>
        public bool IsTruncated(int slot) => _truncated[CheckSlot(slot)];

        private int CheckSlot(int slot)
        {
            if ((uint)slot >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(slot), slot, $"slot: expected 0..{Count - 1}, found {slot}.");
            return slot;
        }

        [MethodImpl(KernelHints.Optimize)]
        private void CheckSample(int batch, Span<float> observations, Span<float> rewards, Span<float> nextObservations, Span<float> terminated, Span<int> indices)
        {
            if (Count == 0) throw new InvalidOperationException("batch: the buffer is empty; add transitions before sampling.");
            if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, $"batch: expected at least 1, found {batch}.");
            int obs = batch * ObservationSize;
            if (observations.Length != obs) throw new ArgumentException($"observations: expected {batch}×{ObservationSize} = {obs} floats, found {observations.Length}.", nameof(observations));
            if (nextObservations.Length != obs) throw new ArgumentException($"nextObservations: expected {batch}×{ObservationSize} = {obs} floats, found {nextObservations.Length}.", nameof(nextObservations));
            if (rewards.Length != batch) throw new ArgumentException($"rewards: expected {batch} floats, found {rewards.Length}.", nameof(rewards));
            if (terminated.Length != batch) throw new ArgumentException($"terminated: expected {batch} floats, found {terminated.Length}.", nameof(terminated));
            if (!indices.IsEmpty && indices.Length != batch) throw new ArgumentException($"indices: expected {batch} entries or none, found {indices.Length}.", nameof(indices));
        }

        [MethodImpl(KernelHints.Optimize)]
        private int Draw(int i, Span<float> observations, Span<float> rewards, Span<float> nextObservations, Span<float> terminated, Span<int> indices)
        {
            int slot = _random.NextInt(Count);
            int o = ObservationSize;
            _observations.AsSpan(slot * o, o).CopyTo(observations.Slice(i * o, o));
            _nextObservations.AsSpan(slot * o, o).CopyTo(nextObservations.Slice(i * o, o));
            rewards[i] = _rewards[slot];
            terminated[i] = _terminated[slot] ? 1f : 0f;
            if (!indices.IsEmpty) indices[i] = slot;
            return slot;
        }
    }
}
