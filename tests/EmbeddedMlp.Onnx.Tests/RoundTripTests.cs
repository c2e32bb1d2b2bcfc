using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NUnit.Framework;
using Onnx;

namespace EmbeddedMlp.Onnx.Tests
{
    /// <summary>
    /// Export → ONNX Runtime gives <see cref="Mlp.Predict"/>'s outputs (every activation, with and without bias, several
    /// shapes, opsets 13–17); export → import gives the same layers and bit-identical parameters.
    /// </summary>
    [TestFixture]
    public class RoundTripTests
    {
        private static readonly Activation[] Activations =
            { Activation.Identity, Activation.Relu, Activation.LeakyRelu, Activation.Tanh, Activation.Sigmoid, Activation.Softmax };

        /// <summary>Models covering every activation in hidden and output position, biases on and off, widths 1 to 33.</summary>
        private static IEnumerable<(string Name, int Inputs, LayerSpec[] Layers, int Seed)> Cases()
        {
            int seed = 1;
            foreach (Activation output in Activations)
            {
                foreach (bool bias in new[] { true, false })
                {
                    Activation hidden = Activations[seed % 5]; // identity, relu, leaky_relu, tanh, sigmoid in turn
                    yield return ($"3-5{hidden.ToName()}{(bias ? "" : "(nobias)")}-4{output.ToName()}{(bias ? "(nobias)" : "")}", 3,
                        new[] { new LayerSpec(5, hidden, bias), new LayerSpec(4, output, !bias) }, seed++);
                }
            }
            yield return ("1-1", 1, new[] { new LayerSpec(1, Activation.Identity) }, 21);
            yield return ("1-1sigmoid(nobias)", 1, new[] { new LayerSpec(1, Activation.Sigmoid, false) }, 22);
            yield return ("7-16relu-16leaky_relu-16tanh-2softmax", 7, new[] { new LayerSpec(16, Activation.Relu), new LayerSpec(16, Activation.LeakyRelu),
                new LayerSpec(16, Activation.Tanh), new LayerSpec(2, Activation.Softmax) }, 23);
            yield return ("33-8-8(nobias)-3tanh", 33, new[] { new LayerSpec(8, Activation.Identity), new LayerSpec(8, Activation.Identity, false),
                new LayerSpec(3, Activation.Tanh) }, 24);
        }

        public static IEnumerable<TestCaseData> Models() =>
            Cases().Select(c => new TestCaseData(c.Inputs, c.Layers, c.Seed).SetArgDisplayNames(c.Name));

        /// <summary>Every model at each opset the exporter writes.</summary>
        public static IEnumerable<TestCaseData> ModelsByOpset()
        {
            foreach (var c in Cases())
                for (int opset = OnnxExportOptions.MinOpset; opset <= OnnxExportOptions.MaxOpset; opset++)
                    yield return new TestCaseData(c.Inputs, c.Layers, c.Seed, opset).SetArgDisplayNames(c.Name, "opset " + opset);
        }

        private static Mlp Build(int inputs, LayerSpec[] layers, int seed)
        {
            var model = new Mlp(inputs, layers, (ulong)seed);
            var rng = new Random(seed);
            for (int l = 0; l < model.LayerCount; l++)
            {
                Span<float> b = model.GetBias(l);
                for (int i = 0; i < b.Length; i++) b[i] = (float)(rng.NextDouble() - 0.5); // non-zero biases
            }
            return model;
        }

