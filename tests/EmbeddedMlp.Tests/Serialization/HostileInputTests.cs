using System;
using System.IO;
using System.Linq;
using EmbeddedMlp.Serialization;
using NUnit.Framework;
using static EmbeddedMlp.Tests.Serialization.MiniPack;

namespace EmbeddedMlp.Tests.Serialization
{
    /// <summary>Each kind of malformed or hostile file is rejected with a <see cref="ModelFormatException"/> naming field, expectation and finding.</summary>
    [TestFixture]
    public class HostileInputTests
    {
        private static object[] LayersOf(Map m) => (object[])m.First(kv => Equals(kv.Key, "layers")).Value!;

        private static ModelFormatException Rejected(Map file, ModelLoadOptions? options = null) => Rejected(Encode(file), options);

        private static ModelFormatException Rejected(byte[] data, ModelLoadOptions? options = null) =>
            Assert.Throws<ModelFormatException>(() => ModelFile.Load(data, options))!;

        [Test]
        public void TheBaseFileOfTheseTestsIsValid()
        {
            Mlp m = ModelFile.Load(Encode(Model(8, 8, 64)));
            Assert.That(m.ToString(), Is.EqualTo("Mlp(8 → 8:tanh → 64:identity, 648 parameters)"));
        }

        [Test]
        public void WeightOfTheWrongSizeNamesLayerExpectedShapeAndFoundLength()
        {
            Map file = Model(4, 8, 64);
            ((Map)LayersOf(file)[1])[2] = new System.Collections.Generic.KeyValuePair<object, object?>("weight", F32Count(511).Concat(new byte[] { 0, 0, 0 }).Take(2044).ToArray());
            ModelFormatException e = Rejected(file);
            Assert.That(e.Message, Is.EqualTo("layers[1].weight: expected 2048 bytes (64×8 f32), found 2044."));
            Assert.That(e.Field, Is.EqualTo("layers[1].weight"));
        }

        [Test]
        public void FanInMismatchIsAWeightOfTheWrongShape()
        {
            // Layer 1's weight written for a fan_in of 4 (the inputs) instead of 8 (layer 0's units).
            Map file = Model(4, 8, 3);
            var layer1 = (Map)LayersOf(file)[1];
            LayersOf(file)[1] = layer1.Replace("weight", F32Count(3 * 4));
            Assert.That(Rejected(file).Message, Is.EqualTo("layers[1].weight: expected 96 bytes (3×8 f32), found 48."));
        }

        [Test]
        public void BiasOfTheWrongSizeIsRejected()
        {
            Map file = Model(2, 3);
            LayersOf(file)[0] = ((Map)LayersOf(file)[0]).Replace("bias", F32Count(2));
            Assert.That(Rejected(file).Message, Is.EqualTo("layers[0].bias: expected 12 bytes (3 f32), found 8."));
        }

        [Test]
        public void ForgedBinLengthIsRejectedBeforeAnythingIsAllocated()
        {
            // A 40-byte file: {"layers": bin32 claiming 2 GiB − 1, then 28 bytes}.
            byte[] data = new byte[] { 0x81, 0xa6, (byte)'l', (byte)'a', (byte)'y', (byte)'e', (byte)'r', (byte)'s', 0xc6, 0x7f, 0xff, 0xff, 0xff }
                .Concat(new byte[27]).ToArray();
            Assert.That(data.Length, Is.EqualTo(40));
            long before = GC.GetAllocatedBytesForCurrentThread();
            ModelFormatException e = Rejected(data);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.That(e.Message, Does.StartWith("layers: expected a complete value within the file, found ").And.Contain("length header running past its end"));
            Assert.That(allocated, Is.LessThan(64 * 1024), "bytes allocated while rejecting");
        }

        [Test]
        public void ForgedArrayAndMapCountsAreRejectedBeforeAllocation()
        {
            byte[] layers = Encode(Model(1, 1)).ToArray();
            // Replace the layers array header (0x91) by array32 claiming 2^31−1 layers.
            int at = Array.IndexOf(layers, (byte)0x91);
            byte[] forged = layers.Take(at).Concat(new byte[] { 0xdd, 0x7f, 0xff, 0xff, 0xff }).Concat(layers.Skip(at + 1)).ToArray();
            long before = GC.GetAllocatedBytesForCurrentThread();
            ModelFormatException e = Rejected(forged);
            Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(64 * 1024));
            Assert.That(e.Field, Is.EqualTo("layers"));
            Assert.That(e.Message, Does.Contain("past its end"));

