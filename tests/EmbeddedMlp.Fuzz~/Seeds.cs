using System.Collections.Generic;
using System.IO;
using EmbeddedMlp.Serialization;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Fuzz
{
    /// <summary>The seed corpus: small valid files covering every key, dtype, optimizer and the nil bias.</summary>
    internal static class Seeds
    {
        public static void Write(string directory)
        {
            Directory.CreateDirectory(directory);
            var tiny = new Mlp(2, new[] { new LayerSpec(1, Activation.Identity) }, 1);
            Save(directory, "tiny-f32.mp", tiny, ModelDtype.F32, null);

            var two = new Mlp(3, new[] { new LayerSpec(4, Activation.Relu, bias: false), new LayerSpec(2, Activation.Softmax) }, 2);
            Save(directory, "two-f16-metadata.mp", two, ModelDtype.F16, new Dictionary<string, string> { ["name"] = "seed", ["author"] = "fuzz" });

            var three = new Mlp(2, new[] { new LayerSpec(3, Activation.Tanh), new LayerSpec(3, Activation.LeakyRelu), new LayerSpec(1, Activation.Sigmoid) }, 3);
            Save(directory, "three-f32.mp", three, ModelDtype.F32, null);

            Checkpoint(directory, "checkpoint-sgd.mp", OptimizerSettings.Sgd(0.1f, momentum: 0.9f, nesterov: true));
            Checkpoint(directory, "checkpoint-adamw.mp", OptimizerSettings.AdamW(0.01f));
        }

        private static void Save(string dir, string name, Mlp model, ModelDtype dtype, Dictionary<string, string>? metadata)
        {
            using (var f = File.Create(Path.Combine(dir, name)))
                ModelFile.Save(model, f, new ModelSaveOptions { Dtype = dtype, Metadata = metadata });
        }

        private static void Checkpoint(string dir, string name, OptimizerSettings optimizer)
        {
            var model = new Mlp(2, new[] { new LayerSpec(2, Activation.Relu), new LayerSpec(1, Activation.Identity) }, 4);
            var trainer = new Trainer(model, new TrainerOptions { MaxBatch = 2, Optimizer = optimizer, Seed = 5 });
            trainer.Step(new float[] { 1, 2, 3, 4 }, new float[] { 1, -1 });
            using (var f = File.Create(Path.Combine(dir, name)))
                ModelFile.SaveCheckpoint(trainer, f, new Dictionary<string, string> { ["run"] = "seed" });
        }
    }
}
