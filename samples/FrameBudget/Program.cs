using System;
using System.Numerics;
using EmbeddedMlp.Kernels;
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

if (options.Child is { } child)
{
    Console.WriteLine(ColdStart.Format(ColdStart.Measure(child.Model, child.Warmup, options.Threads)));
    return 0;
}
if (options.TieringChild is { } tieringChild)
{
    Console.WriteLine(TieringCheck.Measure(tieringChild, options.Threads));
    return 0;
}

string machine = $"{Environment.ProcessorCount} logical cores, {(Vector.IsHardwareAccelerated ? $"{Vector<float>.Count}-float hardware vectors" : "no hardware vectors")}" +
                 $"{(Environment.GetEnvironmentVariable("EMBEDDEDMLP_KERNELS") is { Length: > 0 } k ? $", EMBEDDEDMLP_KERNELS={k}" : "")}, {options.Threads} thread(s).";
if (options.Cold)
{
    Console.WriteLine($"First calls in fresh processes (median of {options.Runs} per line), default runtime settings; {machine}");
    Console.WriteLine("Warmup on: trainer.Warmup() (which runs model.Warmup(batch)) before the first calls, as on a loading screen.");
    Console.WriteLine();
    return RunChildren(() => ColdStart.Report(options.Models ?? ReferenceModel.All, options.Runs, options.Threads, Console.Out));
}

if (options.Tiering)
{
    Console.WriteLine($"Steady state, default runtime settings against DOTNET_TieredCompilation=0, {options.Runs} pair(s) of fresh processes per model; {machine}");
    Console.WriteLine();
    return RunChildren(() => TieringCheck.Report(options.Models ?? ReferenceModel.All, options.Runs, options.Threads, Console.Out));
}

KernelDispatch.MaxDegreeOfParallelism = options.Threads;
Console.WriteLine($"Median of repeated calls ({options.BudgetMs} ms of calls per line, after as long a warm-up); {machine}");
Console.WriteLine("Models: relu hidden layers, softmax output; training step = forward + cross-entropy + backward + Adam.");
Console.WriteLine();
Console.Write(BudgetTable.Header);
bool processWide = options.Threads > 1;
FrameBudgetRun.Run(options.Models, options.Batch, options.BudgetMs, row => Console.Write(BudgetTable.Format(row)), options.MinCalls, processWide);
Console.WriteLine();
Console.WriteLine("per 1 ms / per frame: calls that fit back to back (agents served, for batched calls).");
if (processWide)
{
    Console.WriteLine("bytes/call: counted on every thread of the process (the kernel workers included).");
    Console.WriteLine($"idle: {IdleCheck.IdleCpuMilliseconds():F1} ms of process CPU time over 1 s without calls (the {options.Threads - 1} worker thread(s) block).");
}
return 0;

// A report made from child processes: a child that fails is an error line and exit code 1, not an unhandled exception.
static int RunChildren(Action report)
{
    try
    {
        report();
        return 0;
    }
    catch (InvalidOperationException e)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 1;
    }
}
