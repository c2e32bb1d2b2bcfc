using System;
using EmbeddedMlp.Agents;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Agents
{
    /// <summary>The DQN target (double-DQN selection against the original max), the update schedule, ε, and an update that moves Q toward its target.</summary>
    [TestFixture]
    public class DqnTests
    {
        [Test]
        public void DoubleDqnSelectsWithTheOnlineNetworkAndValuesWithTheTarget()
        {
            // Two transitions, three actions. Online picks a′ = 2 (row 0) and 0 (row 1); the target network's own max is
            // at 1 (row 0) and 2 (row 1), so the two targets differ.
            float[] online = { 0.1f, 0.2f, 0.9f, /**/ 5f, 1f, 2f };
            float[] target = { 1f, 3f, 2f, /**/ -1f, 0f, 4f };
            float[] rewards = { 1f, 0.5f }, terminated = { 0f, 0f }, y = new float[2];
            Dqn.Targets(rewards, terminated, online, target, 0.9f, y);
            Assert.That(y[0], Is.EqualTo(1f + 0.9f * 2f).Within(1e-6), "row 0: Q_target(s′, argmax online = 2) = 2");
            Assert.That(y[1], Is.EqualTo(0.5f + 0.9f * -1f).Within(1e-6), "row 1: Q_target(s′, argmax online = 0) = −1");
            Dqn.Targets(rewards, terminated, target, target, 0.9f, y);
            Assert.That(y[0], Is.EqualTo(1f + 0.9f * 3f).Within(1e-6), "original DQN: max_a Q_target");
            Assert.That(y[1], Is.EqualTo(0.5f + 0.9f * 4f).Within(1e-6));
            Dqn.Targets(rewards, new[] { 1f, 0f }, online, target, 0.9f, y);
            Assert.That(y[0], Is.EqualTo(1f), "terminated: no bootstrap");
        }

        private static Dqn Small(DqnSettings? s = null) =>
            new Dqn(observationSize: 2, actions: 3, agents: 4, s ?? new DqnSettings { Hidden = new[] { 8 }, BatchSize = 8, LearningStarts = 16, TransitionsPerUpdate = 4, TargetUpdateInterval = 3, Tau = 1f }, seed: 1);

        /// <summary>One frame's transitions of the four agents (fixed actions: <see cref="Dqn.Act"/> would run queued updates first).</summary>
        private static void RecordFrame(Dqn d, float x)
        {
            float[] obs = { x, 0, x, 1, x, 2, x, 3 }, next = { x + 1, 0, x + 1, 1, x + 1, 2, x + 1, 3 };
            d.Record(obs, new[] { 0, 1, 2, 1 }, new float[] { 1, 0, 1, 0 }, next, new bool[4], new[] { false, false, false, true });
        }

        [Test]
        public void ActRunsTheUpdatesTheBudgetLeftFirst()
        {
            Dqn d = Small();
            for (int f = 0; f < 6; f++) RecordFrame(d, f);
            Assert.That(d.PendingUpdates, Is.EqualTo(3));
            d.Act(new float[8], new int[4]);
            Assert.That(d.PendingUpdates, Is.EqualTo(0));
            Assert.That(d.Updates, Is.EqualTo(3));
            Assert.That(d.OverdueUpdates, Is.EqualTo(3));
        }

        [Test]
        public void UpdatesAreQueuedPerTransitionsAndTheTargetFollowsEveryIntervalUpdates()
        {
            Dqn d = Small();
            for (int f = 0; f < 3; f++) RecordFrame(d, f);
            Assert.That(d.PendingUpdates, Is.EqualTo(0), "12 transitions: before LearningStarts = 16");
            RecordFrame(d, 3);
            Assert.That(d.PendingUpdates, Is.EqualTo(1), "the first update at 16 transitions");
            RecordFrame(d, 4);
            RecordFrame(d, 5);
            Assert.That(d.PendingUpdates, Is.EqualTo(3), "then one per 4 transitions: 16, 20, 24");
            float[] targetBefore = d.Target.Parameters.ToArray();
            d.RunUpdate();
            d.RunUpdate();
            Assert.That(d.Target.Parameters.ToArray(), Is.EqualTo(targetBefore).AsCollection, "no copy before the third update");
            Assert.That(d.Network.Parameters.ToArray(), Is.Not.EqualTo(targetBefore).AsCollection, "the online network learned");
            d.RunUpdate();
            Assert.That(d.Target.Parameters.ToArray(), Is.EqualTo(d.Network.Parameters.ToArray()).AsCollection, "hard copy at update 3");
            Assert.That(d.PendingUpdates, Is.EqualTo(0));
            d.RunUpdate();
            Assert.That(d.Updates, Is.EqualTo(3), "nothing queued: nothing runs");
        }

        [Test]
        public void EpsilonFallsLinearlyThenStays()
        {
            Dqn d = Small(new DqnSettings { Hidden = new[] { 8 }, EpsilonStart = 1f, EpsilonEnd = 0.1f, EpsilonDecaySteps = 40, LearningStarts = 1000 });
            Assert.That(d.Epsilon, Is.EqualTo(1f));
            for (int f = 0; f < 5; f++) RecordFrame(d, f);
            Assert.That(d.Epsilon, Is.EqualTo(1f - 0.9f * 20 / 40).Within(1e-6), "20 of 40 steps");
            for (int f = 0; f < 10; f++) RecordFrame(d, f);
            Assert.That(d.Epsilon, Is.EqualTo(0.1f).Within(1e-6));
        }

        [Test]
        public void PolyakUpdatesMoveTheTargetATauOfTheWay()
        {
            Dqn d = Small(new DqnSettings { Hidden = new[] { 8 }, BatchSize = 8, LearningStarts = 8, TransitionsPerUpdate = 4, Tau = 0.25f });
            for (int f = 0; f < 2; f++) RecordFrame(d, f);
            float[] target = d.Target.Parameters.ToArray();
            d.RunUpdate();
            float[] online = d.Network.Parameters.ToArray(), after = d.Target.Parameters.ToArray();
            for (int i = 0; i < target.Length; i++)
                Assert.That(after[i], Is.EqualTo(0.75 * target[i] + 0.25 * online[i]).Within(1e-6 + 1e-6 * Math.Abs(target[i])), $"parameter {i}");
        }

        /// <summary>
        /// A contextual bandit (one-step episodes, so Q(s, a) must learn the reward itself): three one-hot contexts, reward
        /// 1 for the action equal to the context's index, else 0. Deterministic (seeded), a second or so.
        /// </summary>
        [Test]
        public void LearnsAContextualBandit()
        {
            const int agents = 8;
            var d = new Dqn(3, 3, agents, new DqnSettings
            {
                Hidden = new[] { 16 }, BatchSize = 32, LearningStarts = 64, TransitionsPerUpdate = 2, TargetUpdateInterval = 20,
                EpsilonDecaySteps = 2000, EpsilonEnd = 0.05f, LearningRate = 3e-3f,
            }, seed: 6);
            var rng = new Random(7);
            var obs = new float[agents * 3];
            var contexts = new int[agents];
            var actions = new int[agents];
            var rewards = new float[agents];
            var terminated = new bool[agents];
            for (int i = 0; i < agents; i++) terminated[i] = true;
            for (int f = 0; f < 400; f++)
            {
                Array.Clear(obs, 0, obs.Length);
                for (int i = 0; i < agents; i++) { contexts[i] = rng.Next(3); obs[i * 3 + contexts[i]] = 1f; }
                d.Act(obs, actions);
                for (int i = 0; i < agents; i++) rewards[i] = actions[i] == contexts[i] ? 1f : 0f;
                d.Record(obs, actions, rewards, obs, terminated, new bool[agents]);
                while (d.PendingUpdates > 0) d.RunUpdate();
            }
            var q = new float[3];
            for (int c = 0; c < 3; c++)
            {
                var x = new float[3];
                x[c] = 1f;
                d.Network.Predict(x, q);
                Assert.That(Dqn.ArgMax(q), Is.EqualTo(c), $"greedy action in context {c}");
                Assert.That(q[c], Is.EqualTo(1f).Within(0.15), $"Q of the right action in context {c}");
                Assert.That(q[(c + 1) % 3], Is.EqualTo(0f).Within(0.15), $"Q of a wrong action in context {c}");
            }
        }

        [Test]
        public void BadSettingsNameTheSetting()
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Dqn(2, 3, 4, new DqnSettings { Tau = 0f }, 1));
            Assert.That(e!.Message, Does.Contain("Tau").And.Contain("found 0"));
            e = Assert.Throws<ArgumentOutOfRangeException>(() => new Dqn(2, 1, 4, null, 1));
            Assert.That(e!.ParamName, Is.EqualTo("actions"));
            Assert.Throws<ArgumentException>(() => Small().Act(new float[8], new int[3]));
        }
    }
}
