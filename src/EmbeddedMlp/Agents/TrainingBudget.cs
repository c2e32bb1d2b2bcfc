using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Kernels;

namespace EmbeddedMlp.Agents
{
    /// <summary>Learning work that can be done one update (one minibatch step) at a time, e.g. <see cref="Ppo"/> or <see cref="Dqn"/>.</summary>
    public interface IBudgetedUpdates
    {
        /// <summary>Updates queued now.</summary>
        int PendingUpdates { get; }

        /// <summary>Runs the next queued update.</summary>
        void RunUpdate();
    }

    /// <summary>
    /// Spends at most a fixed slice of each frame on learning: <see cref="Run"/> runs queued updates one after the other
    /// and does not start one that its measured cost says would overrun the slice — the cost of the next update is
    /// taken as the largest of the last eight measured — except that <see cref="MinimumPerFrame"/> updates run whatever
    /// they cost (so that learning never stalls). Updates left over wait for the next frame: PPO's epochs spread
    /// across frames this way. Allocation-free; one instance per learner.
    /// </summary>
    public sealed class TrainingBudget
    {
        private const int History = 8;
        private readonly long[] _costs = new long[History];
        private readonly Func<long> _clock;
        private readonly double _ticksPerMicrosecond;
        private int _measured, _nextCost;
        private double _microseconds;
        private int _minimum;

        /// <summary>Creates a budget of <paramref name="microsecondsPerFrame"/> µs per frame, measured with <see cref="Stopwatch"/>.</summary>
        /// <param name="microsecondsPerFrame">The slice of a frame learning may take, in µs (&gt; 0).</param>
        /// <param name="minimumPerFrame">Updates run every frame whatever they cost, when queued (≥ 0).</param>
        public TrainingBudget(double microsecondsPerFrame, int minimumPerFrame = 0)
            : this(microsecondsPerFrame, minimumPerFrame, Stopwatch.GetTimestamp, Stopwatch.Frequency) { }

        /// <summary>With another clock (tests): <paramref name="clock"/> returns ticks, <paramref name="ticksPerSecond"/> of them a second.</summary>
        internal TrainingBudget(double microsecondsPerFrame, int minimumPerFrame, Func<long> clock, long ticksPerSecond)
        {
            MicrosecondsPerFrame = microsecondsPerFrame;
            MinimumPerFrame = minimumPerFrame;
            _clock = clock;
            _ticksPerMicrosecond = ticksPerSecond / 1e6;
        }

        /// <summary>The slice of a frame learning may take, in µs.</summary>
        public double MicrosecondsPerFrame
        {
            get => _microseconds;
            set
            {
                if (!(value > 0) || double.IsInfinity(value))
                    throw new ArgumentOutOfRangeException(nameof(MicrosecondsPerFrame), value, $"MicrosecondsPerFrame: expected a finite value > 0, found {value}.");
                _microseconds = value;
            }
        }

        /// <summary>Updates run every frame whatever they cost, when queued.</summary>
        public int MinimumPerFrame
        {
            get => _minimum;
            set
            {
                if (value < 0) throw new ArgumentOutOfRangeException(nameof(MinimumPerFrame), value, $"MinimumPerFrame: expected 0 or more, found {value}.");
                _minimum = value;
            }
        }

        /// <summary>Updates the last <see cref="Run"/> ran.</summary>
        public int LastRun { get; private set; }
        /// <summary>Updates still queued after the last <see cref="Run"/>.</summary>
        public int LastLeft { get; private set; }
        /// <summary>Microseconds the last <see cref="Run"/> took.</summary>
        public double LastMicroseconds { get; private set; }
        /// <summary>Updates run in all.</summary>
        public long TotalRun { get; private set; }
        /// <summary>The cost the next update is expected to have (the largest of the last eight), in µs; 0 before any.</summary>
        public double EstimatedUpdateMicroseconds => Estimate() / _ticksPerMicrosecond;

        /// <summary>Runs queued updates of <paramref name="work"/> within this frame's slice; returns how many ran.</summary>
        [MethodImpl(KernelHints.Entry)]
        public int Run(IBudgetedUpdates work)
        {
            if (work is null) throw new ArgumentNullException(nameof(work));
            long budget = (long)(_microseconds * _ticksPerMicrosecond);
            long start = _clock();
            long now = start;
            int ran = 0;
            while (work.PendingUpdates > 0)
            {
                if (ran >= _minimum && now - start + Estimate() > budget) break;
                work.RunUpdate();
                long after = _clock();
                Record(after - now);
                now = after;
                ran++;
            }
            LastRun = ran;
            LastLeft = work.PendingUpdates;
            LastMicroseconds = (now - start) / _ticksPerMicrosecond;
            TotalRun += ran;
            return ran;
        }

        private void Record(long ticks)
        {
            _costs[_nextCost] = ticks;
            _nextCost = (_nextCost + 1) % History;
            if (_measured < History) _measured++;
        }

        private long Estimate()
        {
            long max = 0;
            for (int i = 0; i < _measured; i++) max = Math.Max(max, _costs[i]);
            return max;
        }
    }
}
