using System;
using EmbeddedMlp.Agents;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Agents
{
    /// <summary>After construction and a warm-up, the agents' per-frame calls allocate 0 bytes over 1,000 frames (rollouts filling, buffers wrapping, updates running).</summary>
    [TestFixture]
    public class AgentAllocationTests
    {
        private static void AssertNoAllocation(Action frame)
        {
            for (int i = 0; i < 200; i++) frame(); // first calls, buffers wrapping, pools, on-stack replacement of this loop's caller
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1000; i++) frame();
            Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.EqualTo(0), "bytes allocated over 1,000 frames");
        }

        [Test]
        public void DqnFrames()
        {
            const int n = 4;
            var d = new Dqn(2, 3, n, new DqnSettings { Hidden = new[] { 16 }, BatchSize = 16, BufferCapacity = 500, LearningStarts = 32, TransitionsPerUpdate = 2, TargetUpdateInterval = 7 }, 1);
            var rng = new Random(1);
            float[] obs = TestData.Uniform(rng, n * 2), next = TestData.Uniform(rng, n * 2), rewards = TestData.Uniform(rng, n);
            var actions = new int[n];
            bool[] terminated = { false, true, false, false }, truncated = { false, false, true, false };
            var budget = new TrainingBudget(1e6);
            AssertNoAllocation(() =>
            {
                d.Act(obs, actions);
                d.Record(obs, actions, rewards, next, terminated, truncated);
                budget.Run(d);
            });
        }

        [TestCase(true)]
        [TestCase(false)]
        public void PpoFrames(bool discrete)
        {
            const int n = 4;
            var s = new PpoSettings { Hidden = new[] { 16 }, Steps = 8, Epochs = 2, Minibatches = 4 };
            Ppo p = discrete ? Ppo.Categorical(3, 2, n, s, 1) : Ppo.Gaussian(3, 2, n, s, 1);
            var rng = new Random(2);
            float[] obs = TestData.Uniform(rng, n * 3), rewards = TestData.Uniform(rng, n), continuous = new float[n * 2];
            var actions = new int[n];
            bool[] terminated = { false, true, false, false }, truncated = { false, false, true, false };
            var budget = new TrainingBudget(1e6, 1);
            AssertNoAllocation(() =>
            {
                if (discrete) p.Act(obs, actions);
                else p.Act(obs, continuous);
                p.Record(rewards, terminated, truncated, obs);
                budget.Run(p);
            });
        }

        [Test]
        public void GuardReportsAndUpdates()
        {
            Mlp m = new Mlp(2, new LayerSpec(4, Activation.Relu), new LayerSpec(2, Activation.Softmax));
            var guard = new PolicyGuard(new[] { m }, null, new PolicyGuardSettings { Window = 10, RestoreBelow = 0.5f });
            int i = 0;
            AssertNoAllocation(() =>
            {
                guard.ReportEpisode(100 + (i++ % 7)); // saves now and then, never restores
                guard.Update();
            });
        }
    }
}
