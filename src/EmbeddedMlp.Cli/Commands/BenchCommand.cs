using System;
using System.CommandLine;
using System.Diagnostics;
using EmbeddedMlp.Cli.Data;
using EmbeddedMlp.Cli.Output;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Cli.Commands;

/// <summary>
/// <c>bench --model M.mlp [--batch 1,32,256] [--seconds 3]</c>: median and p99 µs per inference and per training step
/// at each batch size, managed bytes allocated per call, and the share of a 60 Hz frame a step takes.
/// </summary>
internal static class BenchCommand
{
    /// <summary>A 60 Hz frame, in microseconds.</summary>
    public const double FrameMicros = 1e6 / 60;

    private const int MaxBatch = 4096;

    public static Command Create(CliContext context)
    {
        Option<string> model = CliOptions.RequiredPath("--model", "Model or checkpoint file (a checkpoint's optimizer is used for the training steps; others use Adam).");
        var batch = new Option<string>("--batch") { Description = "Comma-separated batch sizes.", DefaultValueFactory = _ => "1,32,256", HelpName = "sizes" };
        Option<double> seconds = CliOptions.PositiveDouble("--seconds", "Measuring time in all, shared by every batch size and operation.", 3);
        var command = new Command("bench", "Measure what the model costs: inference and training step per batch size.") { model, batch, seconds };
        command.SetAction(parse => CommandLineApp.Guard(context, command, () =>
            Execute(context, parse.GetValue(model)!, CliOptions.ParseBatchList(parse.GetValue(batch)!, MaxBatch), parse.GetValue(seconds))));
        return command;
    }

    private sealed record Measurement(double MedianMicros, double P99Micros, double BytesPerCall, int Calls);

    private static int Execute(CliContext context, string path, int[] batches, double seconds)
    {
        LoadedModelFile file = LoadedModelFile.Read(path);
        Mlp model = file.LoadModel();
        OptimizerSettings settings = file.Info.Optimizer ?? OptimizerSettings.Adam();
        int maxBatch = 0;
        foreach (int b in batches) maxBatch = Math.Max(maxBatch, b);
        var trainer = new Trainer(model, new TrainerOptions { MaxBatch = maxBatch, Optimizer = settings, ClipNorm = file.Info.ClipNorm });
        double budget = seconds / (2.0 * batches.Length);

        var o = context.Out;
        o.WriteLine($"model {path}: {model.InputCount} inputs → {string.Join(" → ", model.Layers)}, {Formats.Count(model.ParameterCount)} parameters; " +
                    $"training with {settings.Kind}; {Formats.Seconds(seconds)} s of measurement");
        o.WriteLine($"{"",6}  {"inference, µs",-36}   {"training step, µs",-36}");
        o.WriteLine($"{"batch",6}  {"median",9} {"p99",9} {"per row",8} {"B/call",7}   {"median",9} {"p99",9} {"per row",8} {"B/call",7} {"frame",7}");
        var rng = new Xoshiro128(12345);
        foreach (int b in batches)
        {
            var x = new float[b * model.InputCount];
            for (int i = 0; i < x.Length; i++) x[i] = rng.NextFloat() * 2f - 1f;
            var y = new float[b * model.OutputCount];
            var labels = new int[b];
            var targets = new float[b * model.OutputCount];
            bool softmax = model.OutputActivation == Activation.Softmax;
            for (int i = 0; i < b; i++) labels[i] = rng.NextInt(model.OutputCount);
            for (int i = 0; i < targets.Length; i++) targets[i] = rng.NextFloat();

            Measurement infer = Measure(budget, () => model.Predict(x, y));
            Measurement step = Measure(budget, softmax
                ? () => trainer.Step(x, labels)
                : () => trainer.Step(x, targets));
            o.WriteLine($"{b,6}  {Formats.Micros(infer.MedianMicros),9} {Formats.Micros(infer.P99Micros),9} {Formats.Micros(infer.MedianMicros / b),8} {Bytes(infer.BytesPerCall),7}   " +
                        $"{Formats.Micros(step.MedianMicros),9} {Formats.Micros(step.P99Micros),9} {Formats.Micros(step.MedianMicros / b),8} {Bytes(step.BytesPerCall),7} {Formats.Percent(step.MedianMicros / FrameMicros),7}");
            o.Flush();
        }
        o.WriteLine("frame = median training step / 16.7 ms (one 60 Hz frame); B/call = managed bytes allocated per call after warm-up.");
        return ExitCodes.Ok;
    }

    private static string Bytes(double perCall) => perCall == 0 ? "0" : perCall.ToString(perCall < 10 ? "F2" : "F0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Warms up, sizes the run to the time budget, then times each call separately.</summary>
    private static Measurement Measure(double budgetSeconds, Action call)
    {
        for (int i = 0; i < 3; i++) call();
        long t0 = Stopwatch.GetTimestamp();
        int probe = 0;
        while (probe < 5 || (Stopwatch.GetElapsedTime(t0).TotalSeconds < budgetSeconds * 0.05 && probe < 1000)) { call(); probe++; }
        double perCall = Stopwatch.GetElapsedTime(t0).TotalSeconds / probe;
        int calls = (int)Math.Clamp(budgetSeconds * 0.95 / Math.Max(perCall, 1e-9), 20, 1_000_000);

        var ticks = new long[calls];
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++)
        {
            long s = Stopwatch.GetTimestamp();
            call();
            ticks[i] = Stopwatch.GetTimestamp() - s;
        }
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Array.Sort(ticks);
        double toMicros = 1e6 / Stopwatch.Frequency;
        double median = (calls % 2 == 1 ? ticks[calls / 2] : (ticks[calls / 2 - 1] + ticks[calls / 2]) / 2.0) * toMicros;
        double p99 = ticks[Math.Min(calls - 1, (int)Math.Ceiling(calls * 0.99) - 1)] * toMicros;
        return new Measurement(median, p99, (double)allocated / calls, calls);
    }
}
