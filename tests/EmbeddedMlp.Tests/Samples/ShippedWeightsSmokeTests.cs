#if !UNITY_5_3_OR_NEWER // runs the console samples, which are not part of a Unity project
using System;
using System.IO;
using EmbeddedMlp.Samples.ShippedWeights;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Samples
{
    /// <summary>
    /// The ShippedWeights sample's crowd run with the policy it ships. Until model files exist (issue 4) the policy
    /// is the one AgentTraining makes with seed 1, trained here once (about 2,000 frames).
    /// </summary>
    [TestFixture]
    public class ShippedWeightsSmokeTests
    {
        private Mlp _policy = null!;

        [OneTimeSetUp]
        public void TrainTheStandInPolicy() => _policy = PolicySource.TrainInProcess(seed: 1);

        [Test]
        public void ShippedPolicyScoresAboveItsThresholdWithoutAllocating()
        {
            CrowdResult r = CrowdRun.Run(_policy, new CrowdOptions { Agents = 300, Frames = 600, WarmupFrames = 10 });

            Assert.That(r.Episodes, Is.GreaterThanOrEqualTo(300), "every agent finishes at least one episode in 600 frames");
            Assert.That(r.MeanEpisodeLength, Is.GreaterThanOrEqualTo(r.ScoreThreshold), "mean episode length of the shipped policy");
            Assert.That(r.PassesThreshold, Is.True);
            Assert.That(r.Cost.Frames, Is.EqualTo(590));
            Assert.That(r.AllocatedBytesAfterWarmup, Is.EqualTo(0), "bytes allocated by the crowd loop after warm-up");
            Assert.That(r.GcCollectionsAfterWarmup, Is.EqualTo(0));
        }

        [Test]
        public void PolicyCheckRejectsAModelThatDoesNotFitTheGame()
        {
            var wrongInputs = new Mlp(5, new[] { new LayerSpec(2, Activation.Softmax) }, 1);
            var e = Assert.Throws<InvalidDataException>(() => PolicyCheck.EnsureFitsCartPole(wrongInputs));
            Assert.That(e!.Message, Does.Contain("expected 4 inputs").And.Contain("found 5"));

            var notSoftmax = new Mlp(4, new[] { new LayerSpec(2, Activation.Identity) }, 1);
            e = Assert.Throws<InvalidDataException>(() => PolicyCheck.EnsureFitsCartPole(notSoftmax));
            Assert.That(e!.Message, Does.Contain("softmax"));

            var broken = new Mlp(4, new[] { new LayerSpec(2, Activation.Softmax) }, 1);
            broken.Parameters[3] = float.NaN;
            e = Assert.Throws<InvalidDataException>(() => PolicyCheck.EnsureFitsCartPole(broken));
            Assert.That(e!.Message, Does.Contain("parameter 3"));
        }

        [Test]
        public void SummaryListsTheLayers()
        {
            string s = PolicyCheck.Summary(_policy);
            Assert.That(s, Does.Contain("4610 parameters").And.Contain("softmax").And.Contain("layer 2"));
        }

        [Test]
        public void LoadingWaitsForTheModelFileApi()
        {
            Assert.Throws<NotSupportedException>(() => PolicySource.LoadFromFile("cartpole-policy.emlp"));
            Assert.Throws<NotSupportedException>(() => PolicySource.LoadFromBytes(new byte[16]));
        }
    }
}
#endif
