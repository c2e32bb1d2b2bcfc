using System;
using System.Numerics;
using EmbeddedMlp.Samples.FrameBudget;

// "Can I afford this in my game?" — per-call cost of the reference models against a 1 ms slice and a 60 Hz frame.
FrameBudgetOptions options;
try
{
    options = CommandLine.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}

Console.WriteLine($"Median of repeated calls ({options.BudgetMs} ms of calls per line, after as long a warm-up), one thread; " +
                  $"{Environment.ProcessorCount} logical cores, {(Vector.IsHardwareAccelerated ? $"{Vector<float>.Count}-float hardware vectors" : "no hardware vectors")}" +
                  $"{(Environment.GetEnvironmentVariable("EMBEDDEDMLP_KERNELS") is { Length: > 0 } k ? $", EMBEDDEDMLP_KERNELS={k}" : "")}.");
Console.WriteLine("Models: relu hidden layers, softmax output; training step = forward + cross-entropy + backward + Adam.");
Console.WriteLine();
Console.Write(BudgetTable.Header);
FrameBudgetRun.Run(options.Models, options.Batch, options.BudgetMs, row => Console.Write(BudgetTable.Format(row)));
Console.WriteLine();
Console.WriteLine("per 1 ms / per frame: calls that fit back to back (agents served, for batched calls).");
return 0;
