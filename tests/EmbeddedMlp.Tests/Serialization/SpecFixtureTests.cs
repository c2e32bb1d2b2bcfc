using System;
using System.Collections.Generic;
using EmbeddedMlp.Serialization;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Serialization
{
    /// <summary>
    /// Files whose bytes are written here by hand from docs/format.md (not by our writer), so that the writer and the
    /// reader cannot drift away from the specification together.
    /// </summary>
    [TestFixture]
    public class SpecFixtureTests
    {
        /// <summary>The annotated example of docs/format.md: 2 inputs → 1 identity unit, W = [0.5, −2], b = [1], f32.</summary>
        public static readonly byte[] Tiny =
        {
            0x85,                                                       // map, 5 entries
            0xa6, (byte)'f', (byte)'o', (byte)'r', (byte)'m', (byte)'a', (byte)'t',
            0xac, (byte)'e', (byte)'m', (byte)'b', (byte)'e', (byte)'d', (byte)'d', (byte)'e', (byte)'d', (byte)'-', (byte)'m', (byte)'l', (byte)'p',
            0xa7, (byte)'v', (byte)'e', (byte)'r', (byte)'s', (byte)'i', (byte)'o', (byte)'n',
            0x01,                                                       // positive fixint 1
            0xa6, (byte)'i', (byte)'n', (byte)'p', (byte)'u', (byte)'t', (byte)'s',
            0x02,
            0xa5, (byte)'d', (byte)'t', (byte)'y', (byte)'p', (byte)'e',
            0xa3, (byte)'f', (byte)'3', (byte)'2',
            0xa6, (byte)'l', (byte)'a', (byte)'y', (byte)'e', (byte)'r', (byte)'s',
            0x91,                                                       // array, 1 element
            0x84,                                                       // map, 4 entries
            0xa5, (byte)'u', (byte)'n', (byte)'i', (byte)'t', (byte)'s',
            0x01,
            0xaa, (byte)'a', (byte)'c', (byte)'t', (byte)'i', (byte)'v', (byte)'a', (byte)'t', (byte)'i', (byte)'o', (byte)'n',
            0xa8, (byte)'i', (byte)'d', (byte)'e', (byte)'n', (byte)'t', (byte)'i', (byte)'t', (byte)'y',
            0xa6, (byte)'w', (byte)'e', (byte)'i', (byte)'g', (byte)'h', (byte)'t',
            0xc4, 0x08,                                                 // bin 8, 8 bytes
            0x00, 0x00, 0x00, 0x3f,                                     // 0.5f little-endian
            0x00, 0x00, 0x00, 0xc0,                                     // −2.0f
            0xa4, (byte)'b', (byte)'i', (byte)'a', (byte)'s',
            0xc4, 0x04,
            0x00, 0x00, 0x80, 0x3f,                                     // 1.0f
        };

        /// <summary>
        /// Keys in another order, f16, a nil bias, metadata and an unknown top-level key: 1 input → 2 relu (no bias)
        /// → 1 sigmoid. W0 = [1, −0.5], W1 = [0.25, 2], b1 = [−1].
        /// </summary>
        public static readonly byte[] Shuffled =
        {
            0x87,                                                                   // map, 7 entries
            0xa5, (byte)'d', (byte)'t', (byte)'y', (byte)'p', (byte)'e', 0xa3, (byte)'f', (byte)'1', (byte)'6',
            0xa6, (byte)'l', (byte)'a', (byte)'y', (byte)'e', (byte)'r', (byte)'s',
            0x92,                                                                   // array, 2
            0x84,
            0xa4, (byte)'b', (byte)'i', (byte)'a', (byte)'s', 0xc0,                 // bias: nil
            0xa6, (byte)'w', (byte)'e', (byte)'i', (byte)'g', (byte)'h', (byte)'t', 0xc4, 0x04, 0x00, 0x3c, 0x00, 0xb8, // f16 1.0, −0.5
            0xa5, (byte)'u', (byte)'n', (byte)'i', (byte)'t', (byte)'s', 0x02,
            0xaa, (byte)'a', (byte)'c', (byte)'t', (byte)'i', (byte)'v', (byte)'a', (byte)'t', (byte)'i', (byte)'o', (byte)'n',
            0xa4, (byte)'r', (byte)'e', (byte)'l', (byte)'u',
            0x84,
            0xa5, (byte)'u', (byte)'n', (byte)'i', (byte)'t', (byte)'s', 0xcc, 0x01, // uint8 1 (non-minimal int encodings are fine)
            0xaa, (byte)'a', (byte)'c', (byte)'t', (byte)'i', (byte)'v', (byte)'a', (byte)'t', (byte)'i', (byte)'o', (byte)'n',
            0xa7, (byte)'s', (byte)'i', (byte)'g', (byte)'m', (byte)'o', (byte)'i', (byte)'d',
            0xa6, (byte)'w', (byte)'e', (byte)'i', (byte)'g', (byte)'h', (byte)'t', 0xc4, 0x04, 0x00, 0x34, 0x00, 0x40, // f16 0.25, 2.0
            0xa4, (byte)'b', (byte)'i', (byte)'a', (byte)'s', 0xc4, 0x02, 0x00, 0xbc,                                    // f16 −1.0
            0xa8, (byte)'m', (byte)'e', (byte)'t', (byte)'a', (byte)'d', (byte)'a', (byte)'t', (byte)'a',
            0x81, 0xa4, (byte)'n', (byte)'a', (byte)'m', (byte)'e', 0xa1, (byte)'t',
            0xa6, (byte)'i', (byte)'n', (byte)'p', (byte)'u', (byte)'t', (byte)'s', 0x01,
            0xa5, (byte)'e', (byte)'x', (byte)'t', (byte)'r', (byte)'a', 0x92, 0xc3, 0x80,     // unknown key: [true, {}]
            0xa7, (byte)'v', (byte)'e', (byte)'r', (byte)'s', (byte)'i', (byte)'o', (byte)'n', 0x01,
            0xa6, (byte)'f', (byte)'o', (byte)'r', (byte)'m', (byte)'a', (byte)'t',
            0xac, (byte)'e', (byte)'m', (byte)'b', (byte)'e', (byte)'d', (byte)'d', (byte)'e', (byte)'d', (byte)'-', (byte)'m', (byte)'l', (byte)'p',
        };

        [Test]
        public void TinyFileLoadsWithTheSpecifiedShapeAndWeights()
        {
            Mlp model = ModelFile.Load(Tiny);
            Assert.That(model.InputCount, Is.EqualTo(2));
            Assert.That(model.LayerCount, Is.EqualTo(1));
            Assert.That(model.Layers[0].Activation, Is.EqualTo(Activation.Identity));
            Assert.That(model.Layers[0].HasBias, Is.True);
            Assert.That(model.GetWeights(0).ToArray(), Is.EqualTo(new[] { 0.5f, -2f }));
            Assert.That(model.GetBias(0).ToArray(), Is.EqualTo(new[] { 1f }));
            var y = new float[1];
            model.Predict(new[] { 4f, 1f }, y);
            Assert.That(y[0], Is.EqualTo(0.5f * 4f - 2f * 1f + 1f));
        }

        [Test]
        public void OurWriterProducesExactlyTheSpecifiedBytesForTheTinyModel()
        {
            var model = new Mlp(2, new[] { new LayerSpec(1, Activation.Identity) }, 0);
            model.GetWeights(0)[0] = 0.5f;
            model.GetWeights(0)[1] = -2f;
            model.GetBias(0)[0] = 1f;
            var output = new System.IO.MemoryStream();
            ModelFile.Save(model, output);
            Assert.That(output.ToArray(), Is.EqualTo(Tiny));
        }

        [Test]
        public void ShuffledF16FileWithNilBiasMetadataAndUnknownKeyLoads()
        {
            Mlp model = ModelFile.Load(Shuffled);
            Assert.That(model.InputCount, Is.EqualTo(1));
            Assert.That(model.LayerCount, Is.EqualTo(2));
            Assert.That(model.Layers[0].HasBias, Is.False);
            Assert.That(model.Layers[0].Activation, Is.EqualTo(Activation.Relu));
            Assert.That(model.Layers[1].Activation, Is.EqualTo(Activation.Sigmoid));
            Assert.That(model.GetWeights(0).ToArray(), Is.EqualTo(new[] { 1f, -0.5f }));
            Assert.That(model.GetWeights(1).ToArray(), Is.EqualTo(new[] { 0.25f, 2f }));
            Assert.That(model.GetBias(1).ToArray(), Is.EqualTo(new[] { -1f }));
            IReadOnlyDictionary<string, string> metadata = ModelFile.ReadMetadata(Shuffled);
            Assert.That(metadata.Count, Is.EqualTo(1));
            Assert.That(metadata["name"], Is.EqualTo("t"));
        }

        [Test]
        public void EveryInputOverloadReadsTheSameFile()
        {
            string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "embedded-mlp-spec-" + Guid.NewGuid().ToString("N") + ".mp");
            System.IO.File.WriteAllBytes(path, Shuffled);
            try
            {
                var loaded = new List<Mlp>
                {
                    ModelFile.Load(Shuffled),
                    ModelFile.Load(new ReadOnlyMemory<byte>(Shuffled)),
                    ModelFile.Load(new ReadOnlySpan<byte>(Shuffled)),
                    ModelFile.Load(new System.IO.MemoryStream(Shuffled)),
                    ModelFile.Load(path),
                };
                foreach (Mlp m in loaded)
                    Assert.That(m.Parameters.ToArray(), Is.EqualTo(new[] { 1f, -0.5f, 0.25f, 2f, -1f }));
            }
            finally
            {
                System.IO.File.Delete(path);
            }
        }
    }
}
