using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EmbeddedMlp.Serialization;
using NUnit.Framework;
using EmbeddedMlp.Tests.Cli;
using Onnx;

namespace EmbeddedMlp.Onnx.Tests.Cli
{
    /// <summary><c>embedded-mlp import</c> and <c>export</c>: round trips, metadata, exit codes and one-line errors.</summary>
    [TestFixture]
    public class OnnxCliTests
    {
        private static Mlp Model()
        {
            var m = new Mlp(3, new[] { new LayerSpec(6, Activation.Tanh), new LayerSpec(4, Activation.LeakyRelu, false), new LayerSpec(2, Activation.Softmax) }, 4);
            var rng = new Random(4);
            Span<float> b = m.GetBias(0);
            for (int i = 0; i < b.Length; i++) b[i] = (float)rng.NextDouble();
            return m;
        }

        private static int[] Bits(Mlp m) => m.Parameters.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

        [Test]
        public void ImportWritesAModelFileWithTheOnnxMetadata()
        {
            using (var h = new CliHarness())
            {
                Mlp mlp = Model();
                string onnx = h.Write("policy.onnx", OnnxModel.Export(mlp, new OnnxExportOptions { Metadata = new Dictionary<string, string> { { "name", "policy" } } }));
                string model = h.PathOf("policy.mlp");
                CliRun run = h.Ok("import", onnx, "--out", model);
                Assert.That(run.Stdout, Does.Contain("3 inputs → 6 tanh → 4 leaky_relu (no bias) → 2 softmax").And.Contain("wrote " + model + " (model, f32 weights)"));
                Mlp back = ModelFile.Load(model);
                Assert.That(back.Layers, Is.EqualTo(mlp.Layers));
                Assert.That(Bits(back), Is.EqualTo(Bits(mlp)));
                IReadOnlyDictionary<string, string> meta = ModelFile.ReadMetadata(File.ReadAllBytes(model));
                Assert.That(meta["name"], Is.EqualTo("policy"));
                Assert.That(meta["tool"], Is.EqualTo("embedded-mlp import"));
                Assert.That(meta["source"], Is.EqualTo("policy.onnx"));
                Assert.That(Directory.GetFiles(h.Folder).Length, Is.EqualTo(2), "no temporary file left");

                h.Ok("import", onnx, "--out", model, "--f16");
                Assert.That(ModelFileInfo.Read(File.ReadAllBytes(model)).Dtype, Is.EqualTo(ModelDtype.F16));
                Mlp half = ModelFile.Load(model);
                for (int i = 0; i < mlp.ParameterCount; i++)
                    Assert.That(half.Parameters[i], Is.EqualTo(HalfPrecision.FromHalfBits(HalfPrecision.ToHalfBits(mlp.Parameters[i]))));
            }
        }

        [TestCase(13)]
        [TestCase(15)]
        [TestCase(17)]
        public void ExportWritesOnnxAtTheRequestedOpsetWithTheFileMetadata(int opset)
        {
            using (var h = new CliHarness())
            {
                Mlp mlp = Model();
                string model = h.PathOf("m.mlp");
                ModelFile.Save(mlp, model, new ModelSaveOptions { Metadata = new Dictionary<string, string> { { "author", "tests" } } });
                string onnx = h.PathOf("m.onnx");
                CliRun run = opset == 13 ? h.Ok("export", model, "--out", onnx) : h.Ok("export", model, "--out", onnx, "--opset", opset.ToString());
                Assert.That(run.Stdout, Does.Contain($"ONNX opset {opset}, IR version {(opset <= 14 ? 7 : 8)}").And.Contain("\"input\" [batch, 3] → \"output\" [batch, 2]"));
                byte[] bytes = File.ReadAllBytes(onnx);
                Assert.That(bytes, Is.EqualTo(OnnxModel.Export(mlp, new OnnxExportOptions { Opset = opset, Metadata = new Dictionary<string, string> { { "author", "tests" } } })));
                ModelProto proto = ModelProto.Parser.ParseFrom(bytes);
                Assert.That(proto.OpsetImport.Single().Version, Is.EqualTo(opset));
                Assert.That(proto.MetadataProps.Single().Key, Is.EqualTo("author"));
                Assert.That(Bits(OnnxModel.Import(bytes)), Is.EqualTo(Bits(mlp)));
            }
        }

