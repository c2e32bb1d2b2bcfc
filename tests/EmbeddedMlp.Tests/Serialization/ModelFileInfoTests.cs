using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using EmbeddedMlp.Serialization;
using EmbeddedMlp.Training;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Serialization
{
    /// <summary><see cref="ModelFileInfo.Read"/> and checkpoints saved with <see cref="ModelSaveOptions"/> (dtype, metadata).</summary>
    [TestFixture]
    public class ModelFileInfoTests
    {
        private static Mlp Model() =>
            new Mlp(3, new[] { new LayerSpec(4, Activation.Relu, bias: false), new LayerSpec(2, Activation.Softmax) }, 5);

        [Test]
        public void PlainModelFile()
        {
            var output = new ArrayBufferWriter<byte>();
            var meta = new Dictionary<string, string> { { "name", "policy" } };
            ModelFile.Save(Model(), output, new ModelSaveOptions { Dtype = ModelDtype.F16, Metadata = meta });
            ModelFileInfo info = ModelFileInfo.Read(output.WrittenMemory);
            Assert.That(info.Inputs, Is.EqualTo(3));
            Assert.That(info.Dtype, Is.EqualTo(ModelDtype.F16));
            Assert.That(info.Layers.Count, Is.EqualTo(2));
            Assert.That(info.Layers[0], Is.EqualTo(new LayerSpec(4, Activation.Relu, bias: false)));
            Assert.That(info.Layers[1], Is.EqualTo(new LayerSpec(2, Activation.Softmax)));
            Assert.That(info.ParameterCount, Is.EqualTo(12 + 8 + 2));
            Assert.That(info.Metadata["name"], Is.EqualTo("policy"));
            Assert.That(info.HasTrainingState, Is.False);
            Assert.That(info.Optimizer, Is.Null);
            Assert.That(info.TrainingStep, Is.EqualTo(0));
        }

        [Test]
        public void CheckpointWithHalfPrecisionWeightsKeepsTheOptimizerState()
        {
            var trainer = new Trainer(Model(), new TrainerOptions { MaxBatch = 4, Optimizer = OptimizerSettings.AdamW(0.01f), ClipNorm = 2f, Seed = 9 });
            var rng = new Random(3);
            float[] x = TestData.Uniform(rng, 4 * 3);
            for (int i = 0; i < 3; i++) trainer.Step(x, new[] { 0, 1, 1, 0 });
            trainer.LearningRate = 0.005f;

            var output = new ArrayBufferWriter<byte>();
            var meta = new Dictionary<string, string> { { "epochs", "3" } };
            ModelFile.SaveCheckpoint(trainer, output, new ModelSaveOptions { Dtype = ModelDtype.F16, Metadata = meta });
            byte[] bytes = output.WrittenSpan.ToArray();

            ModelFileInfo info = ModelFileInfo.Read(bytes);
            Assert.That(info.Dtype, Is.EqualTo(ModelDtype.F16));
            Assert.That(info.HasTrainingState, Is.True);
            Assert.That(info.Optimizer!.Kind, Is.EqualTo(OptimizerKind.AdamW));
            Assert.That(info.TrainingStep, Is.EqualTo(3));
            Assert.That(info.LearningRate, Is.EqualTo(0.005f));
            Assert.That(info.MaxBatch, Is.EqualTo(4));
            Assert.That(info.ClipNorm, Is.EqualTo(2f));
            Assert.That(info.Metadata["epochs"], Is.EqualTo("3"));

            Trainer resumed = ModelFile.LoadCheckpoint(bytes);
            Assert.That(resumed.StepCount, Is.EqualTo(3));
            Assert.That(resumed.LearningRate, Is.EqualTo(0.005f));
            Mlp half = ModelFile.Load(bytes);
            for (int i = 0; i < half.ParameterCount; i++)
                Assert.That(resumed.Model.Parameters[i], Is.EqualTo(half.Parameters[i]), "the resumed weights are the stored f16 values");
            Assert.That(bytes.Length, Is.LessThan(CheckpointBytes(trainer, ModelDtype.F32)));
        }

        [Test]
        public void F32CheckpointWithOptionsEqualsTheMetadataOverload()
        {
            var trainer = new Trainer(Model(), new TrainerOptions { MaxBatch = 2 });
            var meta = new Dictionary<string, string> { { "k", "v" } };
            var a = new ArrayBufferWriter<byte>();
            var b = new ArrayBufferWriter<byte>();
            ModelFile.SaveCheckpoint(trainer, a, meta);
            ModelFile.SaveCheckpoint(trainer, b, new ModelSaveOptions { Metadata = meta });
            Assert.That(b.WrittenSpan.ToArray(), Is.EqualTo(a.WrittenSpan.ToArray()));
        }

        [Test]
        public void PathOverloadIsAtomicAndValidatesArguments()
        {
            var trainer = new Trainer(Model(), new TrainerOptions { MaxBatch = 2 });
            string path = Path.Combine(Path.GetTempPath(), "embedded-mlp-info-" + Guid.NewGuid().ToString("N") + ".ckpt");
            try
            {
                ModelFile.SaveCheckpoint(trainer, path, new ModelSaveOptions { Dtype = ModelDtype.F16 });
                Assert.That(ModelFileInfo.Read(File.ReadAllBytes(path)).Dtype, Is.EqualTo(ModelDtype.F16));
                Assert.That(() => ModelFile.SaveCheckpoint(trainer, path, (ModelSaveOptions)null!), Throws.TypeOf<ArgumentNullException>());
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Test]
        public void MalformedBytesAreAModelFormatException()
        {
            Assert.That(() => ModelFileInfo.Read(new byte[] { 0x91, 0x01 }), Throws.TypeOf<ModelFormatException>());
            Assert.That(() => ModelFileInfo.Read(ReadOnlyMemory<byte>.Empty), Throws.TypeOf<ModelFormatException>());
        }

        private static int CheckpointBytes(Trainer trainer, ModelDtype dtype)
        {
            var output = new ArrayBufferWriter<byte>();
            ModelFile.SaveCheckpoint(trainer, output, new ModelSaveOptions { Dtype = dtype });
            return output.WrittenCount;
        }
    }
}
