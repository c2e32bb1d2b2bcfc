#if !UNITY_5_3_OR_NEWER // the command-line tool is not part of a Unity project
using System;
using System.IO;
using EmbeddedMlp.Serialization;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Cli
{
    /// <summary>Bad input exits 2 with exactly one line "error: …" and no stack trace; usage errors exit 1 with the usage text.</summary>
    [TestFixture]
    public class CliErrorTests
    {
        private static void AssertUsageError(CliRun run, string fragment)
        {
            Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
            Assert.That(run.StderrLines[0], Does.StartWith("error: ").And.Contain(fragment));
            Assert.That(run.Stderr, Does.Contain("Usage:"), "the usage text follows");
            Assert.That(run.Stderr, Does.Not.Contain("   at "));
        }

        // name, CSV text, fragments the message must hold (file name is checked too)
        [TestCase("cell", "x,y,class\n1,2,0\n1,abc,1\n", "line 3, column 2", "expected a number, found \"abc\"")]
        [TestCase("first-row-typo", "1.5,2x,0\n1,2,1\n", "line 1, column 2", "expected a number, found \"2x\"")]
        [TestCase("numeric-header", "x1,2,label\n1,2,0\n", "line 1, column 1", "expected a number, found \"x1\"")]
        [TestCase("empty-cell", "1,2,0\n1,,1\n", "line 2, column 2", "expected a number, found an empty cell")]
        [TestCase("narrow-row", "1,2,0\n\n1,2\n", "line 3", "expected 3 columns (as on line 1), found 2")]
        [TestCase("wide-row", "a,b,c\n1,2,0\n1,2,0,4\n", "line 3", "expected 3 columns (as on line 2), found 4")]
        [TestCase("class-range", "1,2,0\n1,2,3\n", "line 2, column 3", "expected a class index 0..2")]
        [TestCase("class-fraction", "1,2,0\n1,2,1.5\n", "line 2, column 3", "found 1.5")]
        [TestCase("non-finite", "1,2,0\n1,NaN,1\n", "line 2, column 2", "expected a finite number")]
        [TestCase("empty", "", "expected at least one row of numbers, found an empty file")]
        [TestCase("header-only", "x,y,class\n", "found only a header")]
        [TestCase("too-narrow", "1\n2\n", "expected more than 1 columns")]
        public void MalformedTrainingCsvExits2WithOneLineNamingFileLineAndColumn(string name, string text, params string[] fragments)
        {
            using (var h = new CliHarness())
            {
                string data = h.Write(name + ".csv", text);
                CliRun run = h.Run("train", "--data", data, "--out", h.PathOf("m.mlp"), "--layers", "3:softmax");
                CliHarness.AssertInputError(run, fragments);
                Assert.That(run.Stderr, Does.Contain(name + ".csv"));
                Assert.That(File.Exists(h.PathOf("m.mlp")), Is.False, "nothing written");
            }
        }

        [Test]
        public void PredictInputOfTheWrongWidthOrWithABadCellExits2()
        {
            using (var h = new CliHarness())
            {
                string model = h.PathOf("m.mlp");
                ModelFile.Save(new Mlp(2, new LayerSpec(3, Activation.Softmax)), model);
                CliHarness.AssertInputError(h.Run("predict", "--model", model, "--input", h.Write("w.csv", "1,2,3\n")),
                    "w.csv", "expected 2 columns (the inputs of", "found 3");
                CliHarness.AssertInputError(h.Run("predict", "--model", model, "--input", h.Write("c.csv", "1,2\n3,4e\n")),
                    "c.csv line 2, column 2", "\"4e\"");
                CliHarness.AssertInputError(h.Run("predict", "--model", model, "--input", h.PathOf("missing.csv")),
                    "missing.csv", "no such file");
            }
        }

        private static byte[] ValidModel()
        {
            var stream = new MemoryStream();
            ModelFile.Save(new Mlp(2, new LayerSpec(4, Activation.Relu), new LayerSpec(3, Activation.Softmax)), stream);
            return stream.ToArray();
        }

        [TestCase("truncated")]
        [TestCase("garbage")]
        [TestCase("empty")]
        [TestCase("csv")]
        [TestCase("bad-weight-size")]
        public void MalformedModelFilesExit2WithOneLineForEveryCommand(string kind)
        {
            using (var h = new CliHarness())
            {
                byte[] good = ValidModel();
                byte[] bytes;
                switch (kind)
                {
                    case "truncated": bytes = good.AsSpan(0, good.Length - 7).ToArray(); break;
                    case "garbage":
                        bytes = new byte[200];
                        new Random(1).NextBytes(bytes);
                        break;
                    case "empty": bytes = new byte[0]; break;
                    case "csv": bytes = System.Text.Encoding.ASCII.GetBytes("1,2,0\n"); break;
                    default:
                        var mlp = new Mlp(2, new LayerSpec(4, Activation.Relu), new LayerSpec(3, Activation.Softmax));
                        var s = new MemoryStream();
                        ModelFile.Save(mlp, s);
                        bytes = s.ToArray();
                        // The first weight blob is bin8 of 32 bytes: "c4 20"; claim 28 and drop 4 bytes.
                        int at = IndexOf(bytes, new byte[] { 0xc4, 0x20 });
                        bytes[at + 1] = 28;
                        bytes = Remove(bytes, at + 2, 4);
                        break;
                }
                string model = h.Write(kind + ".mlp", bytes);
                string data = h.Write("d.csv", "1,2,0\n");
                string x = h.Write("x.csv", "1,2\n");

                CliHarness.AssertInputError(h.Run("inspect", model), kind + ".mlp: ");
                CliHarness.AssertInputError(h.Run("predict", "--model", model, "--input", x), kind + ".mlp: ");
                CliHarness.AssertInputError(h.Run("bench", "--model", model, "--seconds", "0.05"), kind + ".mlp: ");
                CliHarness.AssertInputError(h.Run("train", "--model", model, "--data", data, "--out", h.PathOf("o.mlp")), kind + ".mlp: ");
                if (kind == "bad-weight-size")
                    Assert.That(h.Run("inspect", model).Stderr, Does.Contain("layers[0].weight: expected 32 bytes"));
            }
        }

        [Test]
        public void MissingModelFileExits2()
        {
            using (var h = new CliHarness())
                CliHarness.AssertInputError(h.Run("inspect", h.PathOf("nope.mlp")), "nope.mlp", "expected a readable file, found no such file");
        }

        [Test]
        public void OutputInAMissingFolderExits2BeforeTraining()
        {
            using (var h = new CliHarness())
            {
                string data = h.Write("d.csv", "1,2,0\n");
                CliHarness.AssertInputError(h.Run("train", "--data", data, "--out", h.PathOf("no/such/m.mlp"), "--layers", "3:softmax"),
                    "--out", "expected an existing folder");
            }
        }

        [Test]
        public void UsageErrorsExit1WithTheUsageText()
        {
            using (var h = new CliHarness())
            {
                string data = h.Write("d.csv", "1,2,0\n");
                string model = h.PathOf("m.mlp");
                ModelFile.Save(new Mlp(2, new LayerSpec(3, Activation.Softmax)), model);
                string o = h.PathOf("o.mlp");
                AssertUsageError(h.Run("train", "--data", data, "--out", o, "--layers", "3:softmax", "--model", model), "--layers and --model");
                AssertUsageError(h.Run("train", "--data", data, "--out", o), "expected --layers (a new model) or --model");
                AssertUsageError(h.Run("train", "--data", data, "--out", o, "--layers", "3:softmix"), "found \"softmix\"");
                AssertUsageError(h.Run("train", "--data", data, "--out", o, "--layers", "3:softmax,2:relu"), "softmax only on the last layer");
                AssertUsageError(h.Run("train", "--data", data, "--out", o, "--layers", "3:softmax", "--threads", "0"), "--threads: expected an integer ≥ 1");
                AssertUsageError(h.Run("train", "--data", data, "--out", o, "--layers", "3:softmax", "--epochs", "x"), "--epochs: expected an integer");
                AssertUsageError(h.Run("train", "--data", data, "--out", o, "--layers", "3:softmax", "--optimizer", "rmsprop"), "rmsprop");
                AssertUsageError(h.Run("train", "--data", data, "--out", o, "--layers", "3:softmax", "--momentum", "0.9"), "--momentum: applies to --optimizer sgd");
                AssertUsageError(h.Run("train", "--data", data, "--out", o, "--layers", "3:softmax", "--optimizer", "sgd", "--nesterov"), "nesterov");
                AssertUsageError(h.Run("train", "--data", data, "--layers", "3:softmax"), "--out");
                AssertUsageError(h.Run("predict", "--model", model), "--input");
                AssertUsageError(h.Run("bench", "--model", model, "--batch", "1,0"), "--batch");
                AssertUsageError(h.Run("frobnicate"), "frobnicate");
                AssertUsageError(h.Run(), "command");
                Assert.That(File.Exists(o), Is.False);
            }
        }

        [Test]
        public void OptionsThatACheckpointFixesAreUsageErrorsWhenContinuingIt()
        {
            using (var h = new CliHarness())
            {
                string data = h.Write("d.csv", "1,2,0\n3,4,1\n");
                string ckpt = h.PathOf("c.mlp");
                h.Ok("train", "--data", data, "--out", ckpt, "--layers", "3:softmax", "--epochs", "1", "--batch", "2");
                string o = h.PathOf("o.mlp");
                AssertUsageError(h.Run("train", "--data", data, "--out", o, "--model", ckpt, "--optimizer", "sgd"), "--optimizer: the optimizer and PRNG state come from the checkpoint");
                AssertUsageError(h.Run("train", "--data", data, "--out", o, "--model", ckpt, "--seed", "3"), "--seed");
                AssertUsageError(h.Run("train", "--data", data, "--out", o, "--model", ckpt, "--batch", "3"), "--batch: expected at most 2");
                AssertUsageError(h.Run("train", "--data", data, "--out", o, "--model", ckpt, "--no-bias"), "--no-bias");
                h.Ok("train", "--data", data, "--out", o, "--model", ckpt, "--lr", "0.5", "--clip-norm", "1");
                Assert.That(ModelFileInfo.Read(File.ReadAllBytes(o)).LearningRate, Is.EqualTo(0.5f));
            }
        }

        [Test]
        public void DataOfTheWrongWidthForAContinuedModelExits2()
        {
            using (var h = new CliHarness())
            {
                string model = h.PathOf("m.mlp");
                ModelFile.Save(new Mlp(2, new LayerSpec(3, Activation.Softmax)), model);
                CliHarness.AssertInputError(h.Run("train", "--data", h.Write("d.csv", "1,2,3,0\n"), "--model", model, "--out", h.PathOf("o.mlp")),
                    "d.csv: expected 3 columns (2 inputs + 1 class-index column), found 4");
            }
        }

        private static int IndexOf(byte[] haystack, byte[] needle)
        {
            for (int i = 0; i + needle.Length <= haystack.Length; i++)
                if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
            throw new InvalidOperationException("pattern not found");
        }

        private static byte[] Remove(byte[] a, int at, int count)
        {
            var r = new byte[a.Length - count];
            Array.Copy(a, r, at);
            Array.Copy(a, at + count, r, at, a.Length - at - count);
            return r;
        }
    }
}
#endif
