#if !UNITY_5_3_OR_NEWER // the command-line tool is not part of a Unity project
using System;
using System.IO;
using System.Security.Cryptography;
using System.Text.Json;
using EmbeddedMlp.Serialization;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Cli
{
    /// <summary><c>inspect</c> (text and JSON, checksum of the weights) and <c>bench</c>.</summary>
    [TestFixture]
    public class CliInspectBenchTests
    {
        private static string Sha256OfParameters(Mlp model)
        {
            var bytes = new byte[model.ParameterCount * 4];
            for (int i = 0; i < model.ParameterCount; i++)
                BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), model.Parameters[i]); // little-endian on every supported host
            return "sha256:" + Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
        }

        [Test]
        public void InspectJsonDescribesACheckpoint()
        {
            using (var h = new CliHarness())
            {
                string data = h.Write("d.csv", CliHarness.Blobs(30, 21, header: false));
                string model = h.PathOf("m.mlp");
                h.Ok("train", "--data", data, "--out", model, "--layers", "5:leaky_relu,3:softmax", "--epochs", "2", "--batch", "10", "--optimizer", "sgd", "--momentum", "0.5");

                CliRun run = h.Ok("inspect", model, "--json");
                using (JsonDocument doc = JsonDocument.Parse(run.Stdout))
                {
                    JsonElement r = doc.RootElement;
                    Assert.That(r.GetProperty("dtype").GetString(), Is.EqualTo("f32"));
                    Assert.That(r.GetProperty("inputs").GetInt32(), Is.EqualTo(2));
                    Assert.That(r.GetProperty("parameters").GetInt64(), Is.EqualTo(5 * 2 + 5 + 3 * 5 + 3));
                    JsonElement layers = r.GetProperty("layers");
                    Assert.That(layers.GetArrayLength(), Is.EqualTo(2));
                    Assert.That(layers[0].GetProperty("activation").GetString(), Is.EqualTo("leaky_relu"));
                    Assert.That(layers[1].GetProperty("units").GetInt32(), Is.EqualTo(3));
                    Assert.That(layers[1].GetProperty("bias").GetBoolean(), Is.True);
                    Assert.That(r.GetProperty("optimizer_state").GetBoolean(), Is.True);
                    Assert.That(r.GetProperty("training").GetProperty("optimizer").GetString(), Is.EqualTo("sgd"));
                    Assert.That(r.GetProperty("training").GetProperty("step").GetInt64(), Is.EqualTo(6));
                    Assert.That(r.GetProperty("metadata").GetProperty("epochs").GetString(), Is.EqualTo("2"));
                    Assert.That(r.GetProperty("checksum").GetString(), Is.EqualTo(Sha256OfParameters(ModelFile.Load(model))));
                }
            }
        }

        [Test]
        public void InspectTextOfAnF16ModelWithoutOptimizerState()
        {
            using (var h = new CliHarness())
            {
                var mlp = new Mlp(3, new[] { new LayerSpec(4, Activation.Tanh, bias: false), new LayerSpec(1, Activation.Sigmoid) }, 9);
                string model = h.PathOf("half.mlp");
                ModelFile.Save(mlp, model, new ModelSaveOptions { Dtype = ModelDtype.F16, Metadata = new System.Collections.Generic.Dictionary<string, string> { { "name", "policy" } } });
                CliRun run = h.Ok("inspect", model);
                Assert.That(run.Stdout, Does.Contain("dtype       f16"));
                Assert.That(run.Stdout, Does.Contain("3 → 4 tanh, no bias (12 parameters)"));
                Assert.That(run.Stdout, Does.Contain("parameters  17"));
                Assert.That(run.Stdout, Does.Contain("optimizer   none"));
                Assert.That(run.Stdout, Does.Contain("name = policy"));
                Assert.That(run.Stdout, Does.Contain("checksum    " + Sha256OfParameters(ModelFile.Load(model))));
            }
        }

        [Test]
        public void TrainF16WritesAHalfPrecisionCheckpointThatContinues()
        {
            using (var h = new CliHarness())
            {
                string data = h.Write("d.csv", CliHarness.Blobs(30, 22, header: false));
                string model = h.PathOf("h.mlp"), next = h.PathOf("n.mlp");
                CliRun run = h.Ok("train", "--data", data, "--out", model, "--layers", "4:relu,3:softmax", "--epochs", "1", "--f16");
                Assert.That(run.Stdout, Does.Contain("f16 weights"));
                ModelFileInfo info = ModelFileInfo.Read(File.ReadAllBytes(model));
                Assert.That(info.Dtype, Is.EqualTo(ModelDtype.F16));
                Assert.That(info.HasTrainingState, Is.True);
                h.Ok("train", "--data", data, "--out", next, "--model", model, "--epochs", "1");
                Assert.That(ModelFileInfo.Read(File.ReadAllBytes(next)).TrainingStep, Is.EqualTo(2));
            }
        }

        [Test]
        public void BenchReportsEveryBatchSizeWithoutAllocating()
        {
            using (var h = new CliHarness())
            {
                string model = h.PathOf("m.mlp");
                ModelFile.Save(new Mlp(4, new[] { new LayerSpec(8, Activation.Relu), new LayerSpec(2, Activation.Identity) }, 1), model);
                CliRun run = h.Ok("bench", "--model", model, "--batch", "1,4", "--seconds", "0.2");
                string[] lines = run.Stdout.Split(new[] { '\n' }, StringSplitOptions.RemoveEmptyEntries);
                string? one = Array.Find(lines, l => l.TrimStart().StartsWith("1 ", StringComparison.Ordinal));
                string? four = Array.Find(lines, l => l.TrimStart().StartsWith("4 ", StringComparison.Ordinal));
                Assert.That(one, Is.Not.Null, run.Stdout);
                Assert.That(four, Is.Not.Null, run.Stdout);
                // batch, infer median, p99, per row, B/call, step median, p99, per row, B/call, frame share
                string[] cells = four!.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
                Assert.That(cells.Length, Is.EqualTo(10), four);
                Assert.That(cells[4], Is.EqualTo("0"), "inference allocates nothing per call");
                Assert.That(cells[8], Is.EqualTo("0"), "a training step allocates nothing per call");
                Assert.That(cells[9], Does.EndWith("%"));
                Assert.That(double.Parse(cells[1], System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThan(0));
            }
        }
    }
}
#endif
