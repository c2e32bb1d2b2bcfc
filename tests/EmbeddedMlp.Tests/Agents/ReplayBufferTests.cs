using System;
using EmbeddedMlp.Agents;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Agents
{
    /// <summary>The replay ring: which transitions it holds after wrapping, that every sampled row is one whole transition, uniform draws, seeding, errors.</summary>
    [TestFixture]
    public class ReplayBufferTests
    {
        /// <summary>Transition number <paramref name="id"/>: every field derived from it, so a sampled row tells which transition it came from.</summary>
        private static void AddTransition(ReplayBuffer b, int id)
        {
            float[] obs = { id, id + 0.25f }, next = { id + 1, id + 1.25f };
            if (b.IsDiscrete) b.Add(obs, id % 3, 10 * id, next, id % 4 == 0, id % 5 == 0);
            else b.Add(obs, new[] { id * 0.5f, -id }, 10 * id, next, id % 4 == 0, id % 5 == 0);
        }

        [Test]
        public void WrapsAroundKeepingTheLastCapacityTransitions()
        {
            ReplayBuffer b = ReplayBuffer.ForDiscreteActions(capacity: 5, observationSize: 2, seed: 1);
            for (int id = 0; id < 8; id++) AddTransition(b, id);
            Assert.That(b.Count, Is.EqualTo(5));
            Assert.That(b.Added, Is.EqualTo(8));
            const int batch = 2000;
            float[] obs = new float[batch * 2], next = new float[batch * 2], rewards = new float[batch], done = new float[batch];
            int[] actions = new int[batch], slots = new int[batch];
            b.Sample(batch, obs, actions, rewards, next, done, slots);
            var seen = new int[8];
            for (int i = 0; i < batch; i++)
            {
                int id = (int)obs[2 * i];
                Assert.That(id, Is.InRange(3, 7), "transitions 0–2 were overwritten");
                Assert.That(obs[2 * i + 1], Is.EqualTo(id + 0.25f));
                Assert.That(next[2 * i], Is.EqualTo(id + 1f));
                Assert.That(next[2 * i + 1], Is.EqualTo(id + 1.25f));
                Assert.That(actions[i], Is.EqualTo(id % 3));
                Assert.That(rewards[i], Is.EqualTo(10f * id));
                Assert.That(done[i], Is.EqualTo(id % 4 == 0 ? 1f : 0f), "terminated, and only terminated, ends the bootstrap");
                Assert.That(b.IsTruncated(slots[i]), Is.EqualTo(id % 5 == 0));
                Assert.That(slots[i], Is.EqualTo(id % 5), "the ring's slot of transition id is id mod capacity");
                seen[id]++;
            }
            for (int id = 3; id < 8; id++) Assert.That(seen[id], Is.InRange(300, 500), $"transition {id}: uniform draws (400 expected of 2,000)");
        }

        [Test]
        public void ContinuousActionsAreSampledWithTheirTransition()
        {
            ReplayBuffer b = ReplayBuffer.ForContinuousActions(capacity: 4, observationSize: 2, actionSize: 2, seed: 2);
            for (int id = 0; id < 6; id++) AddTransition(b, id);
            float[] obs = new float[64 * 2], next = new float[64 * 2], rewards = new float[64], done = new float[64], actions = new float[64 * 2];
            b.Sample(64, obs, actions, rewards, next, done);
            for (int i = 0; i < 64; i++)
            {
                int id = (int)obs[2 * i];
                Assert.That(id, Is.InRange(2, 5));
                Assert.That(actions[2 * i], Is.EqualTo(id * 0.5f));
                Assert.That(actions[2 * i + 1], Is.EqualTo(-id));
            }
        }

        [Test]
        public void TheSameSeedDrawsTheSameMinibatches()
        {
            ReplayBuffer a = ReplayBuffer.ForDiscreteActions(100, 2, 7), b = ReplayBuffer.ForDiscreteActions(100, 2, 7), c = ReplayBuffer.ForDiscreteActions(100, 2, 8);
            for (int id = 0; id < 60; id++) { AddTransition(a, id); AddTransition(b, id); AddTransition(c, id); }
            int[] Draw(ReplayBuffer r)
            {
                var slots = new int[32];
                r.Sample(32, new float[64], new int[32], new float[32], new float[64], new float[32], slots);
                return slots;
            }
            Assert.That(Draw(b), Is.EqualTo(Draw(a)));
            Assert.That(Draw(c), Is.Not.EqualTo(Draw(a)));
        }

        [Test]
        public void BadInputIsRejectedNamingTheArgument()
        {
            ReplayBuffer b = ReplayBuffer.ForDiscreteActions(4, 2, 1);
            Assert.Throws<InvalidOperationException>(() => b.Sample(1, new float[2], new int[1], new float[1], new float[2], new float[1]), "empty buffer");
            ArgumentValidationTests.ExpectArgument(() => b.Add(new float[3], 0, 0f, new float[2], false, false), "observation", "expected 2", "found 3");
            ArgumentValidationTests.ExpectArgument(() => b.Add(new float[2], 0, 0f, new float[1], false, false), "nextObservation", "expected 2", "found 1");
            Assert.Throws<InvalidOperationException>(() => b.Add(new float[2], new float[1], 0f, new float[2], false, false), "continuous action into a discrete buffer");
            b.Add(new float[2], 1, 0f, new float[2], false, false);
            ArgumentValidationTests.ExpectArgument(() => b.Sample(2, new float[4], new int[2], new float[2], new float[3], new float[2]), "nextObservations", "2×2 = 4", "found 3");
            ArgumentValidationTests.ExpectArgument(() => b.Sample(2, new float[4], new int[1], new float[2], new float[4], new float[2]), "actions", "expected 2", "found 1");
            Assert.Throws<ArgumentOutOfRangeException>(() => ReplayBuffer.ForDiscreteActions(0, 2, 1));
        }
    }
}
