using System.Collections.Generic;
using System.IO;
using EmbeddedMlp.Serialization;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Tests.Serialization
{
    /// <summary>Small valid files written by our writer (the fuzz test's starting points).</summary>
    internal static class SampleFiles
    {
        public static byte[] Save(Mlp model, ModelSaveOptions? options = null)
        {
            var s = new MemoryStream();
            ModelFile.Save(model, s, options);
            return s.ToArray();
        }

        public static byte[] Checkpoint(Trainer trainer, IReadOnlyDictionary<string, string>? metadata = null)
        {
            var s = new MemoryStream();
            ModelFile.SaveCheckpoint(trainer, s, metadata);
            return s.ToArray();
        }

        public static List<byte[]> All()
        {
            var files = new List<byte[]>
            {
                SpecFixtureTests.Tiny,
                SpecFixtureTests.Shuffled,
                Save(new Mlp(3, new[] { new LayerSpec(4, Activation.Relu, bias: false), new LayerSpec(2, Activation.Softmax) }, 2),
                    new ModelSaveOptions { Dtype = ModelDtype.F16, Metadata = new Dictionary<string, string> { ["name"] = "fuzz", ["notes"] = "ünïcödé" } }),
                Save(new Mlp(2, new[] { new LayerSpec(3, Activation.Tanh), new LayerSpec(3, Activation.LeakyRelu), new LayerSpec(1, Activation.Sigmoid) }, 3)),
            };
            foreach (OptimizerSettings o in new[] { OptimizerSettings.Sgd(0.1f, momentum: 0.9f), OptimizerSettings.Adam(0.01f) })
            {
                var model = new Mlp(2, new[] { new LayerSpec(2, Activation.Relu), new LayerSpec(1, Activation.Identity) }, 4);
                var trainer = new Trainer(model, new TrainerOptions { MaxBatch = 2, Optimizer = o, Seed = 5 });
                trainer.Step(new float[] { 1, 2, 3, 4 }, new float[] { 1, -1 });
                files.Add(Checkpoint(trainer, new Dictionary<string, string> { ["run"] = "fuzz" }));
            }
            return files;
        }
    }
}
