using System;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Agents
{
    /// <summary>
    /// A linear learning-rate decay to a floor in 100 steps, factor(steps) = max(floor, 1 − ⌊100·steps/decaySteps⌋/100)
    /// (1 throughout when decaySteps is 0), applied to trainers as a ratio of successive factors — so that it composes
    /// with whatever else scales their learning rate (a <see cref="PolicyGuard"/>'s factor at a restore, or the game).
    /// Steps of 1 % keep the ratios few (rounding does not pile up over millions of updates).
    /// </summary>
    internal struct LearningRateDecay
    {
        private readonly long _decaySteps;
        private readonly float _floor;
        private float _applied;

        public LearningRateDecay(long decaySteps, float floor)
        {
            _decaySteps = decaySteps;
            _floor = floor;
            _applied = 1f;
        }

        public float Factor(long steps) => _decaySteps == 0 ? 1f : Math.Max(_floor, 1f - Math.Min(100, steps * 100 / _decaySteps) / 100f);

        /// <summary>Scales the trainers' learning rates by factor(steps) / the factor applied last.</summary>
        public void Apply(Trainer first, long steps) => Apply(first, null, steps);

        public void Apply(Trainer first, Trainer? second, long steps)
        {
            float f = Factor(steps);
            if (f == _applied) return;
            float ratio = f / _applied;
            first.LearningRate *= ratio;
            if (second != null) second.LearningRate *= ratio;
            _applied = f;
        }
    }
}
