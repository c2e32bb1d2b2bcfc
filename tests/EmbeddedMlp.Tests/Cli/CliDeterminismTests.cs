#if !UNITY_5_3_OR_NEWER // the command-line tool is not part of a Unity project
using System.IO;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Cli
{
    /// <summary>Runs that must give the same file bytes: repeated runs, and a resumed run against an uninterrupted one.</summary>
    [TestFixture]
    public class CliDeterminismTests
    {
        [Test]
        public void NoShuffleRunsWriteTheSameBytesTwice()
        {
            using (var h = new CliHarness())
            {
                string data = h.Write("d.csv", CliHarness.Blobs(100, 11, header: true));
                string a = h.PathOf("a.mlp"), b = h.PathOf("b.mlp");
                string[] args = { "train", "--data", data, "--layers", "8:relu,3:softmax", "--epochs", "3", "--batch", "7", "--no-shuffle" };
                h.Ok(Concat(args, "--out", a));
                h.Ok(Concat(args, "--out", b));
                Assert.That(File.ReadAllBytes(b), Is.EqualTo(File.ReadAllBytes(a)));
            }
        }

        /// <summary>--threads splits large products across threads; the result must not change (512×256 layer, batch 64).</summary>
        [Test]
        public void ThreadsDoNotChangeTheResult()
        {
            using (var h = new CliHarness())
            {
                var rng = new System.Random(3);
                var csv = new System.Text.StringBuilder();
                for (int r = 0; r < 128; r++)
                {
                    for (int c = 0; c < 512; c++) csv.Append((rng.NextDouble() - 0.5).ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append(',');
                    csv.Append(r % 3).Append('\n');
                }
                string data = h.Write("wide.csv", csv.ToString());
                string[] args = { "train", "--data", data, "--layers", "256:relu,3:softmax", "--epochs", "1", "--batch", "64", "--no-shuffle" };
                h.Ok(Concat(args, "--out", h.PathOf("one.mlp"), "--threads", "1"));
                h.Ok(Concat(args, "--out", h.PathOf("two.mlp"), "--threads", "2"));
                Assert.That(File.ReadAllBytes(h.PathOf("two.mlp")), Is.EqualTo(File.ReadAllBytes(h.PathOf("one.mlp"))));
                Assert.That(EmbeddedMlp.Kernels.KernelDispatch.MaxDegreeOfParallelism, Is.EqualTo(1), "the process-wide setting is restored");
            }
        }

        [Test]
        public void ShuffledRunsWithOneSeedAreDeterministicAndDifferFromNoShuffle()
        {
            using (var h = new CliHarness())
            {
                string data = h.Write("d.csv", CliHarness.Blobs(100, 12, header: false));
                string[] args = { "train", "--data", data, "--layers", "8:relu,3:softmax", "--epochs", "2", "--seed", "5" };
                h.Ok(Concat(args, "--out", h.PathOf("a.mlp")));
                h.Ok(Concat(args, "--out", h.PathOf("b.mlp")));
                h.Ok(Concat(args, "--out", h.PathOf("c.mlp"), "--no-shuffle"));
                byte[] a = File.ReadAllBytes(h.PathOf("a.mlp"));
                Assert.That(File.ReadAllBytes(h.PathOf("b.mlp")), Is.EqualTo(a));
                Assert.That(File.ReadAllBytes(h.PathOf("c.mlp")), Is.Not.EqualTo(a), "the shuffled order changes the steps");
            }
        }

        /// <summary>
        /// 1 epoch, then 1 more from the checkpoint, equals 2 epochs straight, bit for bit (the whole file: weights,
        /// optimizer moments, step, PRNG state, metadata) — with shuffling, whose order comes from the trainer's PRNG
        /// saved in the checkpoint, and without; for Adam and for SGD with momentum, with a partial last batch.
        /// </summary>
        [TestCase("adam", false)]
        [TestCase("adam", true)]
        [TestCase("sgd", false)]
        [TestCase("adamw", true)]
        public void OneEpochFromACheckpointEqualsTwoEpochsStraight(string optimizer, bool noShuffle)
        {
            using (var h = new CliHarness())
            {
                string data = h.Write("d.csv", CliHarness.Blobs(101, 13, header: true));
                string[] common = { "--data", data, "--batch", "8" };
                string[] fresh = { "train", "--layers", "6:tanh,5:relu,3:softmax", "--optimizer", optimizer, "--seed", "3", "--clip-norm", "2" };
                if (optimizer == "sgd") fresh = Concat(fresh, "--lr", "0.05", "--momentum", "0.9");
                if (noShuffle) common = Concat(common, "--no-shuffle");

                string straight = h.PathOf("straight.mlp"), first = h.PathOf("first.mlp"), resumed = h.PathOf("resumed.mlp");
                h.Ok(Concat(Concat(fresh, common), "--epochs", "2", "--out", straight));
                h.Ok(Concat(Concat(fresh, common), "--epochs", "1", "--out", first));
                h.Ok(Concat(new[] { "train", "--model", first, "--epochs", "1", "--out", resumed }, common));

                Assert.That(File.ReadAllBytes(resumed), Is.EqualTo(File.ReadAllBytes(straight)));
                Assert.That(File.ReadAllBytes(first), Is.Not.EqualTo(File.ReadAllBytes(straight)));
            }
        }

        private static string[] Concat(string[] a, params string[] b)
        {
            var r = new string[a.Length + b.Length];
            a.CopyTo(r, 0);
            b.CopyTo(r, a.Length);
            return r;
        }
    }
}
#endif
