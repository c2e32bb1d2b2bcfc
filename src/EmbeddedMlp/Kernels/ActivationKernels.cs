using System;
using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;

namespace EmbeddedMlp.Kernels
{
    /// <summary>
    /// Element-wise activations in place (tanh and sigmoid; the rectifiers run inline in the products' epilogue), and
    /// every activation's backward pass written in terms of its <em>output</em> y = f(z), so a layer need only keep
    /// its outputs: relu'(z) = [y &gt; 0], tanh'(z) = 1 − y², sigmoid'(z) = y(1 − y).
    /// </summary>
    internal static unsafe class ActivationKernels
    {
        /// <summary>Slope of leaky relu for negative inputs (PyTorch's default).</summary>
        public const float LeakySlope = 0.01f;

        /// <summary>
        /// x = tanh(x): eight at a time on the <see cref="KernelPath.Vector256"/> path, else <c>MathF.Tanh</c>; in the
        /// deterministic mode <see cref="DeterministicMath.Tanh(Span{float})"/> (the same bits on every path).
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void Tanh(Span<float> x)
        {
            if (KernelDispatch.Deterministic)
            {
                DeterministicMath.Tanh(x);
                return;
            }
#if NET8_0_OR_GREATER
            if (KernelDispatch.Active == KernelPath.Vector256)
            {
                fixed (float* p = &MemoryMarshal.GetReference(x)) TranscendentalKernels256.Tanh(p, x.Length);
                return;
            }
#endif
            for (int i = 0; i < x.Length; i++) x[i] = MathF.Tanh(x[i]);
        }

        /// <summary>
        /// x = 1 / (1 + e^−x): eight at a time on the <see cref="KernelPath.Vector256"/> path (results below 2^−126, for
        /// x &lt; −87, flushed to 0), else a scalar loop written without overflow for large |x|; in the deterministic mode
        /// <see cref="DeterministicMath.Sigmoid(Span{float})"/>.
        /// </summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void Sigmoid(Span<float> x)
        {
            if (KernelDispatch.Deterministic)
            {
                DeterministicMath.Sigmoid(x);
                return;
            }
#if NET8_0_OR_GREATER
            if (KernelDispatch.Active == KernelPath.Vector256)
            {
                fixed (float* p = &MemoryMarshal.GetReference(x)) TranscendentalKernels256.Sigmoid(p, x.Length);
                return;
            }
#endif
            for (int i = 0; i < x.Length; i++)
            {
                float v = x[i];
                if (v >= 0f) x[i] = 1f / (1f + MathF.Exp(-v));
                else { float e = MathF.Exp(v); x[i] = e / (1f + e); }
            }
        }

        /// <summary>d ⊙= relu'(z) with y = relu(z): d = y &gt; 0 ? d : 0.</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void ReluBackward(ReadOnlySpan<float> y, Span<float> d) => StepBackward(y, d, 0f);

        /// <summary>d ⊙= leaky_relu'(z) with y = leaky_relu(z): d = y &gt; 0 ? d : 0.01·d.</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void LeakyReluBackward(ReadOnlySpan<float> y, Span<float> d) => StepBackward(y, d, LeakySlope);

        [MethodImpl(KernelHints.Optimize)]
        private static void StepBackward(ReadOnlySpan<float> y, Span<float> d, float negative)
        {
            CheckSameLength(y, d);
            fixed (float* py = &MemoryMarshal.GetReference(y))
            fixed (float* pd = &MemoryMarshal.GetReference(d))
            {
                int n = d.Length, i = 0;
                if (KernelDispatch.UseVector)
                {
                    int w = Vector<float>.Count;
                    var neg = new Vector<float>(negative);
                    for (; i <= n - w; i += w)
                    {
                        var dv = *(Vector<float>*)(pd + i);
                        var mask = Vector.GreaterThan(*(Vector<float>*)(py + i), Vector<float>.Zero);
                        // Relu selects 0 (as PyTorch's threshold_backward) so an infinite d gives 0, not NaN.
                        *(Vector<float>*)(pd + i) = Vector.ConditionalSelect(mask, dv, negative == 0f ? Vector<float>.Zero : dv * neg);
                    }
                }
                for (; i < n; i++) pd[i] = py[i] > 0f ? pd[i] : negative == 0f ? 0f : (float)(pd[i] * negative);
            }
        }

        /// <summary>d ⊙= 1 − y² (y = tanh(z)).</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void TanhBackward(ReadOnlySpan<float> y, Span<float> d)
        {
            CheckSameLength(y, d);
            fixed (float* py = &MemoryMarshal.GetReference(y))
            fixed (float* pd = &MemoryMarshal.GetReference(d))
            {
                int n = d.Length, i = 0;
                if (KernelDispatch.UseVector)
                {
                    int w = Vector<float>.Count;
                    for (; i <= n - w; i += w)
                    {
                        var yv = *(Vector<float>*)(py + i);
                        *(Vector<float>*)(pd + i) *= Vector<float>.One - yv * yv;
                    }
                }
                for (; i < n; i++) pd[i] = (float)(pd[i] * (float)(1f - (float)(py[i] * py[i])));
            }
        }

        /// <summary>d ⊙= y(1 − y) (y = sigmoid(z)).</summary>
        [MethodImpl(KernelHints.Optimize)]
        public static void SigmoidBackward(ReadOnlySpan<float> y, Span<float> d)
        {
            CheckSameLength(y, d);
            fixed (float* py = &MemoryMarshal.GetReference(y))
            fixed (float* pd = &MemoryMarshal.GetReference(d))
            {
                int n = d.Length, i = 0;
                if (KernelDispatch.UseVector)
                {
                    int w = Vector<float>.Count;
                    for (; i <= n - w; i += w)
                    {
                        var yv = *(Vector<float>*)(py + i);
                        *(Vector<float>*)(pd + i) *= yv * (Vector<float>.One - yv);
                    }
                }
                for (; i < n; i++) pd[i] = (float)(pd[i] * (float)(py[i] * (float)(1f - py[i])));
            }
        }

        [MethodImpl(KernelHints.Optimize)]
        private static void CheckSameLength(ReadOnlySpan<float> y, Span<float> d)
        {
            if (y.Length != d.Length)
                throw new ArgumentException($"d: expected the length of y ({y.Length}), found {d.Length}.", nameof(d));
        }
    }
}
