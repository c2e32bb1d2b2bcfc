using System;

namespace EmbeddedMlp.Kernels
{
    /// <summary>Row-wise softmax and the softmax-cross-entropy pieces, numerically stable (max subtracted).</summary>
    public static class Softmax
    {
        /// <summary>
        /// In place, each of <paramref name="rows"/> rows of width <paramref name="cols"/> becomes softmax(row).
        /// Returns nothing; a row containing NaN or +Inf yields NaN probabilities (reported as a non-finite loss).
        /// </summary>
        public static void Rows(Span<float> x, int rows, int cols)
        {
            Guard.Dimensions(rows, cols, 0);
            Guard.AtLeast(x.Length, (long)rows * cols, nameof(x), rows, cols);
            for (int r = 0; r < rows; r++)
            {
                Span<float> row = x.Slice(r * cols, cols);
                float max = float.NegativeInfinity;
                for (int j = 0; j < row.Length; j++) if (row[j] > max || float.IsNaN(row[j])) max = row[j];
                float sum = 0f;
                for (int j = 0; j < row.Length; j++)
                {
                    float e = MathF.Exp(row[j] - max);
                    row[j] = e;
                    sum += e;
                }
                float inv = 1f / sum;
                for (int j = 0; j < row.Length; j++) row[j] *= inv;
            }
        }
    }
}