            byte[] map = new byte[] { 0xdf, 0xff, 0xff, 0xff, 0xff, 0xa1, (byte)'x', 0x01 };
            Assert.That(Rejected(map).Field, Is.EqualTo("(top level)"));
        }

        [Test]
        public void HugeShapeWithTinyBlobIsRejectedBeforeTheModelIsAllocated()
        {
            // 65536 × 65536 weights claimed by the units, 8 bytes actually present: refused by MaxParameters first.
            Map file = new Map().With("format", "embedded-mlp").With("version", 1).With("inputs", 65536)
                .With("layers", new object[] { Layer(65536, "relu", F32(1, 2), null) });
            long before = GC.GetAllocatedBytesForCurrentThread();
            ModelFormatException e = Rejected(file);
            Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(64 * 1024));
            Assert.That(e.Message, Is.EqualTo("layers[0]: expected at most 67108864 parameters in all (ModelLoadOptions.MaxParameters), found 4294967296 by this layer."));

            // Within the limit, the blob length still has to match before the arena exists.
            var options = new ModelLoadOptions { MaxParameters = long.MaxValue };
            file = new Map().With("format", "embedded-mlp").With("version", 1).With("inputs", 4096)
                .With("layers", new object[] { Layer(4096, "relu", F32(1, 2), null) });
            before = GC.GetAllocatedBytesForCurrentThread();
            e = Rejected(file, options);
            Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(64 * 1024));
            Assert.That(e.Message, Is.EqualTo("layers[0].weight: expected 67108864 bytes (4096×4096 f32), found 8."));
        }

        [Test]
        public void DeepNestingInAnIgnoredKeyIsBoundedNotRecursedWithoutLimit()
        {
            byte[] head = Encode(Model(1, 1));
            var nested = new byte[200_000];
            for (int i = 0; i < nested.Length; i++) nested[i] = 0x91; // [[[[…
            byte[] data = head.Concat(new byte[] { 0xa4, (byte)'d', (byte)'e', (byte)'e', (byte)'p' }).Concat(nested).Concat(new byte[] { 0xc0 }).ToArray();
            data[0] = 0x86;
            ModelFormatException e = Rejected(data);
            Assert.That(e.Message, Is.EqualTo("\"deep\": expected nesting at most 32 deep (ModelLoadOptions.MaxDepth), found deeper nesting."));
            // Shallow enough nesting under an unknown key is ignored.
            byte[] ok = head.Concat(new byte[] { 0xa4, (byte)'d', (byte)'e', (byte)'e', (byte)'p', 0x91, 0x91, 0x91, 0xc0 }).ToArray();
            ok[0] = 0x86;
            Assert.That(ModelFile.Load(ok).InputCount, Is.EqualTo(1));
        }

        [Test]
        public void DuplicateKeysAreRejectedAtEveryLevel()
        {
            Assert.That(Rejected(Model(1, 1).With("inputs", 1)).Message, Is.EqualTo("(top level): expected each key once, found key \"inputs\" twice."));
            Assert.That(Rejected(Model(1, 1).With("x", 1).With("x", 2)).Message, Is.EqualTo("(top level): expected each key once, found key \"x\" twice."));
            Map dupLayer = Model(1, 1);
            LayersOf(dupLayer)[0] = ((Map)LayersOf(dupLayer)[0]).With("units", 1);
            Assert.That(Rejected(dupLayer).Message, Is.EqualTo("layers[0]: expected each key once, found key \"layers[0].units\" twice."));
            Map dupMeta = Model(1, 1).With("metadata", new Map().With("a", "1").With("a", "2"));
            Assert.That(Rejected(dupMeta).Message, Is.EqualTo("metadata: expected each key once, found key \"a\" twice."));
        }

        [Test]
        public void SoftmaxThatIsNotLastIsRejected()
        {
            Map file = Model(2, 3, 2);
            LayersOf(file)[0] = ((Map)LayersOf(file)[0]).Replace("activation", "softmax");
            Assert.That(Rejected(file).Message, Is.EqualTo("layers[0].activation: expected softmax only on the last layer (layers[1]), found softmax on layers[0]."));
        }

        [TestCase(0)]
        [TestCase(-1)]
        [TestCase(-2147483648L)]
        [TestCase(70000)]
        public void ZeroNegativeOrOversizedUnitsAreRejected(long units)
        {
            Map file = Model(2, 3);
            LayersOf(file)[0] = ((Map)LayersOf(file)[0]).Replace("units", units);
            Assert.That(Rejected(file).Message, Is.EqualTo($"layers[0].units: expected int in 1..65536 (ModelLoadOptions.MaxUnitsPerLayer), found {units}."));
            Assert.That(Rejected(Model(2, 3).Replace("inputs", units)).Message, Is.EqualTo($"inputs: expected int in 1..65536 (ModelLoadOptions.MaxUnitsPerLayer), found {units}."));
        }

        [Test]
        public void TrailingBytesAfterTheMapAreRejected()
        {
            byte[] data = Encode(Model(1, 1)).Concat(new byte[] { 0xc0, 0x00 }).ToArray();
            Assert.That(Rejected(data).Message, Is.EqualTo("(file): expected the end of the file after the top-level map, found 2 trailing bytes."));
        }

        [Test]
        public void NonFiniteWeightsAreRejectedByDefaultAndAcceptedOnRequest()
        {
            foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            {
                Map file = Model(2, 1);
                LayersOf(file)[0] = ((Map)LayersOf(file)[0]).Replace("weight", F32(0.5f, bad));
                string name = float.IsNaN(bad) ? "NaN" : bad > 0 ? "+∞" : "−∞";
                Assert.That(Rejected(file).Message, Is.EqualTo($"layers[0].weight[1]: expected a finite number (ModelLoadOptions.AllowNonFinite is off), found {name}."));
                Mlp m = ModelFile.Load(Encode(file), new ModelLoadOptions { AllowNonFinite = true });
                Assert.That(m.GetWeights(0)[1], Is.EqualTo(bad));
            }
            Map f16 = Model(2, 1).Replace("dtype", "f16");
            LayersOf(f16)[0] = Layer(1, "identity", new byte[] { 0x00, 0x3c, 0x00, 0x7e }, null); // 1.0, NaN
            Assert.That(Rejected(f16).Message, Is.EqualTo("layers[0].weight[1]: expected a finite number (ModelLoadOptions.AllowNonFinite is off), found NaN."));
        }

        [Test]
        public void HeaderFieldsAreChecked()
        {
            Assert.That(Rejected(Model(1, 1).Replace("version", 2)).Message, Is.EqualTo("version: expected 1 (the only version this reader knows), found 2."));
            Assert.That(Rejected(Model(1, 1).Replace("format", "onnx")).Message, Is.EqualTo("format: expected \"embedded-mlp\", found \"onnx\"."));
            Assert.That(Rejected(Model(1, 1).Replace("dtype", "f64")).Message, Is.EqualTo("dtype: expected \"f32\" or \"f16\", found \"f64\"."));
            Assert.That(Rejected(Model(1, 1).Without("layers")).Message, Is.EqualTo("layers: expected a value (the key is required), found no such key."));
            Assert.That(Rejected(Model(1, 1).Without("format")).Message, Is.EqualTo("format: expected a value (the key is required), found no such key."));
            Assert.That(Rejected(Model(1, 1).Replace("layers", new object[0])).Message, Is.EqualTo("layers: expected at least 1 layer, found an empty array."));
            Assert.That(Rejected(Model(1, 1).Replace("inputs", "1")).Message, Is.EqualTo("inputs: expected int, found str."));
            Assert.That(Rejected(Model(1, 1).Replace("version", 1.0)).Message, Is.EqualTo("version: expected int, found float."));
            Assert.That(Rejected(new byte[0]).Message, Is.EqualTo("(file): expected a MessagePack map, found an empty file."));
            Assert.That(Rejected(Encode(new object[] { 1 })).Message, Is.EqualTo("(top level): expected map, found array."));
            Assert.That(Rejected(Encode(Model(1, 1).With(7, "int key"))).Message, Is.EqualTo("(top level) key: expected str, found int."));
        }

        [Test]
        public void LayerFieldsAreChecked()
        {
            Map file = Model(2, 1);
            LayersOf(file)[0] = ((Map)LayersOf(file)[0]).Replace("activation", "gelu");
            Assert.That(Rejected(file).Message, Is.EqualTo("layers[0].activation: expected one of identity, relu, leaky_relu, tanh, sigmoid, softmax, found \"gelu\"."));
            LayersOf(file)[0] = ((Map)LayersOf(file)[0]).Replace("activation", "relu").With("dropout", 0.5);
            Assert.That(Rejected(file).Message, Is.EqualTo("layers[0]: expected only the keys units, activation, weight, bias, found key \"dropout\"."));
            LayersOf(file)[0] = Layer(1, "relu", F32(1, 2), null).Without("units");
            Assert.That(Rejected(file).Message, Is.EqualTo("layers[0]: expected a value for key \"units\" (required), found no such key."));
            LayersOf(file)[0] = Layer(1, "relu", F32(1, 2), null).Replace("weight", "not a blob");
            Assert.That(Rejected(file).Message, Is.EqualTo("layers[0].weight: expected bin, found str."));
            LayersOf(file)[0] = Layer(1, "relu", F32(1, 2), null).Replace("bias", 3);
            Assert.That(Rejected(file).Message, Is.EqualTo("layers[0].bias: expected bin or nil, found int."));
            LayersOf(file)[0] = 5;
            Assert.That(Rejected(file).Message, Is.EqualTo("layers[0]: expected map, found int."));
            Assert.That(Rejected(Model(1, 1).With("metadata", new Map().With("k", 5))).Message, Is.EqualTo("metadata.k: expected str, found int."));
        }

        [Test]
        public void LimitsAreEnforcedAndOverridable()
        {
            byte[] five = Encode(Model(3, 4, 4, 4, 4, 2));
            Assert.That(Rejected(five, new ModelLoadOptions { MaxLayers = 4 }).Message, Is.EqualTo("layers: expected at most 4 layers (ModelLoadOptions.MaxLayers), found 5 layers."));
            Assert.That(ModelFile.Load(five, new ModelLoadOptions { MaxLayers = 5 }).LayerCount, Is.EqualTo(5));
            Assert.That(Rejected(five, new ModelLoadOptions { MaxUnitsPerLayer = 3 }).Message, Is.EqualTo("layers[0].units: expected int in 1..3 (ModelLoadOptions.MaxUnitsPerLayer), found 4."));
            Assert.That(Rejected(five, new ModelLoadOptions { MaxParameters = 50 }).Message, Is.EqualTo("layers[2]: expected at most 50 parameters in all (ModelLoadOptions.MaxParameters), found 56 by this layer."));
            Assert.That(Rejected(five, new ModelLoadOptions { MaxFileBytes = 100 }).Message, Is.EqualTo($"(file): expected at most 100 bytes (ModelLoadOptions.MaxFileBytes), found {five.Length} bytes."));
            Assert.Throws<ModelFormatException>(() => ModelFile.Load(new MemoryStream(five), new ModelLoadOptions { MaxFileBytes = 100 }));
            Assert.Throws<ModelFormatException>(() => ModelFile.Load(new NonSeekableStream(five), new ModelLoadOptions { MaxFileBytes = 100 }));
            Assert.That(ModelFile.Load(new NonSeekableStream(five)).LayerCount, Is.EqualTo(5));
            Assert.Throws<ArgumentOutOfRangeException>(() => new ModelLoadOptions { MaxLayers = 0 });
        }

        [Test]
        public void InvalidUtf8InMetadataIsRejected()
        {
            byte[] data = Encode(Model(1, 1).With("metadata", new Map().With("k", "v")));
            data[data.Length - 1] = 0xff; // the value "v" becomes an invalid UTF-8 byte
            Assert.That(Rejected(data).Message, Is.EqualTo("metadata.k: expected a str of valid UTF-8, found invalid bytes."));
        }

        /// <summary>A read-only stream without Length (a network or decompression stream).</summary>
        private sealed class NonSeekableStream : Stream
        {
            private readonly MemoryStream _inner;
            public NonSeekableStream(byte[] data) { _inner = new MemoryStream(data); }
            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7));
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }
}
