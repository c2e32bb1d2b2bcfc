using System;

namespace EmbeddedMlp.Tests.Reference
{
    /// <summary>
    /// The losses straight from their definitions, in double precision, as functions of what the network outputs
    /// (logits z for the categorical ones, outputs y otherwise), sharing no code with the runtime: the reference whose
    /// central differences check the gradients of <c>Losses</c> and <c>PolicyLosses</c>.
    /// </summary>
    internal static class ReferenceLosses
    {
        public static double[] Softmax(double[] z, int rows, int cols)
        {
            var p = new double[z.Length];
            for (int r = 0; r < rows; r++)
            {
                double max = double.NegativeInfinity, sum = 0;
                for (int j = 0; j < cols; j++) max = Math.Max(max, z[r * cols + j]);
                for (int j = 0; j < cols; j++) sum += Math.Exp(z[r * cols + j] - max);
                for (int j = 0; j < cols; j++) p[r * cols + j] = Math.Exp(z[r * cols + j] - max) / sum;
            }
            return p;
        }

        public static double CrossEntropy(double[] z, int rows, int cols, int[] classes, double[]? w)
        {
            double[] p = Softmax(z, rows, cols);
            double total = 0;
            for (int r = 0; r < rows; r++) total += (w == null ? 1 : w[r]) * -Math.Log(p[r * cols + classes[r]]);
            return total / rows;
        }

        public static double CrossEntropy(double[] z, int rows, int cols, double[] targets, double[]? w)
        {
            double[] p = Softmax(z, rows, cols);
            double total = 0;
            for (int r = 0; r < rows; r++)
            {
                double row = 0;
                for (int j = 0; j < cols; j++) row -= targets[r * cols + j] * Math.Log(p[r * cols + j]);
                total += (w == null ? 1 : w[r]) * row;
            }
            return total / rows;
        }

        public static double MeanSquaredError(double[] y, double[] t, int rows, double[]? w)
        {
            int cols = y.Length / rows;
            double total = 0;
            for (int i = 0; i < y.Length; i++) total += (w == null ? 1 : w[i / cols]) * (y[i] - t[i]) * (y[i] - t[i]);
            return total / y.Length;
        }

        public static double Huber(double[] y, int[] selected, double[] t, double delta, double[]? w)
        {
            int rows = selected.Length, cols = y.Length / rows;
            double total = 0;
            for (int r = 0; r < rows; r++)
            {
                double e = Math.Abs(y[r * cols + selected[r]] - t[r]);
                total += (w == null ? 1 : w[r]) * (e < delta ? 0.5 * e * e : delta * (e - 0.5 * delta));
            }
            return total / rows;
        }

        private static double Entropy(double[] p, int o, int cols)
        {
            double h = 0;
            for (int j = 0; j < cols; j++) if (p[o + j] > 0) h -= p[o + j] * Math.Log(p[o + j]);
            return h;
        }

        /// <summary>(1/N)Σ[−A·ln π(a) − β·H] from logits, or PPO's (1/N)Σ[max(−A·r, −A·clip(r)) − β·H] when old is given.</summary>
        public static double Categorical(double[] z, int rows, int cols, int[] actions, double[] adv, double[]? oldLogP, double eps, double beta)
        {
            double[] p = Softmax(z, rows, cols);
            double total = 0;
            for (int r = 0; r < rows; r++)
            {
                double logP = Math.Log(p[r * cols + actions[r]]);
                double term;
                if (oldLogP == null) term = -adv[r] * logP;
                else
                {
                    double ratio = Math.Exp(logP - oldLogP[r]);
                    term = Math.Max(-adv[r] * ratio, -adv[r] * Math.Min(Math.Max(ratio, 1 - eps), 1 + eps));
                }
                total += term - beta * Entropy(p, r * cols, cols);
            }
            return total / rows;
        }

        public static double GaussianLogDensity(double[] y, double[] a, int r, int dims)
        {
            double lp = 0;
            for (int d = 0; d < dims; d++)
            {
                double mu = y[r * 2 * dims + d], logStd = y[r * 2 * dims + dims + d], sigma = Math.Exp(logStd);
                double u = (a[r * dims + d] - mu) / sigma;
                lp += -0.5 * u * u - logStd - 0.5 * Math.Log(2 * Math.PI);
            }
            return lp;
        }

        public static double Gaussian(double[] y, double[] a, int rows, int dims, double[] adv, double[]? oldLogP, double eps, double beta)
        {
            double total = 0;
            for (int r = 0; r < rows; r++)
            {
                double lp = GaussianLogDensity(y, a, r, dims), entropy = 0;
                for (int d = 0; d < dims; d++) entropy += y[r * 2 * dims + dims + d] + 0.5 * (1 + Math.Log(2 * Math.PI));
                double term;
                if (oldLogP == null) term = -adv[r] * lp;
                else
                {
                    double ratio = Math.Exp(lp - oldLogP[r]);
                    term = Math.Max(-adv[r] * ratio, -adv[r] * Math.Min(Math.Max(ratio, 1 - eps), 1 + eps));
                }
                total += term - beta * entropy;
            }
            return total / rows;
        }

        public static double Value(double[] v, double[] ret, double[]? old, double clip)
        {
            double total = 0;
            for (int r = 0; r < v.Length; r++)
            {
                double sq = (v[r] - ret[r]) * (v[r] - ret[r]);
                if (old != null)
                {
                    double vc = old[r] + Math.Min(Math.Max(v[r] - old[r], -clip), clip);
                    sq = Math.Max(sq, (vc - ret[r]) * (vc - ret[r]));
                }
                total += sq;
            }
            return 0.5 * total / v.Length;
        }
    }
}
