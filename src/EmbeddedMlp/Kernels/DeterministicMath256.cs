#if NET8_0_OR_GREATER
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EmbeddedMlp.Kernels
{
    /// <summary>
    /// <see cref="DeterministicMath"/>'s exp, ln, tanh and sigmoid eight lanes at a time (AVX + AVX2 integer operations,
    /// never FMA). Each lane runs exactly the scalar function's sequence of single-precision operations, with the same
    /// constants; the scalar branches become computing both sides and selecting with a compare and
    /// <c>BlendVariable</c> (a compare is false for NaN, like the scalar <c>&lt;</c>), so every result is bit-identical
    /// to the scalar function's, NaN lanes up to their payload. See <see cref="DeterministicMath"/> for the methods,
    /// accuracy and special values.
    /// </summary>
    internal static unsafe class DeterministicMath256
    {
        private const FloatComparisonMode Less = FloatComparisonMode.OrderedLessThanNonSignaling;
        private const FloatComparisonMode Greater = FloatComparisonMode.OrderedGreaterThanNonSignaling;
        private const FloatComparisonMode IsNaN = FloatComparisonMode.UnorderedNonSignaling;

        /// <summary>e^x per lane: <see cref="DeterministicMath.Exp(float)"/>.</summary>
        [MethodImpl(KernelHints.Inline)]
        public static Vector256<float> Exp(Vector256<float> x)
        {
            Vector256<float> high = Vector256.Create(DeterministicMath.ExpHigh);
            Vector256<float> low = Vector256.Create(DeterministicMath.ExpLow);
            Vector256<float> c = Avx.BlendVariable(high, x, Avx.Compare(x, high, Less));
            c = Avx.BlendVariable(low, c, Avx.Compare(c, low, Greater));
            Vector256<float> y = ExpCore(c);
            y = Avx.AndNot(Avx.Compare(y, Vector256.Create(DeterministicMath.MinNormal), Less), y);
            return Avx.BlendVariable(y, x, Avx.Compare(x, x, IsNaN));
        }

        /// <summary><see cref="DeterministicMath.ExpCore"/> per lane.</summary>
        [MethodImpl(KernelHints.Inline)]
        private static Vector256<float> ExpCore(Vector256<float> c)
        {
            Vector256<float> magic = Vector256.Create(DeterministicMath.Magic);
            Vector256<float> t = Avx.Multiply(c, Vector256.Create(DeterministicMath.Log2E));
            Vector256<float> k = Avx.Add(t, magic);
            Vector256<float> n = Avx.Subtract(k, magic);
            Vector256<int> ni = Avx2.Subtract(k.AsInt32(), Vector256.Create(DeterministicMath.MagicBits));
            Vector256<float> r = Avx.Subtract(c, Avx.Multiply(n, Vector256.Create(DeterministicMath.Ln2Hi)));
            r = Avx.Subtract(r, Avx.Multiply(n, Vector256.Create(DeterministicMath.Ln2Lo)));
            Vector256<float> p = Avx.Add(Avx.Multiply(Vector256.Create(DeterministicMath.E6), r), Vector256.Create(DeterministicMath.E5));
            p = Avx.Add(Avx.Multiply(p, r), Vector256.Create(DeterministicMath.E4));
            p = Avx.Add(Avx.Multiply(p, r), Vector256.Create(DeterministicMath.E3));
            p = Avx.Add(Avx.Multiply(p, r), Vector256.Create(DeterministicMath.E2));
            Vector256<float> rr = Avx.Multiply(r, r);
            p = Avx.Multiply(rr, p);
            p = Avx.Add(r, p);
            p = Avx.Add(Vector256.Create(1f), p);
            Vector256<int> bias = Vector256.Create(127);
            Vector256<int> h = Avx2.ShiftRightArithmetic(ni, 1);
            Vector256<float> s1 = Avx2.ShiftLeftLogical(Avx2.Add(h, bias), 23).AsSingle();
            Vector256<float> s2 = Avx2.ShiftLeftLogical(Avx2.Add(Avx2.Subtract(ni, h), bias), 23).AsSingle();
            return Avx.Multiply(Avx.Multiply(p, s1), s2);
        }

        /// <summary>ln x per lane: <see cref="DeterministicMath.Log(float)"/>.</summary>
        [MethodImpl(KernelHints.Inline)]
        public static Vector256<float> Log(Vector256<float> x)
        {
            Vector256<int> bits = x.AsInt32();
            Vector256<int> subnormal = Avx2.CompareGreaterThan(Vector256.Create(0x00800000), bits);
            Vector256<int> renormalised = Avx.ConvertToVector256Single(bits).AsInt32();
            Vector256<int> ib = Vector256.ConditionalSelect(subnormal, renormalised, bits);
            Vector256<int> kAdjust = Avx2.And(subnormal, Vector256.Create(-149));
            Vector256<int> sqrtHalf = Vector256.Create(DeterministicMath.SqrtHalfBits);
            Vector256<int> ix = Avx2.Subtract(ib, sqrtHalf);
            Vector256<int> k = Avx2.Add(Avx2.ShiftRightArithmetic(ix, 23), kAdjust);
            Vector256<float> m = Avx2.Add(Avx2.And(ix, Vector256.Create(0x007FFFFF)), sqrtHalf).AsSingle();
            Vector256<float> f = Avx.Subtract(m, Vector256.Create(1f));
            Vector256<float> s = Avx.Divide(f, Avx.Add(Vector256.Create(2f), f));
            Vector256<float> z = Avx.Multiply(s, s);
            Vector256<float> R = Avx.Add(Avx.Multiply(Vector256.Create(DeterministicMath.L3), z), Vector256.Create(DeterministicMath.L2));
            R = Avx.Add(Avx.Multiply(R, z), Vector256.Create(DeterministicMath.L1));
            R = Avx.Multiply(R, z);
            Vector256<float> hfsq = Avx.Multiply(Avx.Multiply(Vector256.Create(0.5f), f), f);
            Vector256<float> kf = Avx.ConvertToVector256Single(k);
            Vector256<float> y = Avx.Add(hfsq, R);
            y = Avx.Multiply(s, y);
            y = Avx.Add(y, Avx.Multiply(kf, Vector256.Create(DeterministicMath.Ln2Lo)));
            y = Avx.Subtract(hfsq, y);
            y = Avx.Subtract(y, f);
            y = Avx.Subtract(Avx.Multiply(kf, Vector256.Create(DeterministicMath.Ln2Hi)), y);
            y = Avx.BlendVariable(y, x, Avx2.CompareGreaterThan(bits, Vector256.Create(0x7F7FFFFF)).AsSingle());
            y = Avx.BlendVariable(y, Vector256.Create(float.NaN), Avx2.CompareGreaterThan(Vector256<int>.Zero, bits).AsSingle());
            Vector256<int> zero = Avx2.CompareEqual(Avx2.And(bits, Vector256.Create(0x7FFFFFFF)), Vector256<int>.Zero);
            return Avx.BlendVariable(y, Vector256.Create(float.NegativeInfinity), zero.AsSingle());
        }

        /// <summary>tanh x per lane: <see cref="DeterministicMath.Tanh(float)"/>.</summary>
        [MethodImpl(KernelHints.Inline)]
        public static Vector256<float> Tanh(Vector256<float> x)
        {
            Vector256<float> sign = Avx.And(x, Vector256.Create(-0f));
            Vector256<float> a = Avx.AndNot(Vector256.Create(-0f), x);
            // a < 0.625: a + (a·z)·P(z).
            Vector256<float> z = Avx.Multiply(a, a);
            Vector256<float> q = Avx.Add(Avx.Multiply(Vector256.Create(DeterministicMath.T5), z), Vector256.Create(DeterministicMath.T4));
            q = Avx.Add(Avx.Multiply(q, z), Vector256.Create(DeterministicMath.T3));
            q = Avx.Add(Avx.Multiply(q, z), Vector256.Create(DeterministicMath.T2));
            q = Avx.Add(Avx.Multiply(q, z), Vector256.Create(DeterministicMath.T1));
            q = Avx.Multiply(Avx.Multiply(a, z), q);
            Vector256<float> small = Avx.Add(a, q);
            // Otherwise: 1 − 2/(e^{2a} + 1), 2a capped.
            Vector256<float> cap = Vector256.Create(DeterministicMath.TanhCap);
            Vector256<float> a2 = Avx.Add(a, a);
            a2 = Avx.BlendVariable(cap, a2, Avx.Compare(a2, cap, Less));
            Vector256<float> d = Avx.Add(ExpCore(a2), Vector256.Create(1f));
            Vector256<float> large = Avx.Subtract(Vector256.Create(1f), Avx.Divide(Vector256.Create(2f), d));
            Vector256<float> y = Avx.BlendVariable(large, small, Avx.Compare(a, Vector256.Create(DeterministicMath.TanhSmall), Less));
            y = Avx.Or(y, sign);
            Vector256<float> keep = Avx.Or(Avx.Compare(x, x, IsNaN), Avx.Compare(a, Vector256.Create(DeterministicMath.TanhTiny), Less));
            return Avx.BlendVariable(y, x, keep);
        }

        /// <summary>1/(1 + e^−x) per lane: <see cref="DeterministicMath.Sigmoid(float)"/>.</summary>
        [MethodImpl(KernelHints.Inline)]
        public static Vector256<float> Sigmoid(Vector256<float> x)
        {
            Vector256<float> low = Vector256.Create(DeterministicMath.ExpLow);
            Vector256<float> m = Avx.Or(x, Vector256.Create(-0f)); // −|x|
            m = Avx.BlendVariable(low, m, Avx.Compare(m, low, Greater));
            Vector256<float> e = ExpCore(m);
            e = Avx.AndNot(Avx.Compare(e, Vector256.Create(DeterministicMath.MinNormal), Less), e);
            Vector256<float> one = Vector256.Create(1f);
            Vector256<float> num = Avx.BlendVariable(one, e, Avx.Compare(x, Vector256<float>.Zero, Less));
            Vector256<float> y = Avx.Divide(num, Avx.Add(one, e));
            return Avx.BlendVariable(y, x, Avx.Compare(x, x, IsNaN));
        }

        /// <summary>e^x in place on the whole vectors of <paramref name="x"/>; returns how many elements were done (a
        /// multiple of 8), the caller does the rest with the scalar function.</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static int Exp(Span<float> x)
        {
            int n = x.Length & ~7;
            fixed (float* p = &MemoryMarshal.GetReference(x))
                for (int i = 0; i < n; i += 8) Avx.Store(p + i, Exp(Avx.LoadVector256(p + i)));
            return n;
        }

        /// <summary>tanh in place on the whole vectors of <paramref name="x"/>; returns how many elements were done.</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static int Tanh(Span<float> x)
        {
            int n = x.Length & ~7;
            fixed (float* p = &MemoryMarshal.GetReference(x))
                for (int i = 0; i < n; i += 8) Avx.Store(p + i, Tanh(Avx.LoadVector256(p + i)));
            return n;
        }

        /// <summary>Sigmoid in place on the whole vectors of <paramref name="x"/>; returns how many elements were done.</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static int Sigmoid(Span<float> x)
        {
            int n = x.Length & ~7;
            fixed (float* p = &MemoryMarshal.GetReference(x))
                for (int i = 0; i < n; i += 8) Avx.Store(p + i, Sigmoid(Avx.LoadVector256(p + i)));
            return n;
        }
    }
}
#endif
