using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using EmbeddedMlp.Serialization;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Serialization
{
    /// <summary>Round trips through every output and input, f16 storage, and loading into an existing model's arena.</summary>
    [TestFixture]
    public class SaveLoadTests
    {
        private static Mlp NewModel(ulong seed)
        {
            var m = new Mlp(5, new[] { new LayerSpec(7, Activation.LeakyRelu), new LayerSpec(6, Activation.Sigmoid, bias: false), new LayerSpec(3, Activation.Softmax) }, seed);
            TestData.RandomizeBiases(m, new Random((int)seed));
            return m;
        }

        private static int[] Bits(ReadOnlySpan<float> values)
        {
            var b = new int[values.Length];
            for (int i = 0; i < b.Length; i++) b[i] = BitConverter.SingleToInt32Bits(values[i]);
            return b;
        }

        [Test]
        public void EveryOutputWritesTheSameBytesAndEveryInputReadsThemBack()
        {
            Mlp model = NewModel(1);
            var options = new ModelSaveOptions { Metadata = new Dictionary<string, string> { ["name"] = "round trip", ["author"] = "tests" } };
            var stream = new MemoryStream();
            ModelFile.Save(model, stream, options);
            byte[] bytes = stream.ToArray();
            var buffer = new ArrayBufferWriter<byte>(16); // small: forces the writer to ask for more space
            ModelFile.Save(model, buffer, options);
            Assert.That(buffer.WrittenSpan.ToArray(), Is.EqualTo(bytes));

            string dir = Path.Combine(Path.GetTempPath(), "embedded-mlp-rt-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                string path = Path.Combine(dir, "model.mlp");
                ModelFile.Save(model, path, options);
                Assert.That(File.ReadAllBytes(path), Is.EqualTo(bytes));
                foreach (Mlp loaded in new[] { ModelFile.Load(bytes), ModelFile.Load(new ReadOnlySpan<byte>(bytes)), ModelFile.Load(new MemoryStream(bytes)), ModelFile.Load(path) })
                {
                    Assert.That(loaded.ToString(), Is.EqualTo(model.ToString()));
                    Assert.That(Bits(loaded.Parameters), Is.EqualTo(Bits(model.Parameters)));
                }
                Assert.That(ModelFile.ReadMetadata(bytes), Is.EquivalentTo(options.Metadata));
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }

#if NET5_0_OR_GREATER // System.Half is the reference; not in Unity's netstandard2.1 profile
        [Test]
        public void LargeModelStreamsThroughChunksIntact()
        {
            var model = new Mlp(300, new[] { new LayerSpec(400, Activation.Relu), new LayerSpec(10, Activation.Identity) }, 3);
            foreach (ModelDtype dtype in new[] { ModelDtype.F32, ModelDtype.F16 })
            {
                var s = new MemoryStream();
                ModelFile.Save(model, s, new ModelSaveOptions { Dtype = dtype });
                Assert.That(s.Length, Is.GreaterThan(model.ParameterCount * (dtype == ModelDtype.F16 ? 2 : 4)));
                Mlp back = ModelFile.Load(new MemoryStream(s.ToArray()));
                float[] expected = model.Parameters.ToArray();
                if (dtype == ModelDtype.F16)
                    for (int i = 0; i < expected.Length; i++) expected[i] = (float)(Half)expected[i];
                Assert.That(Bits(back.Parameters), Is.EqualTo(Bits(expected)), dtype.ToString());
            }
        }
#endif

#if NET5_0_OR_GREATER // System.Half is the reference; not in Unity's netstandard2.1 profile
        [Test]
        public void F16FileIsHalfTheSizeAndHoldsTheNearestHalves()
        {
            Mlp model = NewModel(2);
            byte[] f32 = SampleFiles.Save(model);
            byte[] f16 = SampleFiles.Save(model, new ModelSaveOptions { Dtype = ModelDtype.F16 });
            int blobBytes = model.ParameterCount * 4;
            Assert.That(f32.Length - f16.Length, Is.EqualTo(blobBytes / 2));
            Mlp back = ModelFile.Load(f16);
            for (int i = 0; i < model.ParameterCount; i++)
                Assert.That(back.Parameters[i], Is.EqualTo((float)(Half)model.Parameters[i]));
        }
#endif

        [Test]
        public void LoadIntoReusesTheArenaAndAllocatesLittle()
        {
            var source = new Mlp(64, new[] { new LayerSpec(256, Activation.Relu), new LayerSpec(128, Activation.Relu), new LayerSpec(8, Activation.Identity) }, 5);
            byte[] bytes = SampleFiles.Save(source);
            var target = new Mlp(64, new[] { new LayerSpec(256, Activation.Relu), new LayerSpec(128, Activation.Relu), new LayerSpec(8, Activation.Identity) }, 6);
            Span<float> arena = target.Parameters;
            Assert.That(Bits(target.Parameters), Is.Not.EqualTo(Bits(source.Parameters)));

            ModelFile.LoadInto(target, new ReadOnlyMemory<byte>(bytes)); // warm-up (JIT, static tables)
            Mlp other = new Mlp(64, new[] { new LayerSpec(256, Activation.Relu), new LayerSpec(128, Activation.Relu), new LayerSpec(8, Activation.Identity) }, 7);
            byte[] otherBytes = SampleFiles.Save(other);
            long before = GC.GetAllocatedBytesForCurrentThread();
            ModelFile.LoadInto(target, new ReadOnlyMemory<byte>(otherBytes));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.That(SameMemory(arena, target.Parameters), Is.True, "loaded in place, into the same arena");
            Assert.That(Bits(target.Parameters), Is.EqualTo(Bits(other.Parameters)));
            Assert.That(allocated, Is.LessThan(4096), $"bytes allocated loading {target.ParameterCount * 4} bytes of weights");

            ModelFile.LoadInto(target, new ReadOnlySpan<byte>(bytes));
            Assert.That(Bits(target.Parameters), Is.EqualTo(Bits(source.Parameters)));
            ModelFile.LoadInto(target, new MemoryStream(otherBytes));
            Assert.That(Bits(target.Parameters), Is.EqualTo(Bits(other.Parameters)));
            Assert.That(SameMemory(arena, target.Parameters), Is.True, "loaded in place, into the same arena");
        }

        /// <summary>Whether two spans are the same memory (same start, same length).</summary>
        private static bool SameMemory(Span<float> a, Span<float> b) => a.Length == b.Length && a.Overlaps(b, out int offset) && offset == 0;

        [Test]
        public void LoadIntoAModelOfAnotherShapeFailsAndLeavesItUnchanged()
        {
            Mlp target = NewModel(3);
            int[] before = Bits(target.Parameters);
            var wider = new Mlp(5, new[] { new LayerSpec(8, Activation.LeakyRelu), new LayerSpec(6, Activation.Sigmoid, bias: false), new LayerSpec(3, Activation.Softmax) }, 3);
            var e = Assert.Throws<ModelFormatException>(() => ModelFile.LoadInto(target, SampleFiles.Save(wider)))!;
            Assert.That(e.Message, Is.EqualTo("layers[0].units: expected 7 (the shape of the model loaded into), found 8."));
            var noBias = new Mlp(5, new[] { new LayerSpec(7, Activation.LeakyRelu), new LayerSpec(6, Activation.Sigmoid, bias: true), new LayerSpec(3, Activation.Softmax) }, 3);
            e = Assert.Throws<ModelFormatException>(() => ModelFile.LoadInto(target, SampleFiles.Save(noBias)))!;
            Assert.That(e.Message, Is.EqualTo("layers[1].bias: expected no bias (the shape of the model loaded into), found a bias."));
            Assert.That(Bits(target.Parameters), Is.EqualTo(before));
        }

        [Test]
        public void LoadIntoAFileWithABadLastLayerLeavesTheModelUnchanged()
        {
            Mlp target = NewModel(4);
            int[] before = Bits(target.Parameters);
            Mlp source = NewModel(5);
            source.GetWeights(2)[3] = float.NaN; // the last layer: layers 0 and 1 would already have been written by a naive loader
            Assert.Throws<ModelFormatException>(() => ModelFile.LoadInto(target, SampleFiles.Save(source)));
            Assert.That(Bits(target.Parameters), Is.EqualTo(before));
        }

        [Test]
        public void NullMetadataValuesAreRefusedBeforeWriting()
        {
            var s = new MemoryStream();
            Assert.Throws<ArgumentException>(() => ModelFile.Save(NewModel(1), s, new ModelSaveOptions { Metadata = new Dictionary<string, string> { ["k"] = null! } }));
            Assert.That(s.Length, Is.EqualTo(0));
        }
    }
}
