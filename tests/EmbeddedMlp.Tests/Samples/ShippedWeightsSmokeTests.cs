#if !UNITY_5_3_OR_NEWER // runs the console samples, which are not part of a Unity project
using System.Collections.Generic;
using System.IO;
using EmbeddedMlp.Samples.ShippedWeights;
using EmbeddedMlp.Serialization;
using EmbeddedMlp.Tests.Package;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Samples
{
    /// <summary>The ShippedWeights sample's crowd run with the policy file committed in the sample.</summary>
    [TestFixture]
    public class ShippedWeightsSmokeTests
    {
        private Mlp _policy = null!;
        private byte[] _bytes = null!;

        [OneTimeSetUp]
        public void LoadTheShippedPolicy()
        {
            string path = Path.Combine(RepositoryFiles.Root, "samples", "ShippedWeights", PolicySource.ShippedFileName);
            _policy = PolicySource.LoadFromFile(path);
            _bytes = File.ReadAllBytes(path);
        }

        [Test]
        public void FileAndBytesGiveIdenticalWeights()
        {
            Mlp fromBytes = PolicySource.LoadFromBytes(_bytes);
            Assert.That(PolicyCheck.IdenticalWeights(_policy, fromBytes), Is.True);
            Assert.That(fromBytes.Parameters.ToArray(), Is.EqualTo(_policy.Parameters.ToArray()));

            IReadOnlyDictionary<string, string> meta = ModelFile.ReadMetadata(_bytes);
            Assert.That(meta["name"], Is.EqualTo("cartpole-policy"));
            Assert.That(meta["seed"], Is.EqualTo("1"));
            Assert.That(_bytes.Length, Is.LessThan(24 * 1024), "4,610 f32 parameters and a little metadata");
        }

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
        public void SummaryListsTheLayersAndTheMetadata()
        {
            string s = PolicyCheck.Summary(_policy, ModelFile.ReadMetadata(_bytes));
            Assert.That(s, Does.Contain("4610 parameters").And.Contain("softmax").And.Contain("layer 2").And.Contain("seed: 1"));
        }

        [Test]
        public void BytesThatAreNotAModelFileAreRejected()
        {
            Assert.Throws<ModelFormatException>(() => PolicySource.LoadFromBytes(new byte[16]));
        }
    }
}
#endif
