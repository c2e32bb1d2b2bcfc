using System;
using System.Collections.Generic;
using System.Diagnostics;
using EmbeddedMlp.Serialization;
using EmbeddedMlp.Tests.Serialization;
using NUnit.Framework;
using static EmbeddedMlp.Onnx.Tests.OnnxGraph;

namespace EmbeddedMlp.Onnx.Tests
{
    /// <summary>
    /// Mutation fuzzing in the suite, in the style of the model-file fuzzer (tests/EmbeddedMlp.Tests/Serialization):
    /// 100,000 seeded mutations (bit flips, truncations, inserted and deleted bytes, forged length prefixes, changed wire
    /// types, and combinations) of several valid ONNX files — exports and hand-built graphs of every accepted form. Each
    /// must import as a valid model or be refused with a <see cref="ModelFormatException"/>: anything else fails the
    /// test with the case number, which replays it (case i uses <c>new Random(Seed + i)</c>).
    /// </summary>
    [TestFixture]
    public class FuzzTests
    {
        private const int Seed = 20261202;
        private const int Cases = 100_000;

        private static readonly OnnxImportOptions Strict = new OnnxImportOptions();
        private static readonly OnnxImportOptions Lenient = new OnnxImportOptions { AllowNonFinite = true, MaxElements = 2000, MaxUnits = 1 << 20 };

        /// <summary>Valid files: exports at several opsets and hand-built graphs of the other accepted forms.</summary>
        internal static List<byte[]> Originals()
        {
            var files = new List<byte[]>
            {
                OnnxModel.Export(new Mlp(3, new[] { new LayerSpec(8, Activation.Relu), new LayerSpec(2, Activation.Softmax) }, 1)),
                OnnxModel.Export(new Mlp(2, new[] { new LayerSpec(4, Activation.Tanh, false), new LayerSpec(4, Activation.LeakyRelu), new LayerSpec(1, Activation.Sigmoid) }, 2),
                    new OnnxExportOptions { Opset = 17, Metadata = new Dictionary<string, string> { { "name", "fuzz" } } }),
                OnnxModel.Export(new Mlp(1, new[] { new LayerSpec(1, Activation.Identity) }, 3), new OnnxExportOptions { Opset = 15 }),
            };

            var rng = new Random(5);
            var g = new OnnxGraph(4, opset: 11);
            string h = g.Node("Flatten", new[] { "x" }, "f");
            h = g.Node("MatMul", new[] { h, g.Init(F16("w", new ushort[] { 0x3c00, 0xbc00, 0x3800, 0x0001, 0x7bff, 0x8000, 0x4000, 0x3555 }, true, 4, 2)) }, "m");
            h = g.Node("Add", new[] { g.Node("Constant", Array.Empty<string>(), "b", Floats("value_floats", 0.5f, -0.5f)), h }, "a");
            h = g.Node("Reshape", new[] { h, g.Init(Int64("s", new long[] { -1, 2 }, false, 2)) }, "r");
            g.Node("Softmax", new[] { h }, "y");
            files.Add(g.Bytes());

            var k = new OnnxGraph(3, opset: 9);
            string wt = k.Node("Transpose", new[] { k.Init(FloatData("w", Reference.Values(rng, 6), 2, 3)) }, "wt");
            h = k.Node("Gemm", new[] { "x", wt, k.Init("c", Reference.Values(rng, 2), 1, 2) }, "g", F("alpha", 0.5f), F("beta", 2f));
            h = k.Node("Identity", new[] { h }, "i");
            h = k.Node("LeakyRelu", new[] { h }, "l");
            k.Node("Gemm", new[] { h, k.Init(F16("w2", new ushort[] { 0x3c00, 0x4000 }, false, 1, 2)) }, "y", I("transB", 1));
            files.Add(k.Bytes());
            return files;
        }

