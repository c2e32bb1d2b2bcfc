using System;
using EmbeddedMlp.Agents;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Agents
{
    /// <summary>PPO's rollout-and-update schedule, and learning on one-step problems whose answer is known (seconds, deterministic).</summary>
    [TestFixture]
    public class PpoTests
    {
        private static PpoSettings Settings() => new PpoSettings { Hidden = new[] { 16 }, Steps = 4, Epochs = 2, Minibatches = 2, LearningRate = 3e-3f };

        [Test]
        public void AFullRolloutQueuesEpochsTimesMinibatchesUpdates()
        {
            Ppo p = Ppo.Categorical(observationSize: 2, actions: 3, agents: 4, Settings(), seed: 1);
            var obs = new float[8];
            var actions = new int[4];
            for (int t = 0; t < 3; t++)
            {
                p.Act(obs, actions);
                p.Record(new float[4], new bool[4], new bool[4], obs);
            }
            Assert.That(p.PendingUpdates, Is.EqualTo(0));
            p.Act(obs, actions);
            p.Record(new float[4], new bool[4], new[] { true, false, false, false }, obs);
            Assert.That(p.PendingUpdates, Is.EqualTo(4), "2 epochs × 2 minibatches");
            Assert.That(p.MinibatchSize, Is.EqualTo(8));
            p.RunUpdate();
            Assert.That(p.PendingUpdates, Is.EqualTo(3));
            // The next rollout fills before the remaining three ran: they run at once, counted as overdue.
            for (int t = 0; t < 4; t++)
            {
                p.Act(obs, actions);
                p.Record(new float[4], new bool[4], new bool[4], obs);
            }
            Assert.That(p.OverdueUpdates, Is.EqualTo(3));
            Assert.That(p.Updates, Is.EqualTo(4));
            Assert.That(p.PendingUpdates, Is.EqualTo(4));
            Assert.That(p.Rollouts, Is.EqualTo(2));
        }

        /// <summary>A contextual bandit: the observation is one of three one-hot contexts, the right action is the context's index (reward 1, else 0), every episode one step.</summary>
        [Test]
        public void CategoricalPolicyLearnsAContextualBandit()
        {
            const int agents = 8;
            Ppo p = Ppo.Categorical(3, 3, agents, Settings(), seed: 2);
            var rng = new Random(3);
            var obs = new float[agents * 3];
            var contexts = new int[agents];
            var actions = new int[agents];
            var rewards = new float[agents];
            var done = new bool[agents];
            for (int i = 0; i < agents; i++) done[i] = true;
            double Frame()
            {
                Array.Clear(obs, 0, obs.Length);
                for (int i = 0; i < agents; i++) { contexts[i] = rng.Next(3); obs[i * 3 + contexts[i]] = 1f; }
                p.Act(obs, actions);
                double correct = 0;
                for (int i = 0; i < agents; i++) { rewards[i] = actions[i] == contexts[i] ? 1f : 0f; correct += rewards[i]; }
                p.Record(rewards, done, new bool[agents], obs);
                while (p.PendingUpdates > 0) p.RunUpdate();
                return correct / agents;
            }
            double early = 0, late = 0;
            for (int f = 0; f < 20; f++) early += Frame() / 20;
            for (int f = 0; f < 400; f++) Frame();
            for (int f = 0; f < 20; f++) late += Frame() / 20;
            Assert.That(early, Is.LessThan(0.6), "a near-uniform policy first (1/3 right)");
            Assert.That(late, Is.GreaterThan(0.9), "learned: the right action almost always");
        }

        /// <summary>A one-step continuous problem: reward −(a − 2·x)², x uniform in [−1, 1]; the mean must learn μ(x) ≈ 2x.</summary>
        [Test]
        public void GaussianPolicyLearnsItsMeanAction()
        {
            const int agents = 8;
            var s = Settings();
            s.LearningRate = 3e-3f;
            Ppo p = Ppo.Gaussian(1, 1, agents, s, seed: 4);
            var rng = new Random(5);
            var obs = new float[agents];
            var actions = new float[agents];
            var rewards = new float[agents];
            var done = new bool[agents];
            for (int i = 0; i < agents; i++) done[i] = true;
            for (int f = 0; f < 1500; f++)
            {
                for (int i = 0; i < agents; i++) obs[i] = (float)(rng.NextDouble() * 2 - 1);
                p.Act(obs, actions);
                for (int i = 0; i < agents; i++) rewards[i] = -(actions[i] - 2 * obs[i]) * (actions[i] - 2 * obs[i]);
                p.Record(rewards, done, new bool[agents], obs);
                while (p.PendingUpdates > 0) p.RunUpdate();
            }
            var output = new float[2];
            foreach (float x in new[] { -0.8f, 0f, 0.6f })
            {
                p.Policy.Predict(new[] { x }, output);
                Assert.That(output[0], Is.EqualTo(2 * x).Within(0.35), $"μ({x})");
            }
        }

        [Test]
        public void BadSettingsAreRejected()
        {
            var e = Assert.Throws<ArgumentException>(() => Ppo.Categorical(2, 3, 5, new PpoSettings { Steps = 3, Minibatches = 4 }, 1));
            Assert.That(e!.Message, Does.Contain("Minibatches").And.Contain("15"));
            Assert.Throws<ArgumentOutOfRangeException>(() => Ppo.Gaussian(2, 0, 4, null, 1));
            Ppo p = Ppo.Categorical(2, 3, 4, Settings(), 1);
            Assert.Throws<InvalidOperationException>(() => p.Act(new float[8], new float[4]), "continuous actions from a categorical policy");
        }
    }
}