        private static float[] RunOnnxRuntime(byte[] onnx, float[] x, int rows, int inputs, string inputName = "input")
        {
            using (var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR })
            using (var session = new InferenceSession(onnx, options))
            {
                var tensor = new DenseTensor<float>(x, new[] { rows, inputs });
                using (IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(inputName, tensor) }))
                    return results.Single().AsEnumerable<float>().ToArray();
            }
        }

        [TestCaseSource(nameof(ModelsByOpset))]
        public void ExportRunsInOnnxRuntimeLikePredict(int inputs, LayerSpec[] layers, int seed, int opset)
        {
            Mlp mlp = Build(inputs, layers, seed);
            byte[] onnx = OnnxModel.Export(mlp, new OnnxExportOptions { Opset = opset });

            foreach (int rows in new[] { 1, 3, 17 })
            {
                float[] x = Reference.Values(new Random(rows * 7 + opset), rows * inputs, 3.0);
                float[] ours = Reference.Predict(mlp, x);
                float[] theirs = RunOnnxRuntime(onnx, x, rows, inputs);
                List<string> failures = Reference.Compare(theirs, ours.Select(v => (double)v).ToArray());
                Assert.That(failures, Is.Empty, $"{mlp}, opset {opset}, {rows} rows: ONNX Runtime against Predict");
            }
        }

        [TestCaseSource(nameof(Models))]
        public void ExportThenImportGivesTheSameLayersAndBitIdenticalParameters(int inputs, LayerSpec[] layers, int seed)
        {
            Mlp mlp = Build(inputs, layers, seed);
            foreach (int opset in new[] { 13, 17 })
            {
                Mlp back = OnnxModel.Import(OnnxModel.Export(mlp, new OnnxExportOptions { Opset = opset }));
                Assert.That(back.InputCount, Is.EqualTo(mlp.InputCount));
                Assert.That(back.Layers, Is.EqualTo(mlp.Layers));
                Assert.That(Bits(back.Parameters.ToArray()), Is.EqualTo(Bits(mlp.Parameters.ToArray())));
            }
        }

        [Test]
        public void SpecialValuesSurviveTheRoundTripBitForBit()
        {
            var mlp = new Mlp(2, new LayerSpec(3, Activation.Identity));
            float[] special = { -0f, 0f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, 1e-40f, 3.14159274f, -1f };
            special.CopyTo(mlp.Parameters);
            Mlp back = OnnxModel.Import(OnnxModel.Export(mlp));
            Assert.That(Bits(back.Parameters.ToArray()), Is.EqualTo(Bits(mlp.Parameters.ToArray())));
        }

        private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

        [Test]
        public void ExportedFileHasTheDocumentedStructure()
        {
            var mlp = Build(4, new[] { new LayerSpec(6, Activation.LeakyRelu), new LayerSpec(5, Activation.Relu, false), new LayerSpec(3, Activation.Softmax) }, 5);
            foreach (int opset in new[] { 13, 14, 15, 16, 17 })
            {
                ModelProto m = ModelProto.Parser.ParseFrom(OnnxModel.Export(mlp, new OnnxExportOptions { Opset = opset }));
                Assert.That(m.IrVersion, Is.EqualTo(opset <= 14 ? 7 : 8), $"opset {opset}");
                Assert.That(m.OpsetImport.Single().Domain, Is.EqualTo(""));
                Assert.That(m.OpsetImport.Single().Version, Is.EqualTo(opset));
                Assert.That(m.ProducerName, Is.EqualTo("EmbeddedMlp"));
                Assert.That(m.ProducerVersion, Is.Not.Empty);

                GraphProto g = m.Graph;
                Assert.That(g.Input.Single().Name, Is.EqualTo("input"));
                Assert.That(g.Input[0].Type.TensorType.ElemType, Is.EqualTo(1));
                Assert.That(g.Input[0].Type.TensorType.Shape.Dim.Select(d => d.HasDimParam ? d.DimParam : d.DimValue.ToString()), Is.EqualTo(new[] { "batch", "4" }));
                Assert.That(g.Output.Single().Name, Is.EqualTo("output"));
                Assert.That(g.Output[0].Type.TensorType.Shape.Dim.Select(d => d.HasDimParam ? d.DimParam : d.DimValue.ToString()), Is.EqualTo(new[] { "batch", "3" }));
                Assert.That(g.Node.Select(n => n.OpType), Is.EqualTo(new[] { "Gemm", "LeakyRelu", "Gemm", "Relu", "Gemm", "Softmax" }));
                foreach (NodeProto gemm in g.Node.Where(n => n.OpType == "Gemm"))
                    Assert.That(gemm.Attribute.Single(a => a.Name == "transB").I, Is.EqualTo(1));
                Assert.That(g.Node[2].Input.Count, Is.EqualTo(2), "a layer without bias: Gemm with two inputs");
                Assert.That(g.Node[1].Attribute.Single().F, Is.EqualTo(0.01f));
                Assert.That(g.Node[5].Attribute.Single().Name, Is.EqualTo("axis"));
                Assert.That(g.Node[5].Attribute.Single().I, Is.EqualTo(1));
                Assert.That(g.Node[5].Output.Single(), Is.EqualTo("output"));

                TensorProto w0 = g.Initializer.Single(t => t.Name == "layers.0.weight");
                Assert.That(w0.Dims, Is.EqualTo(new long[] { 6, 4 }), "[units, fan_in] as the runtime stores it");
                Assert.That(w0.DataType, Is.EqualTo(1));
                Assert.That(w0.RawData.Length, Is.EqualTo(6 * 4 * 4));
                Assert.That(BitConverter.ToSingle(w0.RawData.ToByteArray(), 4 * 5), Is.EqualTo(mlp.GetWeights(0)[5]), "little-endian f32");
                Assert.That(g.Initializer.Single(t => t.Name == "layers.0.bias").Dims, Is.EqualTo(new long[] { 6 }));
                Assert.That(g.Initializer.Any(t => t.Name == "layers.1.bias"), Is.False);
            }
        }

        [Test]
        public void ExportWritesMetadataSortedAndImportReturnsIt()
        {
            var meta = new Dictionary<string, string> { { "name", "policy" }, { "author", "tests" }, { "notes", "ünïcödé ✓" } };
            byte[] onnx = OnnxModel.Export(new Mlp(2, new LayerSpec(1, Activation.Sigmoid)), new OnnxExportOptions { Metadata = meta });
            ModelProto m = ModelProto.Parser.ParseFrom(onnx);
            Assert.That(m.MetadataProps.Select(p => p.Key), Is.EqualTo(new[] { "author", "name", "notes" }));
            OnnxModel.Import(onnx, out IReadOnlyDictionary<string, string> back);
            Assert.That(back, Is.EquivalentTo(meta));
        }

        [Test]
        public void CustomInputAndOutputNamesRunInOnnxRuntime()
        {
            Mlp mlp = Build(3, new[] { new LayerSpec(2, Activation.Identity) }, 9);
            byte[] onnx = OnnxModel.Export(mlp, new OnnxExportOptions { InputName = "obs", OutputName = "layers.0.weight" });
            float[] x = { 1, 2, 3 };
            Assert.That(Reference.Compare(RunOnnxRuntime(onnx, x, 1, 3, "obs"), Reference.Predict(mlp, x).Select(v => (double)v).ToArray()), Is.Empty);
            Assert.That(OnnxModel.Import(onnx).Layers, Is.EqualTo(mlp.Layers));
        }

        [Test]
        public void ExportOptionsAreValidated()
        {
            var options = new OnnxExportOptions();
            Assert.That(options.Opset, Is.EqualTo(13));
            foreach (int bad in new[] { 12, 18, 0, -1 })
            {
                ArgumentOutOfRangeException? e = Assert.Throws<ArgumentOutOfRangeException>(() => options.Opset = bad);
                Assert.That(e!.Message, Does.Contain(bad.ToString()).And.Contain("13..17"));
            }
            Assert.Throws<ArgumentException>(() => options.InputName = "");
            Assert.Throws<ArgumentException>(() => options.OutputName = null!);
            var mlp = new Mlp(1, new LayerSpec(1, Activation.Identity));
            Assert.Throws<ArgumentException>(() => OnnxModel.Export(mlp, new OnnxExportOptions { InputName = "a", OutputName = "a" }));
            Assert.Throws<ArgumentException>(() => OnnxModel.Export(mlp, new OnnxExportOptions { Metadata = new Dictionary<string, string> { { "k", null! } } }));
            Assert.Throws<ArgumentNullException>(() => OnnxModel.Export(null!));
        }

        [Test]
        public void ExportToAPathIsAtomicAndReadable()
        {
            string dir = Path.Combine(Path.GetTempPath(), "embedded-mlp-onnx-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(dir);
            try
            {
                string path = Path.Combine(dir, "policy.onnx");
                File.WriteAllText(path, "old content");
                Mlp mlp = Build(4, new[] { new LayerSpec(3, Activation.Tanh) }, 3);
                OnnxModel.Export(mlp, path, new OnnxExportOptions { Opset = 15 });
                Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName), Is.EqualTo(new[] { "policy.onnx" }), "no temporary file left");
                Assert.That(File.ReadAllBytes(path), Is.EqualTo(OnnxModel.Export(mlp, new OnnxExportOptions { Opset = 15 })));
                Assert.That(Bits(OnnxModel.Import(path).Parameters.ToArray()), Is.EqualTo(Bits(mlp.Parameters.ToArray())));

                // A failure before the rename (the folder does not exist) leaves nothing behind.
                Assert.Throws<DirectoryNotFoundException>(() => OnnxModel.Export(mlp, Path.Combine(dir, "missing", "x.onnx")));
                Assert.That(Directory.GetFiles(dir).Length, Is.EqualTo(1));
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }

        [Test]
        public void ExportIsDeterministic()
        {
            Mlp mlp = Build(5, new[] { new LayerSpec(4, Activation.Relu), new LayerSpec(2, Activation.Softmax) }, 8);
            Assert.That(OnnxModel.Export(mlp), Is.EqualTo(OnnxModel.Export(mlp.Clone())));
        }
    }
}
