using System;
using NUnit.Framework;

namespace EmbeddedMlp.Tests
{
    [TestFixture]
    public class InitializationTests
    {
        // Known answers from an independent Python implementation of SplitMix64 + xoshiro128**, itself checked
        // against the published xoshiro128** vector for the raw state {1, 2, 3, 4}: 11520, 0, 5927040, 70819200.
        [Test]
        public void PrngMatchesReferenceSequence()
        {
            var raw = Xoshiro128.FromState(1, 2, 3, 4);
            Assert.That(new[] { raw.NextUInt32(), raw.NextUInt32(), raw.NextUInt32(), raw.NextUInt32() },
                Is.EqualTo(new uint[] { 11520, 0, 5927040, 70819200 }));

            var seeded = new Xoshiro128(42);
            var got = new uint[5];
            for (int i = 0; i < got.Length; i++) got[i] = seeded.NextUInt32();
            Assert.That(got, Is.EqualTo(new uint[] { 1776835114, 4165204688, 17111135, 2317295270, 2792088233 }));
        }

        [Test]
        public void PrngStateRoundTrips()
        {
            var a = new Xoshiro128(7);
            a.NextUInt32();
            a.GetState(out uint s0, out uint s1, out uint s2, out uint s3);
            var b = Xoshiro128.FromState(s0, s1, s2, s3);
            for (int i = 0; i < 10; i++) Assert.That(b.NextUInt32(), Is.EqualTo(a.NextUInt32()));
        }

        [Test]
        public void NextIntIsInRangeAndCoversIt()
        {
            var rng = new Xoshiro128(1);
            var seen = new int[7];
            for (int i = 0; i < 7000; i++) seen[rng.NextInt(7)]++;
            foreach (int c in seen) Assert.That(c, Is.InRange(850, 1150));
        }

        [Test]
        public void SameSeedGivesTheSameWeightsBitForBit()
        {
            LayerSpec[] specs = { new LayerSpec(17, Activation.Relu), new LayerSpec(9, Activation.Tanh, init: WeightInit.GlorotNormal), new LayerSpec(3, Activation.Softmax) };
            var a = new Mlp(5, specs, 123);
            var b = new Mlp(5, specs, 123);
            var c = new Mlp(5, specs, 124);
            Assert.That(a.Parameters.ToArray(), Is.EqualTo(b.Parameters.ToArray()));
            Assert.That(a.Parameters.ToArray(), Is.Not.EqualTo(c.Parameters.ToArray()));
            b.Parameters.Fill(0f);
            b.Initialize(123);
            Assert.That(b.Parameters.ToArray(), Is.EqualTo(a.Parameters.ToArray()));
        }

        /// <summary>The first weights for seed 42 are pinned: any change to the PRNG or the draw order shows up here.</summary>
        [Test]
        public void FirstWeightsArePinned()
        {
            var m = new Mlp(2, new[] { new LayerSpec(2, Activation.Tanh) }, 42);
            // Glorot uniform, bound √(6/4): w = (2u − 1)·bound with u from 27+26 random bits.
            var rng = new Xoshiro128(42);
            double bound = Math.Sqrt(6.0 / 4.0);
            for (int i = 0; i < 4; i++)
            {
                ulong hi = rng.NextUInt32() >> 5, lo = rng.NextUInt32() >> 6;
                double u = (hi * 67108864.0 + lo) / 9007199254740992.0;
                Assert.That(m.Parameters[i], Is.EqualTo((float)((2 * u - 1) * bound)));
            }
            Assert.That(m.GetBias(0).ToArray(), Is.EqualTo(new[] { 0f, 0f }));
        }

        [TestCase(Activation.Relu, WeightInit.Auto, 2.0, true)]              // He uniform: var = 2/fan_in
        [TestCase(Activation.Relu, WeightInit.HeNormal, 2.0, false)]
        [TestCase(Activation.LeakyRelu, WeightInit.Auto, 2.0 / 1.0001, true)]
        [TestCase(Activation.Tanh, WeightInit.Auto, -1.0, true)]             // Glorot uniform: var = 2/(fan_in+fan_out)
        [TestCase(Activation.Sigmoid, WeightInit.GlorotNormal, -1.0, false)]
        public void DistributionsHaveTheirVarianceAndSupport(Activation act, WeightInit init, double heGain, bool uniform)
        {
            const int fanIn = 200, fanOut = 300;
            var m = new Mlp(fanIn, new[] { new LayerSpec(fanOut, act, init: init) }, 11);
            double expected = heGain > 0 ? heGain / fanIn : 2.0 / (fanIn + fanOut);
            double sum = 0, sq = 0, maxAbs = 0;
            Span<float> w = m.GetWeights(0);
            foreach (float v in w) { sum += v; sq += (double)v * v; maxAbs = Math.Max(maxAbs, Math.Abs(v)); }
            double mean = sum / w.Length, variance = sq / w.Length - mean * mean;
            Assert.That(mean, Is.EqualTo(0).Within(4 * Math.Sqrt(expected / w.Length)));
            Assert.That(variance, Is.EqualTo(expected).Within(0.03 * expected));
            double bound = Math.Sqrt(3 * expected);
            if (uniform) Assert.That(maxAbs, Is.LessThanOrEqualTo(bound).And.GreaterThan(0.99 * bound));
            else Assert.That(maxAbs, Is.GreaterThan(bound)); // a normal's tails go past the uniform bound
        }

        [Test]
        public void ArenaLayoutIsWeightsThenBiasPerLayer()
        {
            var m = new Mlp(3, new[] { new LayerSpec(4, Activation.Relu), new LayerSpec(2, Activation.Identity, bias: false), new LayerSpec(5, Activation.Softmax) }, 0);
            Assert.That(m.ParameterCount, Is.EqualTo(3 * 4 + 4 + 4 * 2 + 2 * 5 + 5));
            Assert.That(m.GetLayout(0).WeightOffset, Is.EqualTo(0));
            Assert.That(m.GetLayout(0).BiasOffset, Is.EqualTo(12));
            Assert.That(m.GetLayout(1).WeightOffset, Is.EqualTo(16));
            Assert.That(m.GetLayout(1).HasBias, Is.False);
            Assert.That(m.GetLayout(2).WeightOffset, Is.EqualTo(24));
            Assert.That(m.GetLayout(2).BiasOffset, Is.EqualTo(34));
            Assert.That(m.GetBias(1).Length, Is.EqualTo(0));
            m.GetWeights(2)[1 * 2 + 1] = 42f; // W2[1, 1]
            Assert.That(m.Parameters[24 + 3], Is.EqualTo(42f));
        }
    }
}
