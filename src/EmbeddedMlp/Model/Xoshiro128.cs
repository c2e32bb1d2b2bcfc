using System;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Kernels;

namespace EmbeddedMlp
{
    /// <summary>
    /// The runtime's own PRNG: xoshiro128** (Blackman &amp; Vigna), seeded through SplitMix64. Integer-only, so the
    /// sequence is identical on every runtime (CoreCLR, Mono, IL2CPP). Floating-point draws use only IEEE-exact
    /// operations (+, −, ×, ÷, √) and a logarithm of our own, so they are bit-identical across runtimes too.
    /// A mutable struct: copy it to fork a stream, keep it in a field to advance it.
    /// </summary>
    public struct Xoshiro128
    {
        private uint _s0, _s1, _s2, _s3;

        /// <summary>Seeds the generator: the 64-bit seed is expanded with SplitMix64 into the 128-bit state.</summary>
        public Xoshiro128(ulong seed)
        {
            ulong x = seed;
            ulong a = SplitMix64(ref x), b = SplitMix64(ref x);
            _s0 = (uint)a; _s1 = (uint)(a >> 32); _s2 = (uint)b; _s3 = (uint)(b >> 32);
            if ((_s0 | _s1 | _s2 | _s3) == 0) _s0 = 1; // the all-zero state is the one fixed point
        }

        /// <summary>Restores a generator from a state saved with <see cref="GetState"/>.</summary>
        public static Xoshiro128 FromState(uint s0, uint s1, uint s2, uint s3)
        {
            if ((s0 | s1 | s2 | s3) == 0)
                throw new ArgumentException("state: expected at least one non-zero word, found all zero.", nameof(s0));
            var r = new Xoshiro128();
            r._s0 = s0; r._s1 = s1; r._s2 = s2; r._s3 = s3;
            return r;
        }

        /// <summary>The 128-bit state, for checkpoints.</summary>
        public void GetState(out uint s0, out uint s1, out uint s2, out uint s3)
        {
            s0 = _s0; s1 = _s1; s2 = _s2; s3 = _s3;
        }

        private static ulong SplitMix64(ref ulong x)
        {
            ulong z = x += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        private static uint Rotl(uint x, int k) => (x << k) | (x >> (32 - k));

        /// <summary>Next 32 random bits.</summary>
        [MethodImpl(KernelHints.Optimize)]
        public uint NextUInt32()
        {
            uint result = Rotl(_s1 * 5, 7) * 9;
            uint t = _s1 << 9;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = Rotl(_s3, 11);
            return result;
        }

        /// <summary>Uniform float in [0, 1) with 24 random bits (exact on every runtime).</summary>
        [MethodImpl(KernelHints.Optimize)]
        public float NextFloat() => (NextUInt32() >> 8) * (1.0f / 16777216.0f);

        /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
        [MethodImpl(KernelHints.Optimize)]
        public double NextDouble()
        {
            ulong hi = NextUInt32() >> 5, lo = NextUInt32() >> 6; // 27 + 26 bits
            return (hi * 67108864.0 + lo) * (1.0 / 9007199254740992.0);
        }

        /// <summary>Uniform integer in [0, bound) without modulo bias (Lemire's method).</summary>
        [MethodImpl(KernelHints.Optimize)]
        public int NextInt(int bound)
        {
            if (bound <= 0)
                throw new ArgumentOutOfRangeException(nameof(bound), bound, $"bound: expected at least 1, found {bound}.");
            ulong m = (ulong)NextUInt32() * (uint)bound;
            uint low = (uint)m;
            if (low < (uint)bound)
            {
                uint threshold = (uint)(-bound) % (uint)bound;
                while (low < threshold)
                {
                    m = (ulong)NextUInt32() * (uint)bound;
                    low = (uint)m;
                }
            }
            return (int)(m >> 32);
        }

        /// <summary>Standard normal draw (Marsaglia's polar method with a runtime-independent logarithm).</summary>
        [MethodImpl(KernelHints.Entry)]
        public double NextGaussian()
        {
            while (true)
            {
                double u = 2.0 * NextDouble() - 1.0, v = 2.0 * NextDouble() - 1.0;
                double s = u * u + v * v;
                if (s >= 1.0 || s == 0.0) continue;
                return u * Math.Sqrt(-2.0 * PortableMath.Log(s) / s);
            }
        }
    }
}
