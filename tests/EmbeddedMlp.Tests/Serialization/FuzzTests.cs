using System;
using System.Collections.Generic;
using System.Diagnostics;
using EmbeddedMlp.Serialization;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Serialization
{
    /// <summary>
    /// Mutation fuzzing in the suite: 100,000 seeded mutations of valid files (bit flips, truncations, inserted and
    /// deleted bytes, forged lengths, type swaps, and combinations), each through one entry point in turn (Load from
    /// an array, LoadCheckpoint, LoadInto an existing model, Load from a span). Each must either load as a valid model
    /// or be rejected with a <see cref="ModelFormatException"/> (and a rejected LoadInto must leave the model as it
    /// was): anything else fails the test with the case number, which replays it (case i uses <c>new Random(Seed + i)</c>).
    /// </summary>
    [TestFixture]
    public class FuzzTests
    {
        private const int Seed = 20261128;
        private const int Cases = 100_000;

        private static readonly byte[] TypeCodes =
        {
            0xc0, 0xc2, 0xc3, 0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd1, 0xd2, 0xd3, 0xca, 0xcb, 0xa0, 0xa3, 0xbf, 0xd9, 0xda, 0xdb,
            0xc4, 0xc5, 0xc6, 0x90, 0x9f, 0xdc, 0xdd, 0x80, 0x8f, 0xde, 0xdf, 0xd4, 0xd8, 0xc7, 0xc9, 0xc1, 0x00, 0x7f, 0xe0, 0xff,
        };

        private static readonly ModelLoadOptions Strict = new ModelLoadOptions();
        private static readonly ModelLoadOptions Lenient = new ModelLoadOptions { AllowNonFinite = true, MaxDepth = 4 };

        [Test]
        public void MutatedFilesLoadOrThrowModelFormatExceptionOnly()
        {
            List<byte[]> originals = SampleFiles.All();
            var targets = new List<Mlp>();
            foreach (byte[] o in originals) targets.Add(ModelFile.Load(o));
            var failures = new List<string>();
            int loaded = 0, rejected = 0;
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < Cases; i++)
            {
                var rng = new Random(Seed + i);
                int which = rng.Next(originals.Count);
                byte[] data = Mutate(originals[which], rng, out string how);
                int entry = i & 3; // 0: Load, 1: LoadCheckpoint, 2: LoadInto (a model of the original's shape), 3: Load from a span
                ModelLoadOptions options = (i & 4) == 0 ? Strict : Lenient;
                Mlp target = targets[which];
                float[] before = entry == 2 ? target.Parameters.ToArray() : Array.Empty<float>();
                try
                {
                    if (entry == 2)
                    {
                        try { ModelFile.LoadInto(target, data, options); }
                        catch (ModelFormatException)
                        {
                            if (!BitwiseEqual(target.Parameters.ToArray(), before))
                                failures.Add($"case {i} ({how}): a rejected LoadInto changed the model");
                            throw;
                        }
                        CheckValid(target, options);
                    }
                    else if (entry == 3)
                    {
                        CheckValid(ModelFile.Load(new ReadOnlySpan<byte>(data), options), options);
                    }
                    else if (entry == 1)
                    {
                        var trainer = ModelFile.LoadCheckpoint(data, options);
                        CheckValid(trainer.Model, options);
                    }
                    else
                    {
                        CheckValid(ModelFile.Load(data, options), options);
                    }
                    loaded++;
                }
                catch (ModelFormatException e)
                {
                    rejected++;
                    if (string.IsNullOrEmpty(e.Field) || e.Message.Length > 400)
                        failures.Add($"case {i} ({how}): unhelpful message \"{e.Message}\"");
                }
                catch (Exception e)
                {
                    failures.Add($"case {i} ({how}): {e.GetType().Name}: {e.Message} — bytes {BitConverter.ToString(data)}");
                }
                if (failures.Count >= 10) break;
            }
            TestContext.Out.WriteLine($"{Cases} mutated files in {watch.Elapsed.TotalSeconds:F1} s: {loaded} loaded, {rejected} rejected.");
            Assert.That(failures, Is.Empty);
            Assert.That(rejected, Is.GreaterThan(Cases / 2), "most mutations should be caught");
            Assert.That(loaded, Is.GreaterThan(100), "some mutations (e.g. of weight bytes) should still load");
        }

        private static bool BitwiseEqual(float[] a, float[] b)
        {
            if (a.Length != b.Length) return false;
            for (int i = 0; i < a.Length; i++)
                if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i])) return false;
            return true;
        }

        private static void CheckValid(Mlp model, ModelLoadOptions options)
        {
            Assert.That(model.ParameterCount, Is.GreaterThan(0));
            if (options.AllowNonFinite) return;
            foreach (float p in model.Parameters)
                if (float.IsNaN(p) || float.IsInfinity(p))
                    Assert.Fail("a non-finite weight was accepted");
        }

        /// <summary>One to three mutations of a copy of <paramref name="original"/>; <paramref name="how"/> describes them.</summary>
        internal static byte[] Mutate(byte[] original, Random rng, out string how) =>
            ByteMutator.Mutate(original, rng, ForgeLength, SwapType, out how);

        private static string SwapType(List<byte> data, int at, Random rng)
        {
            byte code = TypeCodes[rng.Next(TypeCodes.Length)];
            data[at] = code;
            return $"type 0x{code:x2} at {at}";
        }

        private static string ForgeLength(List<byte> data, Random rng)
        {
            // Find the headers that carry a length, then rewrite one of them.
            var headers = new List<int>();
            for (int i = 0; i < data.Count; i++)
            {
                byte b = data[i];
                if ((b >= 0x80 && b <= 0xbf) || (b >= 0xc4 && b <= 0xc6) || (b >= 0xd9 && b <= 0xdf)) headers.Add(i);
            }
            if (headers.Count == 0) return "no header to forge";
            int at = headers[rng.Next(headers.Count)];
            uint[] claims = { 0xFFFFFFFFu, 0x7FFFFFFFu, 0x80000000u, 0x10000u, 0xFFFFu, 0xFFu, (uint)rng.Next(1, 64) };
            uint claim = claims[rng.Next(claims.Length)];
            byte code = data[at];
            // Replace the header (and its old length bytes) with a 32-bit header of the same family.
            int oldLength = code >= 0x80 && code <= 0xbf ? 1 : code == 0xc4 || code == 0xd9 ? 2 : code == 0xc5 || code == 0xda || code == 0xdc || code == 0xde ? 3 : 5;
            oldLength = Math.Min(oldLength, data.Count - at);
            byte wide = code >= 0x80 && code <= 0x8f || code == 0xde || code == 0xdf ? (byte)0xdf
                : code >= 0x90 && code <= 0x9f || code == 0xdc || code == 0xdd ? (byte)0xdd
                : code >= 0xa0 && code <= 0xbf || (code >= 0xd9 && code <= 0xdb) ? (byte)0xdb : (byte)0xc6;
            data.RemoveRange(at, oldLength);
            data.InsertRange(at, new[] { wide, (byte)(claim >> 24), (byte)(claim >> 16), (byte)(claim >> 8), (byte)claim });
            return $"forge 0x{wide:x2} length {claim} at {at}";
        }
    }
}
