using System;
using System.IO;
using System.Text;
using EmbeddedMlp.Samples.AgentTraining;

namespace EmbeddedMlp.Samples.ShippedWeights;

/// <summary>An <c>inspect</c>-style summary of a loaded policy, and the checks a game makes before trusting it.</summary>
public static class PolicyCheck
{
    /// <summary>Layers, parameter count, size in memory, weight range.</summary>
    public static string Summary(Mlp policy)
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
        return sb.ToString();
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
