#if !UNITY_5_3_OR_NEWER // the command-line tool is not part of a Unity project
using System;
using System.Globalization;
using System.IO;
using EmbeddedMlp.Serialization;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Cli
{
    /// <summary>train → predict end to end on generated files, through the CLI's in-process entry point.</summary>
    [TestFixture]
    public class CliTrainPredictTests
    {
        [Test]
        public void TrainThenPredictArgmaxReaches97PercentOnHeldOutBlobs()
        {
            using (var h = new CliHarness())
            {
                string train = h.Write("train.csv", CliHarness.Blobs(600, 1, header: true));
                string validation = h.Write("val.csv", CliHarness.Blobs(150, 2, header: true));
                string input = h.Write("x.csv", CliHarness.Blobs(300, 3, header: false, withLabels: false));
                string model = h.PathOf("m.mlp");

                CliRun t = h.Ok("train", "--data", train, "--validation", validation, "--out", model,
                    "--layers", "16:relu,3:softmax", "--epochs", "8", "--lr", "0.01", "--seed", "7");
                string[] lines = t.Stdout.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries);
                Assert.That(lines[0], Does.StartWith("epoch 1/8  loss "), "one plain line per epoch when stdout is not a terminal");
                Assert.That(lines[7], Does.StartWith("epoch 8/8  loss ").And.Contain("accuracy").And.Contain("val_accuracy"));
                Assert.That(t.Stdout, Does.Match(@"trained 8 epochs, 152 steps of up to 32 rows in [0-9.]+ s; median [0-9.]+ µs per step"));
                Assert.That(t.Stderr, Is.Empty);

                CliRun p = h.Ok("predict", "--model", model, "--input", input, "--argmax");
                string[] predicted = p.Stdout.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries);
                Assert.That(predicted.Length, Is.EqualTo(300), "one output row per input row");
                int correct = 0;
                for (int i = 0; i < predicted.Length; i++)
                    if (int.Parse(predicted[i], CultureInfo.InvariantCulture) == CliHarness.LabelOf(i)) correct++;
                Assert.That(correct / 300.0, Is.GreaterThanOrEqualTo(0.97), "held-out accuracy through predict --argmax");
            }
        }

        [Test]
        public void PredictPrintsProbabilitiesThatParseBackToTheExactFloats()
        {
            using (var h = new CliHarness())
            {
                string train = h.Write("train.csv", CliHarness.Blobs(90, 4, header: false));
                string input = h.Write("x.csv", CliHarness.Blobs(40, 5, header: true, withLabels: false));
                string model = h.PathOf("m.mlp"), output = h.PathOf("p.csv");
                h.Ok("train", "--data", train, "--out", model, "--layers", "8:tanh,3:softmax", "--epochs", "2");

                CliRun toStdout = h.Ok("predict", "--model", model, "--input", input);
                h.Ok("predict", "--model", model, "--input", input, "--output", output);
                Assert.That(File.ReadAllText(output), Is.EqualTo(toStdout.Stdout), "--output writes what stdout shows");

                Mlp m = ModelFile.Load(model);
                string[] inputLines = File.ReadAllLines(input);
                var x = new float[40 * 2];
                for (int r = 0; r < 40; r++)
                {
                    string[] cells = inputLines[r + 1].Split(',');
                    x[r * 2] = float.Parse(cells[0], CultureInfo.InvariantCulture);
                    x[r * 2 + 1] = float.Parse(cells[1], CultureInfo.InvariantCulture);
                }
                var expected = new float[40 * 3];
                m.Predict(x, expected);

                string[] rows = toStdout.Stdout.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries);
                Assert.That(rows.Length, Is.EqualTo(40));
                for (int r = 0; r < 40; r++)
                {
                    string[] cells = rows[r].Split(',');
                    Assert.That(cells.Length, Is.EqualTo(3));
                    for (int j = 0; j < 3; j++)
                        Assert.That(BitConverter.SingleToInt32Bits(float.Parse(cells[j], CultureInfo.InvariantCulture)),
                            Is.EqualTo(BitConverter.SingleToInt32Bits(expected[r * 3 + j])), $"row {r}, output {j}: \"{cells[j]}\"");
                }
            }
        }

        [Test]
        public void RegressionTargetsAreTheLastUnitsColumnsAndTheLossFalls()
        {
            using (var h = new CliHarness())
            {
                string data = h.Write("reg.csv", CliHarness.Regression(256, 6));
                string model = h.PathOf("r.mlp");
                CliRun run = h.Ok("train", "--data", data, "--out", model, "--layers", "16:tanh,2:identity", "--epochs", "15",
                    "--optimizer", "sgd", "--lr", "0.05", "--momentum", "0.9", "--nesterov", "--clip-norm", "5");
                string[] epochs = run.Stdout.Split('\n');
                double first = LossOf(epochs[0]), last = LossOf(epochs[14]);
                Assert.That(epochs[0], Does.Not.Contain("accuracy"), "no accuracy for regression");
                Assert.That(last, Is.LessThan(first * 0.2), run.Stdout);

                Mlp m = ModelFile.Load(model);
                Assert.That(m.InputCount, Is.EqualTo(3));
                Assert.That(m.OutputCount, Is.EqualTo(2));
            }
        }

        [Test]
        public void ContinuingAPlainModelFileUsesTheOptionsOptimizer()
        {
            using (var h = new CliHarness())
            {
                string data = h.Write("d.csv", CliHarness.Blobs(60, 8, header: false));
                var plain = new Mlp(2, new[] { new LayerSpec(4, Activation.Relu), new LayerSpec(3, Activation.Softmax) }, 1);
                string start = h.PathOf("plain.mlp"), model = h.PathOf("m.mlp");
                ModelFile.Save(plain, start);
                h.Ok("train", "--data", data, "--model", start, "--out", model, "--epochs", "1", "--optimizer", "adamw", "--batch", "16");
                ModelFileInfo info = ModelFileInfo.Read(File.ReadAllBytes(model));
                Assert.That(info.HasTrainingState, Is.True);
                Assert.That(info.Optimizer!.Kind, Is.EqualTo(EmbeddedMlp.Training.OptimizerKind.AdamW));
                Assert.That(info.TrainingStep, Is.EqualTo(4));
                Assert.That(info.Metadata["epochs"], Is.EqualTo("1"));
            }
        }

        [Test]
        public void InteractiveModeDrawsTheProgressBarAndStillSummarises()
        {
            using (var h = new CliHarness())
            {
                string data = h.Write("d.csv", CliHarness.Blobs(90, 9, header: false));
                string model = h.PathOf("m.mlp");
                var stdout = new StringWriter(CultureInfo.InvariantCulture);
                var stderr = new StringWriter(CultureInfo.InvariantCulture);
                int code = EmbeddedMlp.Cli.CommandLineApp.Run(
                    new[] { "train", "--data", data, "--out", model, "--layers", "4:relu,3:softmax", "--epochs", "2" }, stdout, stderr, interactive: true);
                Assert.That(code, Is.EqualTo(0), stderr.ToString());
                Assert.That(stdout.ToString(), Does.Contain("epoch 2/2").And.Contain("trained 2 epochs, 6 steps"));
                Assert.That(File.Exists(model), Is.True);
            }
        }

        private static double LossOf(string epochLine)
        {
            string[] words = epochLine.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            return double.Parse(words[Array.IndexOf(words, "loss") + 1], CultureInfo.InvariantCulture);
        }
    }
}
#endif
