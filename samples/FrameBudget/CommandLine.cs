using System;
using System.Collections.Generic;
using System.Globalization;
using static EmbeddedMlp.Samples.OptionParsing;

namespace EmbeddedMlp.Samples.FrameBudget;

/// <summary>Options of the FrameBudget sample.</summary>
public sealed class FrameBudgetOptions
{
    /// <summary>Batch of the batched inference and training step; null = each model's reference batch.</summary>
    public int? Batch { get; init; }
    /// <summary>Models to measure; null = all four.</summary>
    public IReadOnlyList<ReferenceModel>? Models { get; init; }
    /// <summary>Measuring time per operation, in milliseconds.</summary>
    public double BudgetMs { get; init; } = 500;
}

/// <summary>Parses <c>[--batch N] [--model NAME]… [--ms N]</c>.</summary>
public static class CommandLine
{
    public const string Usage =
        "usage: FrameBudget [--batch N] [--model NAME]... [--ms N]\n" +
        "  --batch N     batch of the batched inference and the training step, 1..4096 (default: each model's own: 32, 64, 128, 256)\n" +
        "  --model NAME  measure only this model (repeatable): 32-64-64-4, 64-128-128-8, 784-256-128-10, 1024-1024-1024-10\n" +
        "  --ms N        measuring time per operation in milliseconds, 10..60000 (default 500)";

    public static FrameBudgetOptions Parse(string[] args)
    {
        int? batch = null;
        double ms = 500;
        List<ReferenceModel>? models = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--batch": batch = ParseInt("--batch", Value(args, ref i), 1, 4096); break;
                case "--ms": ms = ParseInt("--ms", Value(args, ref i), 10, 60000); break;
                case "--model": (models ??= new List<ReferenceModel>()).Add(ReferenceModel.Find(Value(args, ref i))); break;
                default: throw new ArgumentException($"unknown option '{args[i]}': expected --batch, --model or --ms.");
            }
        }
        return new FrameBudgetOptions { Batch = batch, Models = models, BudgetMs = ms };
    }
}
