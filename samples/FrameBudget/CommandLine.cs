using System;
using System.Collections.Generic;
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
    /// <summary>At least this many timed calls per operation.</summary>
    public int MinCalls { get; init; } = 5;
    /// <summary><c>KernelDispatch.MaxDegreeOfParallelism</c> for the run.</summary>
    public int Threads { get; init; } = 1;
    /// <summary>First-call costs from fresh processes instead of the steady-state table.</summary>
    public bool Cold { get; init; }
    /// <summary>Fresh processes per configuration in the cold mode.</summary>
    public int Runs { get; init; } = 3;
    /// <summary>Set in a child process of the cold mode: the model to measure and whether to warm up first.</summary>
    public ColdChild? Child { get; init; }
    /// <summary>Steady state tiered against <c>DOTNET_TieredCompilation=0</c> from alternating pairs of fresh processes.</summary>
    public bool Tiering { get; init; }
    /// <summary>Set in a child process of the tiering mode: the model to measure.</summary>
    public ReferenceModel? TieringChild { get; init; }
}

/// <summary>What one fresh process of the cold mode measures.</summary>
public sealed record ColdChild(ReferenceModel Model, bool Warmup);

/// <summary>Parses <c>[--batch N] [--model NAME]… [--ms N] [--calls N] [--threads N] [--cold | --tiering] [--runs N]</c>.</summary>
public static class CommandLine
{
    public const string Usage =
        "usage: FrameBudget [--batch N] [--model NAME]... [--ms N] [--calls N] [--threads N] [--cold | --tiering] [--runs N]\n" +
        "  --batch N     batch of the batched inference and the training step, 1..4096 (default: each model's own: 32, 64, 128, 256)\n" +
        "  --model NAME  measure only this model (repeatable): 32-64-64-4, 64-128-128-8, 784-256-128-10, 1024-1024-1024-10\n" +
        "  --ms N        measuring time per operation in milliseconds, 10..60000 (default 500)\n" +
        "  --calls N     at least N timed calls per operation, 5..1000000 (default 5)\n" +
        "  --threads N   KernelDispatch.MaxDegreeOfParallelism, 1..64 (default 1); above 1, bytes are counted on every thread\n" +
        "                and the CPU time of the idle workers is measured after the table\n" +
        "  --cold        first-call costs from fresh processes, without and with Warmup, and what Warmup costs\n" +
        "  --tiering     steady state with default settings against DOTNET_TieredCompilation=0, from pairs of fresh\n" +
        "                processes run back to back (the order alternating); the median of the per-pair ratios\n" +
        "  --runs N      fresh processes per model and setting in --cold mode, pairs in --tiering mode, 1..21 (default 3)";

    public static FrameBudgetOptions Parse(string[] args)
    {
        int? batch = null;
        double ms = 500;
        int calls = 5, threads = 1, runs = 3;
        bool cold = false, tiering = false;
        ReferenceModel? tieringChild = null;
        ColdChild? child = null;
        List<ReferenceModel>? models = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--batch": batch = ParseInt("--batch", Value(args, ref i), 1, 4096); break;
                case "--ms": ms = ParseInt("--ms", Value(args, ref i), 10, 60000); break;
                case "--calls": calls = ParseInt("--calls", Value(args, ref i), 5, 1_000_000); break;
                case "--threads": threads = ParseInt("--threads", Value(args, ref i), 1, 64); break;
                case "--model": (models ??= new List<ReferenceModel>()).Add(ReferenceModel.Find(Value(args, ref i))); break;
                case "--cold": cold = true; break;
                case "--tiering": tiering = true; break;
                case TieringCheck.ChildOption: tieringChild = ReferenceModel.Find(Value(args, ref i)); break; // internal: one process of --tiering
                case "--runs": runs = ParseInt("--runs", Value(args, ref i), 1, 21); break;
                case ColdStart.ChildOption:
                    // internal: one fresh process of --cold (model name, then on|off)
                    ReferenceModel m = ReferenceModel.Find(Value(args, ref i));
                    string w = Value(args, ref i);
                    if (w != "on" && w != "off") throw new ArgumentException($"{ColdStart.ChildOption}: expected on or off after the model, found '{w}'.");
                    child = new ColdChild(m, w == "on");
                    break;
                default: throw new ArgumentException($"unknown option '{args[i]}': expected --batch, --model, --ms, --calls, --threads, --cold, --tiering or --runs.");
            }
        }
        if (cold && tiering) throw new ArgumentException("--cold and --tiering: expected one of them, found both.");
        return new FrameBudgetOptions
        {
            Batch = batch, Models = models, BudgetMs = ms, MinCalls = calls, Threads = threads, Cold = cold, Runs = runs, Child = child,
            Tiering = tiering, TieringChild = tieringChild,
        };
    }
}
