using System;
using EmbeddedMlp.Agents;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Agents
{
    /// <summary>The frame budget on a simulated clock: updates whose measured cost fits run, the one that would overrun waits, the minimum always runs.</summary>
    [TestFixture]
    public class TrainingBudgetTests
    {
        /// <summary>Queued updates whose cost, in clock ticks (µs here), is taken from a list.</summary>
        private sealed class FakeWork : IBudgetedUpdates
        {
            private readonly long[] _costs;
            private readonly Clock _clock;
            private int _next;
            public FakeWork(Clock clock, params long[] costs) { _clock = clock; _costs = costs; PendingUpdates = costs.Length; }
            public int PendingUpdates { get; private set; }
            public void RunUpdate() { _clock.Now += _costs[_next++]; PendingUpdates--; }
        }

        private sealed class Clock
        {
            public long Now;
            public long Read() => Now;
        }

        [Test]
        public void RunsWhatFitsAndLeavesTheRestForTheNextFrame()
        {
            var clock = new Clock();
            var budget = new TrainingBudget(100, 0, clock.Read, 1_000_000);
            var work = new FakeWork(clock, 30, 30, 30, 30, 30, 30, 30, 30);
            // Frame 1: no cost known yet, so the first runs; then 30 + 30 ≤ 100 starts the second (estimate 30), 60 + 30
            // the third, 90 + 30 > 100 stops.
            Assert.That(budget.Run(work), Is.EqualTo(3));
            Assert.That(budget.LastLeft, Is.EqualTo(5));
            Assert.That(budget.LastMicroseconds, Is.EqualTo(90).Within(1e-9));
            Assert.That(budget.Run(work), Is.EqualTo(3), "frame 2");
            Assert.That(budget.Run(work), Is.EqualTo(2), "frame 3: what is left");
            Assert.That(budget.TotalRun, Is.EqualTo(8));
            Assert.That(budget.Run(work), Is.EqualTo(0), "nothing queued");
        }

        [Test]
        public void TheEstimateIsTheLargestOfTheLastEightCosts()
        {
            var clock = new Clock();
            var budget = new TrainingBudget(100, 0, clock.Read, 1_000_000);
            var work = new FakeWork(clock, 10, 60, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10);
            // 10, then 60 (10 + 60 ≤ 100 with estimate 10): at 70 the estimate is 60, 70 + 60 > 100.
            Assert.That(budget.Run(work), Is.EqualTo(2));
            Assert.That(budget.EstimatedUpdateMicroseconds, Is.EqualTo(60).Within(1e-9));
            // The 60 stays in the window of eight: 10 + 60 > 100 after the first of frame 2? 0 + 60 ≤ 100 runs one, 10 + 60 ≤ 100 a second, 20 + 60 a third, 30 + 60 a fourth, 40 + 60 a fifth, 50 + 60 > 100.
            Assert.That(budget.Run(work), Is.EqualTo(5));
            // Eight costs later the 60 has left the window: the estimate is 10 again.
            Assert.That(budget.Run(work), Is.EqualTo(5), "the last five");
            Assert.That(budget.EstimatedUpdateMicroseconds, Is.EqualTo(10).Within(1e-9));
        }

        [Test]
        public void TheMinimumRunsWhateverItCosts()
        {
            var clock = new Clock();
            var budget = new TrainingBudget(5, 2, clock.Read, 1_000_000);
            var work = new FakeWork(clock, 50, 50, 50, 50);
            Assert.That(budget.Run(work), Is.EqualTo(2), "two a frame although each overruns the 5 µs slice");
            Assert.That(budget.Run(work), Is.EqualTo(2));
        }

        [Test]
        public void BadSettingsAreRejected()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingBudget(0));
            Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingBudget(100, -1));
            Assert.Throws<ArgumentNullException>(() => new TrainingBudget(100).Run(null!));
        }
    }
}
