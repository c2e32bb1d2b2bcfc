using System;
using EmbeddedMlp.Agents;
using EmbeddedMlp.Training;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Agents
{
    /// <summary>The policy guard: saves the best parameters, restores them bit for bit when the running score falls, adjusts the trainers.</summary>
    [TestFixture]
    public class PolicyGuardTests
    {
        private static Mlp Model(ulong seed) => new Mlp(3, new[] { new LayerSpec(5, Activation.Tanh), new LayerSpec(2, Activation.Softmax) }, seed);

        [Test]
        public void SavesTheBestAndRestoresItWhenTheScoreFalls()
        {
            Mlp policy = Model(1), critic = Model(2);
            var trainer = new Trainer(policy, new TrainerOptions { Optimizer = OptimizerSettings.Adam(0.01f) });
            var guard = new PolicyGuard(new[] { policy, critic }, new[] { trainer }, new PolicyGuardSettings { Window = 4, RestoreBelow = 0.9f, LearningRateFactor = 0.5f });
            for (int i = 0; i < 3; i++) guard.ReportEpisode(100);
            Assert.That(guard.Update(), Is.EqualTo(PolicyGuardAction.None), "window not full");
            guard.ReportEpisode(100);
            Assert.That(guard.Update(), Is.EqualTo(PolicyGuardAction.SavedBest));
            Assert.That(guard.BestScore, Is.EqualTo(100f));
            Assert.That(guard.Threshold, Is.EqualTo(90f).Within(1e-4));
            float[] bestPolicy = policy.Parameters.ToArray(), bestCritic = critic.Parameters.ToArray();

            // Learning changes the weights, and then the score falls: 100, 100, 60, 60 → mean 80 < 90.
            policy.Initialize(7);
            critic.Initialize(8);
            trainer.Step(new float[3], new[] { 1 });
            guard.ReportEpisode(60);
            Assert.That(guard.Update(), Is.EqualTo(PolicyGuardAction.None), "mean 90: not below the threshold");
            guard.ReportEpisode(60);
            Assert.That(guard.Update(), Is.EqualTo(PolicyGuardAction.Restored));
            Assert.That(policy.Parameters.ToArray(), Is.EqualTo(bestPolicy).AsCollection);
            Assert.That(critic.Parameters.ToArray(), Is.EqualTo(bestCritic).AsCollection);
            Assert.That(trainer.LearningRate, Is.EqualTo(0.005f), "learning rate halved");
            Assert.That(trainer.StepCount, Is.EqualTo(0), "optimizer state reset");
            Assert.That(guard.Restores, Is.EqualTo(1));
            Assert.That(guard.WindowFull, Is.False, "the window starts again after a restore");
            Assert.That(guard.Update(), Is.EqualTo(PolicyGuardAction.None));
        }

        [Test]
        public void NegativeScoresUseADistanceFromTheBest()
        {
            Mlp m = Model(3);
            var guard = new PolicyGuard(new[] { m }, null, new PolicyGuardSettings { Window = 2, RestoreBelow = 0.8f });
            guard.ReportEpisode(-200);
            guard.ReportEpisode(-200);
            Assert.That(guard.Update(), Is.EqualTo(PolicyGuardAction.SavedBest));
            Assert.That(guard.Threshold, Is.EqualTo(-240f).Within(1e-3), "best − 0.2·|best|");
            guard.ReportEpisode(-230);
            Assert.That(guard.Update(), Is.EqualTo(PolicyGuardAction.None), "mean −215");
            guard.ReportEpisode(-290);
            Assert.That(guard.Update(), Is.EqualTo(PolicyGuardAction.Restored), "mean −260 < −240");
        }

        [Test]
        public void ABetterScoreIsSavedAtOnceAnEqualOneAWindowLater()
        {
            Mlp m = Model(4);
            var guard = new PolicyGuard(new[] { m }, null, new PolicyGuardSettings { Window = 2 });
            guard.ReportEpisode(10); guard.ReportEpisode(10);
            Assert.That(guard.Update(), Is.EqualTo(PolicyGuardAction.SavedBest));
            guard.ReportEpisode(30);
            Assert.That(guard.Update(), Is.EqualTo(PolicyGuardAction.SavedBest), "better (20): saved at once");
            Assert.That(guard.BestScore, Is.EqualTo(20f));
            guard.ReportEpisode(10);
            Assert.That(guard.Update(), Is.EqualTo(PolicyGuardAction.None), "equal (20), one episode after the save");
            guard.ReportEpisode(30);
            Assert.That(guard.Update(), Is.EqualTo(PolicyGuardAction.SavedBest), "equal (20), a whole window after: the copy is refreshed");
        }

        [Test]
        public void ItRestoresOnlyOnceTheBestHasReachedArmAt()
        {
            Mlp m = Model(5);
            var guard = new PolicyGuard(new[] { m }, null, new PolicyGuardSettings { Window = 2, RestoreBelow = 0.9f, ArmAt = 100 });
            guard.ReportEpisode(50); guard.ReportEpisode(50);
            Assert.That(guard.Update(), Is.EqualTo(PolicyGuardAction.SavedBest));
            Assert.That(guard.Armed, Is.False);
            guard.ReportEpisode(10); guard.ReportEpisode(10);
            Assert.That(guard.Update(), Is.EqualTo(PolicyGuardAction.None), "a fall from a best of 50 < 100: learning goes on");
            guard.ReportEpisode(120); guard.ReportEpisode(120);
            Assert.That(guard.Update(), Is.EqualTo(PolicyGuardAction.SavedBest));
            Assert.That(guard.Armed, Is.True);
            guard.ReportEpisode(80); guard.ReportEpisode(80);
            Assert.That(guard.Update(), Is.EqualTo(PolicyGuardAction.Restored));
        }

        [Test]
        public void BadSettingsAreRejected()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new PolicyGuardSettings { RestoreBelow = 0f });
            Assert.Throws<ArgumentOutOfRangeException>(() => new PolicyGuardSettings { Window = 0 });
            Assert.Throws<ArgumentException>(() => new PolicyGuard(new Mlp[0]));
        }
    }
}
