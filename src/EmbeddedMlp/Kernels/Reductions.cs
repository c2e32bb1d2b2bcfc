using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace EmbeddedMlp.Kernels
{
    /// <summary>Reductions and element-wise helpers over flat spans.</summary>
    public static unsafe class Reductions
    {
        /// <summary>dst[j] (+)= Σ_r x[r, j] over a rows×cols row-major matrix (the bias gradient).</summary>
        public static void SumColumns(ReadOnlySpan<float> x, int rows, int cols, Span<float> dst, bool accumulate)
        {
            Guard.Dimensions(rows, cols, 0);
            Guard.AtLeast(x.Length, rows, cols, nameof(x));
            Guard.AtLeast(dst.Length, 1, cols, nameof(dst));
            if (!accumulate) dst.Slice(0, cols).Clear();
            fixed (float* px = &MemoryMarshal.GetReference(x))
            fixed (float* pd = &MemoryMarshal.GetReference(dst))
            {
                bool vector = KernelDispatch.UseVector;
                int w = Vector<float>.Count;
                for (int r = 0; r < rows; r++)
                {
                    float* xr = px + (long)r * cols;
                    int j = 0;
                    if (vector)
                        for (; j <= cols - w; j += w) *(Vector<float>*)(pd + j) += *(Vector<float>*)(xr + j);
                    for (; j < cols; j++) pd[j] += xr[j];
                }
            }
        }

        /// <summary>Σ x², accumulated in double so that large finite values do not overflow.</summary>
        public static double SumOfSquares(ReadOnlySpan<float> values)
        {
            Span<float> x = SpanAccess.View(values);
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int i = 0, n = x.Length;
            for (; i <= n - 4; i += 4)
            {
                double a = x[i], b = x[i + 1], c = x[i + 2], d = x[i + 3];
                s0 += a * a; s1 += b * b; s2 += c * c; s3 += d * d;
            }
            for (; i < n; i++) { double a = x[i]; s0 += a * a; }
            return (s0 + s1) + (s2 + s3);
        }

        /// <summary>x ⊙= s.</summary>
        public static void Scale(Span<float> x, float s)
        {
            fixed (float* p = &MemoryMarshal.GetReference(x))
            {
                int n = x.Length, i = 0;
                if (KernelDispatch.UseVector)
                {
                    int w = Vector<float>.Count;
                    var vs = new Vector<float>(s);
                    for (; i <= n - w; i += w) *(Vector<float>*)(p + i) *= vs;
                }
                for (; i < n; i++) p[i] *= s;
            }
        }

        /// <summary>Each row r of a rows×cols matrix is set to <paramref name="row"/> (e.g. a bias before accumulation).</summary>
        public static void BroadcastRows(ReadOnlySpan<float> row, Span<float> x, int rows, int cols)
        {
            Guard.AtLeast(row.Length, 1, cols, nameof(row));
            Guard.AtLeast(x.Length, rows, cols, nameof(x));
            for (int r = 0; r < rows; r++) row.Slice(0, cols).CopyTo(x.Slice(r * cols, cols));
        }
    }
}
