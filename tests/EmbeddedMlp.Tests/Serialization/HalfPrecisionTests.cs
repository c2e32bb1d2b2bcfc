using System;
using EmbeddedMlp.Serialization;
using NUnit.Framework;

namespace EmbeddedMlp.Tests.Serialization
{
    /// <summary>Our binary16 conversion against <see cref="System.Half"/> (the reference on net10) and hand-picked cases.</summary>
    [TestFixture]
    public class HalfPrecisionTests
    {
        private static int Bits(float f) => BitConverter.SingleToInt32Bits(f);

#if NET5_0_OR_GREATER // System.Half is the reference; it does not exist in Unity's netstandard2.1 profile
        [Test]
        public void AllHalfValuesConvertToFloatExactlyAsSystemHalf()
        {
            int mismatches = 0;
            for (int h = 0; h <= 0xFFFF; h++)
            {
                float ours = HalfPrecision.FromHalfBits((ushort)h);
                float reference = (float)BitConverter.UInt16BitsToHalf((ushort)h);
                bool same = float.IsNaN(reference) ? float.IsNaN(ours) && ((Bits(ours) ^ (h << 16)) & unchecked((int)0x80000000)) == 0 : Bits(ours) == Bits(reference);
                if (!same && mismatches++ < 5) TestContext.Out.WriteLine($"0x{h:x4}: ours {ours} reference {reference}");
            }
            Assert.That(mismatches, Is.EqualTo(0));
        }

        [Test]
        public void AllHalfValuesRoundTripThroughFloat()
        {
            int mismatches = 0;
            for (int h = 0; h <= 0xFFFF; h++)
            {
                float f = HalfPrecision.FromHalfBits((ushort)h);
                ushort back = HalfPrecision.ToHalfBits(f);
                bool nan = (h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0;
                // NaNs come back as NaNs of the same sign (quieted); everything else bit for bit.
                bool same = nan ? (back & 0x7C00) == 0x7C00 && (back & 0x3FF) != 0 && (back & 0x8000) == (h & 0x8000) : back == h;
                if (!same) mismatches++;
                // And float → half agrees with System.Half on the exact values.
                if (!nan && BitConverter.HalfToUInt16Bits((Half)f) != back) mismatches++;
            }
            Assert.That(mismatches, Is.EqualTo(0));
        }

        [Test]
        public void EveryTieAndItsNeighboursRoundLikeSystemHalf()
        {
            // For each pair of adjacent finite halves: the midpoint (a tie: to even), and one float ulp either side.
            int mismatches = 0;
            for (int h = 0; h < 0x7C00; h++)
            {
                double lo = (double)HalfPrecision.FromHalfBits((ushort)h);
                double hi = h == 0x7BFF ? 65536.0 : (double)HalfPrecision.FromHalfBits((ushort)(h + 1));
                float mid = (float)((lo + hi) / 2); // exact: halves have 11 significant bits
                foreach (float x in new[] { mid, BitConverter.Int32BitsToSingle(Bits(mid) - 1), BitConverter.Int32BitsToSingle(Bits(mid) + 1) })
                    foreach (float s in new[] { x, -x })
                        if (HalfPrecision.ToHalfBits(s) != BitConverter.HalfToUInt16Bits((Half)s)) mismatches++;
            }
            Assert.That(mismatches, Is.EqualTo(0));
        }

        [Test]
        public void SampledFloatsAcrossTheWholeRangeRoundLikeSystemHalf()
        {
            int mismatches = 0;
            for (long bits = 0; bits <= uint.MaxValue; bits += 4093)
            {
                float f = BitConverter.Int32BitsToSingle((int)(uint)bits);
                ushort ours = HalfPrecision.ToHalfBits(f);
                ushort reference = BitConverter.HalfToUInt16Bits((Half)f);
                bool same = float.IsNaN(f) ? HalfPrecision.IsNonFinite(ours) && (ours & 0x3FF) != 0 && (ours & 0x8000) == (reference & 0x8000) : ours == reference;
                if (!same) mismatches++;
            }
            Assert.That(mismatches, Is.EqualTo(0));
        }

        // Hand-picked cases, each checked against a value worked out by hand (not by another converter).
#endif

        [TestCase(0f, 0x0000)]
        [TestCase(-0f, 0x8000)]
        [TestCase(1f, 0x3C00)]
        [TestCase(-2f, 0xC000)]
        [TestCase(0.5f, 0x3800)]
        [TestCase(65504f, 0x7BFF)]                  // largest half
        [TestCase(65519.996f, 0x7BFF)]              // just below the tie with 2^16: rounds down
        [TestCase(65520f, 0x7C00)]                  // the tie: 65504's mantissa is odd, so it goes to ∞
        [TestCase(1e10f, 0x7C00)]
        [TestCase(float.PositiveInfinity, 0x7C00)]
        [TestCase(float.NegativeInfinity, 0xFC00)]
        [TestCase(6.10351562e-05f, 0x0400)]         // 2^-14, smallest normal
        [TestCase(5.96046448e-08f, 0x0001)]         // 2^-24, smallest subnormal
        [TestCase(2.98023224e-08f, 0x0000)]         // 2^-25: tie between 0 and 2^-24, to even (0)
        [TestCase(2.98023259e-08f, 0x0001)]         // just above 2^-25: up
        [TestCase(8.94069672e-08f, 0x0002)]         // 1.5·2^-24: tie between 1 and 2 units, to even (2)
        [TestCase(1.00048828125f, 0x3C00)]          // 1 + 2^-11: tie between 1 and 1+2^-10, to even (1)
        [TestCase(1.00146484375f, 0x3C02)]          // 1 + 3·2^-11: tie between 1+2^-10 and 1+2^-9, to even
        [TestCase(6.09755516e-05f, 0x03FF)]         // 1023·2^-24, the largest subnormal
        [TestCase(6.1029e-05f, 0x0400)]             // ≈1023.9·2^-24, just below 2^-14: rounds up into the normals
        public void HandPickedFloatsRoundAsWorkedOut(float value, int expected)
        {
            Assert.That(HalfPrecision.ToHalfBits(value), Is.EqualTo((ushort)expected));
        }

        [Test]
        public void NaNStaysNaN()
        {
            ushort h = HalfPrecision.ToHalfBits(float.NaN);
            Assert.That(HalfPrecision.IsNonFinite(h) && (h & 0x3FF) != 0, Is.True);
            Assert.That(float.IsNaN(HalfPrecision.FromHalfBits(0x7E00)), Is.True);
            Assert.That(HalfPrecision.FromHalfBits(0x7C00), Is.EqualTo(float.PositiveInfinity));
            Assert.That(HalfPrecision.FromHalfBits(0x0001), Is.EqualTo(5.96046448e-08f));
            Assert.That(HalfPrecision.FromHalfBits(0x03FF), Is.EqualTo(6.09755516e-05f));
        }
    }
}
