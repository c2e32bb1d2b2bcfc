using System;
using System.Collections.Generic;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Samples.FrameBudget;

/// <summary>One of the benchmarks' reference models: relu hidden layers, softmax output, a typical batch.</summary>
public sealed record ReferenceModel(string Name, int Inputs, int[] Hidden, int Outputs, int Batch)
{
    /// <summary>The four reference models, from a game agent's policy to a large classifier.</summary>
    public static IReadOnlyList<ReferenceModel> All { get; } = new[]
    {
        new ReferenceModel("32-64-64-4", 32, new[] { 64, 64 }, 4, 32),
        new ReferenceModel("64-128-128-8", 64, new[] { 128, 128 }, 8, 64),
        new ReferenceModel("784-256-128-10", 784, new[] { 256, 128 }, 10, 128),
        new ReferenceModel("1024-1024-1024-10", 1024, new[] { 1024, 1024 }, 10, 256),
    };

    /// <summary>
    /// What the fresh processes of <c>--cold</c> and <c>--tiering</c> measure: the model (seed 1), a trainer with Adam
    /// and clipping at the model's batch, and one batch of inputs in [-1, 1) with class labels, from a fixed seed.
    /// </summary>
    public (Mlp Model, Trainer Trainer, float[] Inputs, int[] Labels) BuildWorkload()
    {
        Mlp model = Build(seed: 1);
        var trainer = new Trainer(model, new TrainerOptions { MaxBatch = Batch, Optimizer = OptimizerSettings.Adam(), ClipNorm = 1f });
        var rng = new Xoshiro128(2);
        var inputs = new float[Batch * Inputs];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = rng.NextFloat() * 2f - 1f;
        var labels = new int[Batch];
        for (int i = 0; i < labels.Length; i++) labels[i] = rng.NextInt(Outputs);
        return (model, trainer, inputs, labels);
    }

    /// <summary>Multiply-adds of a forward pass of one row.</summary>
    public long ForwardMacs
    {
        get
        {
            long macs = 0;
            int fanIn = Inputs;
            foreach (int units in Hidden) { macs += (long)fanIn * units; fanIn = units; }
            return macs + (long)fanIn * Outputs;
        }
    }

    /// <summary>Training frames (a step and a one-row Predict) worth about half a second here, at least 20: a fixed count per model.</summary>
    public int SteadyFrames => (int)Math.Max(20, 5e9 / ((double)Batch * ForwardMacs));

    public Mlp Build(ulong seed)
    {
        var layers = new List<LayerSpec>();
        foreach (int units in Hidden) layers.Add(new LayerSpec(units, Activation.Relu));
        layers.Add(new LayerSpec(Outputs, Activation.Softmax));
        return new Mlp(Inputs, layers, seed);
    }

    /// <summary>The reference model named <paramref name="name"/>, or an error listing the names.</summary>
    public static ReferenceModel Find(string name)
    {
        foreach (ReferenceModel m in All)
            if (m.Name == name) return m;
        throw new ArgumentException($"--model: expected one of {string.Join(", ", Names())}, found '{name}'.");
    }

    private static IEnumerable<string> Names()
    {
        foreach (ReferenceModel m in All) yield return m.Name;
    }
}
