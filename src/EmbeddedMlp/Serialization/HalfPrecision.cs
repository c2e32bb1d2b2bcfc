using System;

namespace EmbeddedMlp.Serialization
{
    /// <summary>
    /// IEEE 754 binary16 ⇄ binary32 conversion by bit manipulation, for runtimes without <c>System.Half</c>
    /// (netstandard2.1, Unity). Float → half rounds to nearest, ties to even; overflow gives ±∞; NaN stays NaN
    /// (quiet, top payload bits kept). Half → float is exact.
    /// </summary>
    public static class HalfPrecision
    {
        /// <summary>The binary16 bit pattern nearest to <paramref name="value"/> (ties to even).</summary>
        public static ushort ToHalfBits(float value)
        {
            uint bits = (uint)BitConverter.SingleToInt32Bits(value);
            uint sign = (bits >> 16) & 0x8000u;
            uint abs = bits & 0x7FFFFFFFu;

            if (abs >= 0x7F800000u) // ∞ or NaN
                return (ushort)(abs == 0x7F800000u ? sign | 0x7C00u : sign | 0x7E00u | ((abs & 0x7FFFFFu) >> 13));
            if (abs >= 0x477FF000u) // ≥ 65520 = halfway between 65504 (odd mantissa) and 2^16: rounds to ∞
                return (ushort)(sign | 0x7C00u);

            uint exponent = abs >> 23;
            if (exponent < 113) // below 2^-14: a half subnormal (units of 2^-24) or zero
            {
                if (exponent < 102) return (ushort)sign; // < 2^-25: rounds to zero (2^-25 itself is a tie to 0)
                uint mantissa = (abs & 0x7FFFFFu) | 0x800000u; // value = mantissa · 2^(exponent − 150)
                int shift = 126 - (int)exponent;               // 14..24
                return (ushort)(sign | RoundShift(mantissa, shift));
            }

            // Normal: rebias the exponent (127 → 15), keep 10 mantissa bits, round the 13 dropped ones.
            uint q = ((exponent - 112) << 10) | ((abs & 0x7FFFFFu) >> 13);
            uint rest = abs & 0x1FFFu;
            if (rest > 0x1000u || (rest == 0x1000u && (q & 1) != 0)) q++; // a carry into the exponent is correct
            return (ushort)(sign | q);
        }

        /// <summary>The binary32 value of the binary16 bit pattern <paramref name="half"/> (exact).</summary>
        public static float FromHalfBits(ushort half)
        {
            uint sign = (uint)(half & 0x8000) << 16;
            uint exponent = (uint)(half >> 10) & 0x1Fu;
            uint mantissa = half & 0x3FFu;
            uint bits;
            if (exponent == 0x1F)
                bits = mantissa == 0 ? sign | 0x7F800000u : sign | 0x7FC00000u | (mantissa << 13);
            else if (exponent != 0)
                bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
            else if (mantissa == 0)
                bits = sign;
            else
            {
                // Subnormal: mantissa · 2^-24; normalise so the leading 1 becomes the implicit bit.
                int e = 113; // exponent field of 2^-14, the weight of bit 10
                while ((mantissa & 0x400u) == 0) { mantissa <<= 1; e--; }
                bits = sign | ((uint)e << 23) | ((mantissa & 0x3FFu) << 13);
            }
            return BitConverter.Int32BitsToSingle((int)bits);
        }

        /// <summary>True when the binary16 pattern is NaN or ±∞.</summary>
        public static bool IsNonFinite(ushort half) => (half & 0x7C00) == 0x7C00;

        private static uint RoundShift(uint value, int shift)
        {
            uint q = value >> shift;
            uint rest = value & ((1u << shift) - 1);
            uint halfway = 1u << (shift - 1);
            if (rest > halfway || (rest == halfway && (q & 1) != 0)) q++;
            return q;
        }
    }
}
