using System;
using System.Collections.Generic;
using EmbeddedMlp.Serialization;

namespace EmbeddedMlp.Onnx.Import
{
    /// <summary>
    /// The final part of the import: allocates the model and decodes the planned weights and biases into its arena.
    /// </summary>
    internal sealed partial class OnnxImporter
    {
        // ---- Build -------------------------------------------------------------------------------------------------

        private Mlp Build(List<LayerPlan> layers)
        {
            var specs = new LayerSpec[layers.Count];
            for (int l = 0; l < specs.Length; l++)
                specs[l] = new LayerSpec(layers[l].Units, layers[l].Activation, layers[l].Biases.Count > 0);
            var model = new Mlp(_inputWidth, specs, 0);
            bool finiteOnly = !_options.AllowNonFinite;
            for (int l = 0; l < specs.Length; l++)
            {
                LayerPlan p = layers[l];
                Span<float> w = model.GetWeights(l);
                int units = p.Units, inputs = p.Inputs;
                for (int o = 0; o < units; o++)
                {
                    for (int i = 0; i < inputs; i++)
                    {
                        long k = p.StoredOutIn ? (long)o * inputs + i : (long)i * units + o;
                        float v = p.Weight.Float(k);
                        if (p.Scale != 1f) v *= p.Scale;
                        if (finiteOnly && (float.IsNaN(v) || float.IsInfinity(v)))
                            throw NonFinite(p.Field, p.Weight, k, v, p.Scale != 1f ? " (after multiplying by alpha)" : "");
                        w[o * inputs + i] = v;
                    }
                }
                if (p.Biases.Count == 0) continue;
                Span<float> b = model.GetBias(l);
                for (int o = 0; o < units; o++)
                {
                    float sum = 0f;
                    for (int t = 0; t < p.Biases.Count; t++)
                    {
                        BiasTerm term = p.Biases[t];
                        long k = term.Value.Count == 1 ? 0 : o;
                        float v = term.Value.Float(k);
                        if (term.Scale != 1f) v *= term.Scale;
                        sum = t == 0 ? v : sum + v; // one term: its bits exactly (−0 stays −0)
                        if (finiteOnly && (float.IsNaN(sum) || float.IsInfinity(sum)))
                            throw NonFinite(term.Field, term.Value, k, sum, term.Scale != 1f || t > 0 ? " (after scaling and adding the bias terms)" : "");
                    }
                    b[o] = sum;
                }
            }
            return model;
        }

        private static ModelFormatException NonFinite(string field, ConstTensor tensor, long k, float v, string how) =>
            new ModelFormatException(field, $"finite values in {tensor} (OnnxImportOptions.AllowNonFinite)", $"{Names.Float(v)} at element {Names.Int(k)}{how}");
    }
}
