using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using EmbeddedMlp.Samples.AgentTraining;

namespace EmbeddedMlp.Samples.ShippedWeights;

/// <summary>An <c>inspect</c>-style summary of a loaded policy, and the checks a game makes before trusting it.</summary>
public static class PolicyCheck
{
    /// <summary>Layers, parameter count, size in memory, weight range, and the file's metadata if given.</summary>
    public static string Summary(Mlp policy, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var sb = new StringBuilder();
        sb.Append(policy).Append('\n');
        for (int l = 0; l < policy.LayerCount; l++)
        {
            LayerLayout layout = policy.GetLayout(l);
            sb.Append($"  layer {l}: {layout.FanIn,4} → {layout.Units,4}  {policy.Layers[l].Activation.ToName(),-8} {(policy.Layers[l].HasBias ? "bias" : "no bias")}\n");
        }
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float p in policy.Parameters) { min = MathF.Min(min, p); max = MathF.Max(max, p); }
        sb.Append($"  {policy.ParameterCount} parameters ({policy.ParameterCount * sizeof(float)} bytes of float32), weights in [{min:G4}, {max:G4}]\n");
        if (metadata is not null && metadata.Count > 0)
        {
            sb.Append("  metadata:\n");
            var keys = new List<string>(metadata.Keys);
            keys.Sort(StringComparer.Ordinal);
            foreach (string k in keys) sb.Append($"    {k}: {metadata[k]}\n");
        }
        return sb.ToString();
    }

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> have the same layers and bit-identical parameters.</summary>
    public static bool IdenticalWeights(Mlp a, Mlp b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.InputCount != b.InputCount || a.LayerCount != b.LayerCount) return false;
        for (int l = 0; l < a.LayerCount; l++)
            if (!a.Layers[l].Equals(b.Layers[l])) return false;
        return MemoryMarshal.AsBytes(a.Parameters).SequenceEqual(MemoryMarshal.AsBytes(b.Parameters));
    }

    /// <summary>Throws <see cref="InvalidDataException"/> unless <paramref name="policy"/> fits the CartPole game: 4 inputs, 2 softmax outputs, finite weights.</summary>
    public static void EnsureFitsCartPole(Mlp policy)
    {
        if (policy.InputCount != CartPole.ObservationSize)
            throw new InvalidDataException($"policy: expected {CartPole.ObservationSize} inputs (the cart-pole observation), found {policy.InputCount}.");
        if (policy.OutputCount != CartPole.ActionCount || policy.OutputActivation != Activation.Softmax)
            throw new InvalidDataException($"policy: expected a softmax over {CartPole.ActionCount} actions, found {policy.OutputCount} {policy.OutputActivation.ToName()} outputs.");
        Span<float> p = policy.Parameters;
        for (int i = 0; i < p.Length; i++)
            if (!float.IsFinite(p[i]))
                throw new InvalidDataException($"policy: expected finite weights, found {p[i]} at parameter {i}.");
    }
}
