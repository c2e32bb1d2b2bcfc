using System;
using EmbeddedMlp;

namespace EmbeddedMlp.Tests.Reference
{
    /// <summary>
    /// An independent double-precision scalar MLP: straight from the math (z = W·x + b per sample, textbook
    /// activations, log-sum-exp cross-entropy, mean squared error), sharing no code with the runtime. Used as the
    /// reference for forward results and, through finite differences, for gradients.
    /// </summary>
    internal sealed class ReferenceMlp
    {
        private readonly int _inputs;
        private readonly int[] _units;
        private readonly Activation[] _acts;
        private readonly bool[] _bias;

        public ReferenceMlp(Mlp model)
        {
            _inputs = model.InputCount;
            _units = new int[model.LayerCount];
            _acts = new Activation[model.LayerCount];
            _bias = new bool[model.LayerCount];
            for (int i = 0; i < model.LayerCount; i++)
            {
                _units[i] = model.Layers[i].Units;
                _acts[i] = model.Layers[i].Activation;
                _bias[i] = model.Layers[i].HasBias;
            }
        }

        /// <summary>Parameter arena layout per the documented contract: per layer W [units, fanIn] then b [units].</summary>
        private int WeightIndex(int layer, int unit, int input, out int biasIndex)
        {
            int offset = 0, fanIn = _inputs;
            for (int l = 0; l < layer; l++)
            {
                offset += _units[l] * fanIn + (_bias[l] ? _units[l] : 0);
                fanIn = _units[l];
            }
            biasIndex = _bias[layer] ? offset + _units[layer] * fanIn + unit : -1;
            return offset + unit * fanIn + input;
        }

        /// <summary>Output of the last layer (after its activation) for each row.</summary>
        public double[] Forward(double[] theta, double[] x, int rows, bool applyLastActivation = true)
        {
            double[] a = x;
            int fanIn = _inputs;
            for (int l = 0; l < _units.Length; l++)
            {
                int u = _units[l];
                var z = new double[rows * u];
                for (int r = 0; r < rows; r++)
                {
                    for (int j = 0; j < u; j++)
                    {
                        double s = 0;
                        int bi = -1;
                        for (int i = 0; i < fanIn; i++) s += theta[WeightIndex(l, j, i, out bi)] * a[r * fanIn + i];
                        if (bi >= 0) s += theta[bi];
                        z[r * u + j] = s;
                    }
                }
                bool last = l == _units.Length - 1;
                if (!last || applyLastActivation) Activate(_acts[l], z, rows, u);
                a = z;
                fanIn = u;
            }
            return a;
        }

        private static void Activate(Activation act, double[] z, int rows, int cols)
        {
            switch (act)
            {
                case Activation.Identity: return;
                case Activation.Relu: for (int i = 0; i < z.Length; i++) z[i] = z[i] > 0 ? z[i] : 0; return;
                case Activation.LeakyRelu: for (int i = 0; i < z.Length; i++) z[i] = z[i] > 0 ? z[i] : 0.01 * z[i]; return;
                case Activation.Tanh: for (int i = 0; i < z.Length; i++) z[i] = Math.Tanh(z[i]); return;
                case Activation.Sigmoid: for (int i = 0; i < z.Length; i++) z[i] = 1.0 / (1.0 + Math.Exp(-z[i])); return;
                case Activation.Softmax:
                    for (int r = 0; r < rows; r++)
                    {
                        double max = double.NegativeInfinity, sum = 0;
                        for (int j = 0; j < cols; j++) max = Math.Max(max, z[r * cols + j]);
                        for (int j = 0; j < cols; j++) sum += Math.Exp(z[r * cols + j] - max);
                        for (int j = 0; j < cols; j++) z[r * cols + j] = Math.Exp(z[r * cols + j] - max) / sum;
                    }
                    return;
                default: throw new ArgumentOutOfRangeException(nameof(act));
            }
        }

        /// <summary>Mean (weighted) softmax cross-entropy with class indices: (1/N)Σ w_i (lse(z_i) − z_i[y_i]).</summary>
        public double CrossEntropy(double[] theta, double[] x, int rows, int[] classes, double[]? weights)
        {
            int c = _units[_units.Length - 1];
            double[] z = Forward(theta, x, rows, applyLastActivation: false);
            double total = 0;
            for (int r = 0; r < rows; r++)
            {
                double lse = LogSumExp(z, r * c, c);
                total += (weights == null ? 1 : weights[r]) * (lse - z[r * c + classes[r]]);
            }
            return total / rows;
        }

        /// <summary>Mean (weighted) cross-entropy with probability targets: (1/N)Σ_i w_i Σ_j −y_ij log softmax_ij.</summary>
        public double CrossEntropy(double[] theta, double[] x, int rows, double[] targets, double[]? weights)
        {
            int c = _units[_units.Length - 1];
            double[] z = Forward(theta, x, rows, applyLastActivation: false);
            double total = 0;
            for (int r = 0; r < rows; r++)
            {
                double lse = LogSumExp(z, r * c, c), row = 0;
                for (int j = 0; j < c; j++) row -= targets[r * c + j] * (z[r * c + j] - lse);
                total += (weights == null ? 1 : weights[r]) * row;
            }
            return total / rows;
        }

        /// <summary>nn.MSELoss() (mean over all elements), each row's squared errors scaled by w_i.</summary>
        public double MeanSquaredError(double[] theta, double[] x, int rows, double[] targets, double[]? weights)
        {
            double[] y = Forward(theta, x, rows);
            int c = _units[_units.Length - 1];
            double total = 0;
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < c; j++)
                {
                    double e = y[r * c + j] - targets[r * c + j];
                    total += (weights == null ? 1 : weights[r]) * e * e;
                }
            return total / (rows * c);
        }

        private static double LogSumExp(double[] z, int offset, int count)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int j = 0; j < count; j++) max = Math.Max(max, z[offset + j]);
            for (int j = 0; j < count; j++) sum += Math.Exp(z[offset + j] - max);
            return max + Math.Log(sum);
        }
    }
}