        [Test]
        public void ExportOfACheckpointWritesItsModel()
        {
            using (var h = new CliHarness())
            {
                var trainer = new Training.Trainer(Model(), new Training.TrainerOptions { MaxBatch = 4 });
                string ckpt = h.PathOf("run.ckpt");
                ModelFile.SaveCheckpoint(trainer, ckpt);
                h.Ok("export", ckpt, "--out", h.PathOf("run.onnx"));
                Assert.That(Bits(OnnxModel.Import(h.PathOf("run.onnx"))), Is.EqualTo(Bits(trainer.Model)));
            }
        }

        [Test]
        public void BadOnnxExits2WithOneLineNamingTheFileAndTheNode()
        {
            using (var h = new CliHarness())
            {
                var g = new OnnxGraph(3);
                string x = g.Node("Gemm", new[] { "x", g.Init("W", new float[12], 4, 3) }, "h", OnnxGraph.I("transB", 1));
                g.Node("Conv", new[] { x }, "y");
                string bad = h.Write("conv.onnx", g.Bytes());
                CliHarness.AssertInputError(h.Run("import", bad, "--out", h.PathOf("m.mlp")), "conv.onnx", "node 1 'conv_1' (Conv)", "expected one of Gemm");
                CliHarness.AssertInputError(h.Run("import", h.Write("junk.onnx", new byte[] { 1, 2, 3, 4 }), "--out", h.PathOf("m.mlp")), "junk.onnx", "(file)");
                CliHarness.AssertInputError(h.Run("import", h.PathOf("missing.onnx"), "--out", h.PathOf("m.mlp")), "missing.onnx", "no such file");
                CliHarness.AssertInputError(h.Run("import", bad, "--out", h.PathOf("no-folder/m.mlp")), "--out", "no-folder");
                Assert.That(File.Exists(h.PathOf("m.mlp")), Is.False, "nothing written");

                CliHarness.AssertInputError(h.Run("export", h.Write("bad.mlp", new byte[] { 0x81, 0xa1 }), "--out", h.PathOf("m.onnx")), "bad.mlp");
                CliHarness.AssertInputError(h.Run("export", h.PathOf("missing.mlp"), "--out", h.PathOf("m.onnx")), "missing.mlp", "no such file");
                Assert.That(File.Exists(h.PathOf("m.onnx")), Is.False, "nothing written");
            }
        }

        [TestCase("12")]
        [TestCase("18")]
        [TestCase("x")]
        public void AnOpsetOutOfRangeIsAUsageError(string opset)
        {
            using (var h = new CliHarness())
            {
                string model = h.PathOf("m.mlp");
                ModelFile.Save(Model(), model);
                CliRun run = h.Run("export", model, "--out", h.PathOf("m.onnx"), "--opset", opset);
                Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
                Assert.That(run.StderrLines[0], Does.StartWith("error: --opset").And.Contain(opset));
                Assert.That(run.Stderr, Does.Contain("Usage:"));
                Assert.That(File.Exists(h.PathOf("m.onnx")), Is.False);
            }
        }

        [Test]
        public void MissingOutIsAUsageErrorAndHelpListsTheCommands()
        {
            using (var h = new CliHarness())
            {
                CliRun run = h.Run("import", h.PathOf("a.onnx"));
                Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
                Assert.That(run.Stderr, Does.Contain("--out"));
                CliRun help = h.Run("--help");
                Assert.That(help.Stdout, Does.Contain("import").And.Contain("export"));
                Assert.That(h.Run("export", "--help").Stdout, Does.Contain("--opset"));
            }
        }
    }
}
