using System;

namespace EmbeddedMlp.Benchmarks
{
    /// <summary>
    /// The baseline: the same MLP (relu hidden, softmax + cross-entropy, Adam) written the obvious way — scalar
    /// triple loops over arrays, no blocking, no vectors — so the ratio column shows what the kernels buy.
    /// </summary>
    public sealed class NaiveMlp
    {
        private readonly int[] _w;
        private readonly float[][] _weights, _bias, _gw, _gb, _mw, _vw, _mb, _vb, _act, _delta;
        private readonly float[] _dx;
        private int _step;

        public NaiveMlp(int[] widths, int maxBatch, Mlp init)
        {
            _w = widths;
            int layers = widths.Length - 1, maxWidth = 0;
            foreach (int x in widths) maxWidth = Math.Max(maxWidth, x);
            _weights = new float[layers][]; _bias = new float[layers][]; _gw = new float[layers][]; _gb = new float[layers][];
            _mw = new float[layers][]; _vw = new float[layers][]; _mb = new float[layers][]; _vb = new float[layers][];
            _act = new float[layers][]; _delta = new float[layers][];
            for (int l = 0; l < layers; l++)
            {
                _weights[l] = init.GetWeights(l).ToArray(); _bias[l] = init.GetBias(l).ToArray();
                _gw[l] = new float[_weights[l].Length]; _gb[l] = new float[_bias[l].Length];
                _mw[l] = new float[_weights[l].Length]; _vw[l] = new float[_weights[l].Length];
                _mb[l] = new float[_bias[l].Length]; _vb[l] = new float[_bias[l].Length];
                _act[l] = new float[maxBatch * widths[l + 1]]; _delta[l] = new float[maxBatch * widths[l + 1]];
            }
            _dx = new float[maxBatch * maxWidth];
        }

        public void Predict(float[] x, int rows, float[] output)
        {
            Forward(x, rows);
            Array.Copy(_act[_act.Length - 1], output, rows * _w[_w.Length - 1]);
        }

        private void Forward(float[] x, int rows)
        {
            float[] input = x;
            int last = _weights.Length - 1;
            for (int l = 0; l <= last; l++)
            {
                int fanIn = _w[l], units = _w[l + 1];
                float[] w = _weights[l], b = _bias[l], y = _act[l];
                for (int i = 0; i < rows; i++)
                    for (int j = 0; j < units; j++)
                    {
                        float s = b[j];
                        for (int p = 0; p < fanIn; p++) s += input[i * fanIn + p] * w[j * fanIn + p];
                        y[i * units + j] = l == last ? s : Math.Max(s, 0f);
                    }
                if (l == last)
                    for (int i = 0; i < rows; i++)
                    {
                        float max = float.NegativeInfinity, sum = 0;
                        for (int j = 0; j < units; j++) max = Math.Max(max, y[i * units + j]);
                        for (int j = 0; j < units; j++) { y[i * units + j] = MathF.Exp(y[i * units + j] - max); sum += y[i * units + j]; }
                        for (int j = 0; j < units; j++) y[i * units + j] /= sum;
                    }
                input = y;
            }
        }

        /// <summary>Forward, cross-entropy gradient, backward, Adam (lr 1e-3); returns the loss.</summary>
        public float Step(float[] x, int[] classes, int rows)
        {
            Forward(x, rows);
            int layers = _weights.Length, outputs = _w[_w.Length - 1];
            float[] p = _act[layers - 1], dz = _delta[layers - 1];
            float loss = 0;
            for (int i = 0; i < rows; i++)
            {
                loss -= MathF.Log(p[i * outputs + classes[i]]);
                for (int j = 0; j < outputs; j++) dz[i * outputs + j] = (p[i * outputs + j] - (j == classes[i] ? 1f : 0f)) / rows;
            }
            for (int l = layers - 1; l >= 0; l--)
            {
                int fanIn = _w[l], units = _w[l + 1];
                float[] input = l == 0 ? x : _act[l - 1], d = _delta[l], w = _weights[l], gw = _gw[l], gb = _gb[l];
                for (int j = 0; j < units; j++)
                {
                    float sb = 0;
                    for (int i = 0; i < rows; i++) sb += d[i * units + j];
                    gb[j] = sb;
                    for (int q = 0; q < fanIn; q++)
                    {
                        float s = 0;
                        for (int i = 0; i < rows; i++) s += d[i * units + j] * input[i * fanIn + q];
                        gw[j * fanIn + q] = s;
                    }
                }
                if (l == 0) break;
                float[] dPrev = _delta[l - 1];
                for (int i = 0; i < rows; i++)
                    for (int q = 0; q < fanIn; q++)
                    {
                        float s = 0;
                        for (int j = 0; j < units; j++) s += d[i * units + j] * w[j * fanIn + q];
                        dPrev[i * fanIn + q] = input[i * fanIn + q] > 0f ? s : 0f;
                    }
            }
            _step++;
            for (int l = 0; l < layers; l++)
            {
                Adam(_weights[l], _gw[l], _mw[l], _vw[l]);
                Adam(_bias[l], _gb[l], _mb[l], _vb[l]);
            }
            return loss / rows;
        }

        private void Adam(float[] p, float[] g, float[] m, float[] v)
        {
            const float lr = 1e-3f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
            float bc1 = 1f - MathF.Pow(b1, _step), bc2 = 1f - MathF.Pow(b2, _step);
            for (int i = 0; i < p.Length; i++)
            {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                p[i] -= lr * (m[i] / bc1) / (MathF.Sqrt(v[i] / bc2) + eps);
            }
        }
    }
}
