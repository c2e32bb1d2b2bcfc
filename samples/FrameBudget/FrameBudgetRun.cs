using System;
using System.Collections.Generic;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Samples.FrameBudget;

/// <summary>One line of the table: one operation of one model.</summary>
public sealed record BudgetRow(string Model, string Operation, int Rows, CallCost Cost);

/// <summary>Measures inference (batch 1 and batched) and one training step for each reference model.</summary>
public static class FrameBudgetRun
{
    /// <param name="models">Which models; null = all four.</param>
    /// <param name="batch">Batch of the batched inference and the training step; null = each model's reference batch.</param>
    /// <param name="budgetMs">Measuring time per operation.</param>
    /// <param name="onRow">Called with each row as soon as it is measured (the big model takes a while).</param>
    /// <param name="minCalls">At least this many timed calls per operation.</param>
    /// <param name="processWide">Count bytes on every thread of the process (set when kernel worker threads run).</param>
    public static List<BudgetRow> Run(IReadOnlyList<ReferenceModel>? models, int? batch, double budgetMs, Action<BudgetRow>? onRow = null,
        int minCalls = 5, bool processWide = false)
    {
        var rows = new List<BudgetRow>();
        foreach (ReferenceModel m in models ?? ReferenceModel.All)
        {
            int b = batch ?? m.Batch;
            Mlp model = m.Build(seed: 1);
            var trainer = new Trainer(model, new TrainerOptions { MaxBatch = b, Optimizer = OptimizerSettings.Adam() });

            var rng = new Xoshiro128(2);
            var inputs = new float[b * m.Inputs];
            for (int i = 0; i < inputs.Length; i++) inputs[i] = rng.NextFloat() * 2f - 1f;
            var labels = new int[b];
            for (int i = 0; i < b; i++) labels[i] = rng.NextInt(m.Outputs);
            var outputs = new float[b * m.Outputs];

            void Add(string op, int r, Action call)
            {
                var row = new BudgetRow(m.Name, op, r, CallCost.Measure(call, budgetMs, minCalls, processWide));
                rows.Add(row);
                onRow?.Invoke(row);
            }

            Add("inference", 1, () => model.Predict(inputs.AsSpan(0, m.Inputs), outputs.AsSpan(0, m.Outputs)));
            if (b > 1) Add("inference", b, () => model.Predict(inputs, outputs));
            Add("training step", b, () => trainer.Step(inputs, labels));
        }
        return rows;
    }
}
