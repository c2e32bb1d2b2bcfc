#if !UNITY_5_3_OR_NEWER // reads the fixture files that the test project copies to its output folder
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using EmbeddedMlp.Serialization;
using NUnit.Framework;

namespace EmbeddedMlp.Onnx.Tests
{
    /// <summary>
    /// Models exported by PyTorch's <c>torch.onnx.export</c> (Fixtures/make_fixtures.py, see Fixtures/README.md):
    /// each <c>NAME.onnx</c> is imported and checked against <c>NAME.json</c> (input width, layers, PyTorch's outputs
    /// for fixed rows), or must be refused with a <see cref="ModelFormatException"/> naming the unsupported part.
    /// </summary>
    [TestFixture]
    public class PyTorchFixtureTests
    {
        /// <summary>What make_fixtures.py writes (opsets 9, 13, 17; 21 is skipped by torch 1.13): fewer means files are missing.</summary>
        private const int ExpectedModels = 23;
        private const int ExpectedRejects = 3;
        private const double RelativeTolerance = 1e-5, AbsoluteTolerance = 1e-6;

        private static string FixtureDirectory => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures");

        /// <summary>One test case per fixture JSON; none when the folder is missing (<see cref="FixturesArePresent"/> then fails).</summary>
        public static IEnumerable<TestCaseData> Fixtures()
        {
            string dir = FixtureDirectory;
            if (!Directory.Exists(dir)) yield break;
            foreach (string json in Directory.GetFiles(dir, "*.json").OrderBy(p => p, StringComparer.Ordinal))
                yield return new TestCaseData(Path.GetFileNameWithoutExtension(json));
        }

        [Test]
        public void FixturesArePresent()
        {
            string dir = FixtureDirectory;
            Assert.That(Directory.Exists(dir), Is.True, $"fixture folder {dir} is missing (the test project copies Fixtures/** to its output)");
            int models = 0, rejects = 0;
            foreach (string json in Directory.GetFiles(dir, "*.json"))
            {
                Assert.That(File.Exists(Path.ChangeExtension(json, ".onnx")), Is.True, $"{Path.GetFileName(json)} has no .onnx beside it");
                using (JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json)))
                {
                    if (IsReject(doc.RootElement)) rejects++;
                    else models++;
                }
            }
            foreach (string onnx in Directory.GetFiles(dir, "*.onnx"))
                Assert.That(File.Exists(Path.ChangeExtension(onnx, ".json")), Is.True, $"{Path.GetFileName(onnx)} has no .json beside it");
            Assert.That(models, Is.GreaterThanOrEqualTo(ExpectedModels), "fixture models that import");
            Assert.That(rejects, Is.GreaterThanOrEqualTo(ExpectedRejects), "fixture models that must be refused");
        }

        [TestCaseSource(nameof(Fixtures))]
        public void PyTorchFixture(string name)
        {
            string onnxPath = Path.Combine(FixtureDirectory, name + ".onnx");
            JsonElement root;
            using (JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureDirectory, name + ".json"))))
                root = doc.RootElement.Clone();
            string description = root.GetProperty("description").GetString() ?? "";

            if (IsReject(root))
            {
                string mentions = root.GetProperty("mentions").GetString() ?? "";
                ModelFormatException? e = Assert.Throws<ModelFormatException>(() => OnnxModel.Import(onnxPath), description);
                Assert.That(e!.Message, Does.Contain(mentions).IgnoreCase, $"{description}: the error must name {mentions}");
                return;
            }

            Mlp model = OnnxModel.Import(onnxPath);
            Assert.That(model.InputCount, Is.EqualTo(root.GetProperty("in").GetInt32()), $"{description}: input width");
            JsonElement[] layers = root.GetProperty("layers").EnumerateArray().ToArray();
            Assert.That(model.LayerCount, Is.EqualTo(layers.Length), $"{description}: layer count");
            for (int i = 0; i < layers.Length; i++)
            {
                JsonElement[] spec = layers[i].EnumerateArray().ToArray();
                string activationName = spec[1].GetString() ?? "";
                Assert.That(ActivationNames.TryParse(activationName, out Activation activation), Is.True, $"layers[{i}]: unknown activation {activationName}");
                Assert.That(model.Layers[i].Units, Is.EqualTo(spec[0].GetInt32()), $"{description}: layers[{i}].units");
                Assert.That(model.Layers[i].Activation, Is.EqualTo(activation), $"{description}: layers[{i}].activation");
                if (spec.Length > 2)
                    Assert.That(model.Layers[i].HasBias, Is.EqualTo(spec[2].GetBoolean()), $"{description}: layers[{i}].bias");
            }

            float[][] input = Rows(root.GetProperty("input"));
            float[][] expected = Rows(root.GetProperty("expected"));
            Assert.That(expected.Length, Is.EqualTo(input.Length));
            int outputs = model.OutputCount;
            Assert.That(expected.All(r => r.Length == outputs), Is.True, $"{description}: output width {outputs}");

            // All rows as one batch, then each row alone: both must match PyTorch.
            var batch = new float[input.Length * outputs];
            model.Predict(input.SelectMany(r => r).ToArray(), batch);
            var failures = new StringBuilder();
            for (int r = 0; r < input.Length; r++)
            {
                var single = new float[outputs];
                model.Predict(input[r], single);
                for (int j = 0; j < outputs; j++)
                {
                    Check(failures, $"batch row {r}, output {j}", batch[r * outputs + j], expected[r][j]);
                    Check(failures, $"single row {r}, output {j}", single[j], expected[r][j]);
                }
            }
            Assert.That(failures.Length, Is.EqualTo(0), $"{description}: outputs differ from PyTorch's (tolerance {RelativeTolerance} relative + {AbsoluteTolerance} absolute):\n{failures}");
        }

        private static void Check(StringBuilder failures, string where, float actual, float expected)
        {
            double error = Math.Abs((double)actual - expected);
            if (!(error <= RelativeTolerance * Math.Abs(expected) + AbsoluteTolerance))
                failures.AppendLine($"  {where}: expected {expected:R}, found {actual:R}");
        }

        private static bool IsReject(JsonElement root) =>
            root.TryGetProperty("reject", out JsonElement reject) && reject.ValueKind == JsonValueKind.True;

        private static float[][] Rows(JsonElement rows) =>
            rows.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
    }
}
#endif