        [Test]
        public void MutatedFilesImportOrThrowModelFormatExceptionOnly()
        {
            List<byte[]> originals = Originals();
            foreach (byte[] o in originals) Assert.That(OnnxModel.Import(o).ParameterCount, Is.GreaterThan(0), "the originals are valid");
            var failures = new List<string>();
            int imported = 0, rejected = 0;
            double slowest = 0;
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < Cases; i++)
            {
                var rng = new Random(Seed + i);
                byte[] data = Mutate(originals[rng.Next(originals.Count)], rng, out string how);
                OnnxImportOptions options = (i & 1) == 0 ? Strict : Lenient;
                double started = watch.Elapsed.TotalMilliseconds;
                try
                {
                    Mlp model = OnnxModel.Import(data, options);
                    Assert.That(model.ParameterCount, Is.GreaterThan(0));
                    if (!options.AllowNonFinite)
                        foreach (float p in model.Parameters)
                            if (float.IsNaN(p) || float.IsInfinity(p))
                                failures.Add($"case {i} ({how}): a non-finite weight was accepted");
                    imported++;
                }
                catch (ModelFormatException e)
                {
                    rejected++;
                    if (string.IsNullOrEmpty(e.Field) || e.Message.Length > 600)
                        failures.Add($"case {i} ({how}): unhelpful message \"{e.Message}\"");
                }
                catch (Exception e)
                {
                    failures.Add($"case {i} ({how}): {e.GetType().Name}: {e.Message} — bytes {BitConverter.ToString(data)}");
                }
                slowest = Math.Max(slowest, watch.Elapsed.TotalMilliseconds - started);
                if (failures.Count >= 10) break;
            }
            TestContext.Out.WriteLine($"{Cases} mutated files in {watch.Elapsed.TotalSeconds:F1} s (slowest {slowest:F1} ms): {imported} imported, {rejected} rejected.");
            Assert.That(failures, Is.Empty);
            Assert.That(rejected, Is.GreaterThan(Cases / 2), "most mutations should be caught");
            Assert.That(imported, Is.GreaterThan(100), "some mutations (e.g. of weight bytes) should still import");
            Assert.That(slowest, Is.LessThan(1000), "no file takes long: every loop is bounded by the bytes present");
        }

        /// <summary>One to three mutations of a copy of <paramref name="original"/>; <paramref name="how"/> describes them.</summary>
        internal static byte[] Mutate(byte[] original, Random rng, out string how) =>
            ByteMutator.Mutate(original, rng, ForgeLength, SwapWireType, out how);

        /// <summary>Another wire type on a byte that may be a tag.</summary>
        private static string SwapWireType(List<byte> data, int at, Random rng)
        {
            int wire = rng.Next(8);
            data[at] = (byte)((data[at] & 0xF8) | wire);
            return $"wire type {wire} at {at}";
        }

        private static string ForgeLength(List<byte> data, Random rng)
        {
            // Bytes that could be the tag of a length-delimited field (wire type 2) followed by a length varint.
            var tags = new List<int>();
            for (int i = 0; i + 1 < data.Count; i++)
                if ((data[i] & 7) == 2 && data[i] < 0x80) tags.Add(i);
            if (tags.Count == 0) return "no tag to forge";
            int at = tags[rng.Next(tags.Count)] + 1;
            int old = 0;
            while (at + old < data.Count && old < 10 && (data[at + old] & 0x80) != 0) old++;
            old = Math.Min(old + 1, data.Count - at);
            ulong[] claims = { 0xFFFFFFFFFFFFFFFFul, 0xFFFFFFFFul, 0x7FFFFFFFul, 0x80000000ul, 1ul << 20, 0, 1, (ulong)rng.Next(2, 200) };
            ulong claim = claims[rng.Next(claims.Length)];
            var varint = new List<byte>();
            for (ulong v = claim; ; v >>= 7)
            {
                if (v < 0x80) { varint.Add((byte)v); break; }
                varint.Add((byte)(v | 0x80));
            }
            data.RemoveRange(at, old);
            data.InsertRange(at, varint);
            return $"forge length {claim} at {at}";
        }
    }
}
