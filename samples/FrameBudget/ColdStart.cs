using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Samples.FrameBudget;

/// <summary>What one fresh process measured: microseconds of the first and of a steady-state call of each operation.</summary>
/// <remarks>
/// Steady: the same call repeated (warm caches, what a benchmark reports); Loop: each call in steady state within the
/// frame loop Step, one-row Predict, batched Predict (what a game that trains and acts every frame sees: each call finds
/// the caches as the other two left them); Evicted: each call right after 64 MB of other data was touched.
/// </remarks>
public sealed record ColdResult(string Model, bool Warmup, double WarmupUs, double StepFirstUs, double StepSteadyUs,
    double Predict1FirstUs, double Predict1SteadyUs, double PredictBatchFirstUs, double PredictBatchSteadyUs,
    double StepEvictedUs, double Predict1EvictedUs, double PredictBatchEvictedUs,
    double StepLoopUs, double Predict1LoopUs, double PredictBatchLoopUs);

/// <summary>
/// The first frames of a game: what the first training step and the first inferences cost in a fresh process, without
/// and with <see cref="Mlp.Warmup"/> / <see cref="Trainer.Warmup"/> (a loading screen), against the same calls in
/// steady state — each configuration in its own process (<c>--cold</c> starts them: the JIT and every lazily created
/// buffer start from nothing only once per process).
/// </summary>
public static class ColdStart
{
    /// <summary>The option that makes a process one child of the cold mode (model name, on|off).</summary>
    public const string ChildOption = "--cold-child";

    /// <summary>Prefix of the one line a child prints.</summary>
    public const string ResultPrefix = "cold-result ";

    /// <summary>Runs in a fresh child process: builds, optionally warms up, times the first calls, then the steady state.</summary>
    public static ColdResult Measure(ReferenceModel m, bool warmup, int threads)
    {
        Kernels.KernelDispatch.MaxDegreeOfParallelism = threads;
        (Mlp model, Trainer trainer, float[] inputs, int[] labels) = m.BuildWorkload();
        var outputs = new float[m.Batch * m.Outputs];

        // The first calls are timed inline, not through delegates: a delegate's first invocation goes through the
        // runtime's method-entry stub, which would be counted as the library's cost. For the same reason the spans are
        // made before the clock starts: the first call of AsSpan or of an array-to-span conversion resolves that
        // precompiled framework method through the same stub (a few µs), a cost of this program, not of the library.
        ReadOnlySpan<float> allInputs = inputs, oneInput = inputs.AsSpan(0, m.Inputs);
        ReadOnlySpan<int> allLabels = labels;
        Span<float> allOutputs = outputs, oneOutput = outputs.AsSpan(0, m.Outputs);
        // The markers of a JIT log are compiled when first called, and compiling between the warm-up and the first calls
        // would leave them cold caches: they are called only when a JIT log is being written.
        bool jitLog = Environment.GetEnvironmentVariable("DOTNET_JitStdOutFile") != null;
        Stopwatch.GetTimestamp();
        long t0 = Stopwatch.GetTimestamp();
        if (warmup) trainer.Warmup(); // also runs model.Warmup(MaxBatch)
        long t1 = Stopwatch.GetTimestamp();
        if (jitLog) WarmupDone();
        long t2 = Stopwatch.GetTimestamp();
        trainer.Step(allInputs, allLabels);
        long t3 = Stopwatch.GetTimestamp();
        model.Predict(oneInput, oneOutput);
        long t4 = Stopwatch.GetTimestamp();
        model.Predict(allInputs, allOutputs);
        long t5 = Stopwatch.GetTimestamp();
        if (jitLog) FirstCallsDone();
        double warmupUs = warmup ? Us(t1 - t0) : 0, stepFirst = Us(t3 - t2), predict1First = Us(t4 - t3), predictBatchFirst = Us(t5 - t4);

        Action step = () => trainer.Step(inputs, labels);
        Action predict1 = () => model.Predict(inputs.AsSpan(0, m.Inputs), outputs.AsSpan(0, m.Outputs));
        Action predictBatch = () => model.Predict(inputs, outputs);

        // Steady state: long enough for the runtime to have tiered up anything that was not compiled optimised.
        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < 600)
        {
            step();
            predict1();
            predictBatch();
        }
        var loopStep = new double[31];
        var loopPredict1 = new double[31];
        var loopPredictBatch = new double[31];
        for (int i = 0; i < loopStep.Length; i++)
        {
            loopStep[i] = Time(step);
            loopPredict1[i] = Time(predict1);
            loopPredictBatch[i] = Time(predictBatch);
        }
        double stepSteady = Median(step), predict1Steady = Median(predict1), predictBatchSteady = Median(predictBatch);
        double stepEvicted = Median(step, evict: true), predict1Evicted = Median(predict1, evict: true), predictBatchEvicted = Median(predictBatch, evict: true);
        return new ColdResult(m.Name, warmup, warmupUs, stepFirst, stepSteady, predict1First, predict1Steady, predictBatchFirst, predictBatchSteady,
            stepEvicted, predict1Evicted, predictBatchEvicted, MedianOf(loopStep), MedianOf(loopPredict1), MedianOf(loopPredictBatch));
    }

    /// <summary>Marks, in a JIT log (<c>DOTNET_JitStdOutFile</c>), the end of the warm-up: compiled when first called.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void WarmupDone() { }

    /// <summary>Marks, in a JIT log, the end of the first calls: nothing of the runtime should be compiled after it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void FirstCallsDone() { }

    private static double Time(Action call)
    {
        long t0 = Stopwatch.GetTimestamp();
        call();
        return Us(Stopwatch.GetTimestamp() - t0);
    }

    private static double Us(long ticks) => ticks * 1e6 / Stopwatch.Frequency;

    private static double MedianOf(double[] us)
    {
        Array.Sort(us);
        return us[us.Length / 2];
    }

    /// <summary>Median of 31 timed calls; with <paramref name="evict"/>, each after the caches are flushed by <see cref="Evict"/>.</summary>
    private static double Median(Action call, bool evict = false)
    {
        var us = new double[31];
        for (int i = 0; i < us.Length; i++)
        {
            if (evict) Evict();
            us[i] = Time(call);
        }
        Array.Sort(us);
        return us[us.Length / 2];
    }

    private static readonly long[] s_sweep = new long[64 << 17]; // 64 MB: more than this machine's caches

    /// <summary>
    /// What a game does between two frames' calls to the runtime, roughly: touches 64 MB of other data (the caches no
    /// longer hold the model or the runtime's code). A call after it is a steady-state call with cold caches: the
    /// yardstick for a first call, which also finds cold caches whatever was warmed before.
    /// </summary>
    private static void Evict()
    {
        long[] a = s_sweep;
        for (int i = 0; i < a.Length; i += 8) a[i]++;
    }

    public static string Format(ColdResult r) => ResultPrefix + string.Join(' ', new[]
    {
        r.Model, r.Warmup ? "on" : "off",
        F(r.WarmupUs), F(r.StepFirstUs), F(r.StepSteadyUs), F(r.Predict1FirstUs), F(r.Predict1SteadyUs), F(r.PredictBatchFirstUs), F(r.PredictBatchSteadyUs),
        F(r.StepEvictedUs), F(r.Predict1EvictedUs), F(r.PredictBatchEvictedUs), F(r.StepLoopUs), F(r.Predict1LoopUs), F(r.PredictBatchLoopUs),
    });

    public static ColdResult Parse(string line)
    {
        string[] f = line.Substring(ResultPrefix.Length).Split(' ');
        double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
        return new ColdResult(f[0], f[1] == "on", D(2), D(3), D(4), D(5), D(6), D(7), D(8), D(9), D(10), D(11), D(12), D(13), D(14));
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// Starts this program again as a child of the cold mode for <paramref name="m"/> and returns its result line
    /// parsed. <paramref name="environment"/> adds variables to the child's environment (e.g. a JIT log).
    /// </summary>
    public static ColdResult RunChild(ReferenceModel m, bool warmup, int threads, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = ChildProcess.SelfStart(ChildOption, m.Name, warmup ? "on" : "off", "--threads", threads.ToString(CultureInfo.InvariantCulture));
        if (environment != null)
            foreach (var kv in environment) start.Environment[kv.Key] = kv.Value;
        return Parse(ChildProcess.ResultLine(start, ResultPrefix, $"the child process for {m.Name} (warm-up {(warmup ? "on" : "off")})"));
    }

    /// <summary>The cold-mode table: for each model, the median over <paramref name="runs"/> fresh processes per setting.</summary>
    public static void Report(IReadOnlyList<ReferenceModel> models, int runs, int threads, TextWriter output)
    {
        output.WriteLine($"{"model",-18} {"Warmup",-6} {"Warmup cost",11} {"first Step",27} {"first Predict(1 row)",27} {"first Predict(batch)",27}");
        output.WriteLine(new string('-', 18 + 1 + 6 + 1 + 11 + 3 * 28));
        foreach (ReferenceModel m in models)
            foreach (bool warmup in new[] { false, true })
            {
                var results = new List<ColdResult>();
                for (int r = 0; r < runs; r++) results.Add(RunChild(m, warmup, threads));
                double Med(Func<ColdResult, double> f)
                {
                    var v = results.ConvertAll(x => f(x));
                    v.Sort();
                    return v[v.Count / 2];
                }
                string Cell(Func<ColdResult, double> first, Func<ColdResult, double> alone, Func<ColdResult, double> loop, Func<ColdResult, double> cold) =>
                    string.Create(CultureInfo.InvariantCulture,
                        $"{Us(Med(first))} ({Ratio(Med(x => first(x) / alone(x)))}/{Ratio(Med(x => first(x) / loop(x)))}/{Ratio(Med(x => first(x) / cold(x)))})");
                output.WriteLine($"{m.Name,-18} {(warmup ? "on" : "off"),-6} {(warmup ? Us(Med(x => x.WarmupUs)) : "-"),11} " +
                    $"{Cell(x => x.StepFirstUs, x => x.StepSteadyUs, x => x.StepLoopUs, x => x.StepEvictedUs),27} " +
                    $"{Cell(x => x.Predict1FirstUs, x => x.Predict1SteadyUs, x => x.Predict1LoopUs, x => x.Predict1EvictedUs),27} " +
                    $"{Cell(x => x.PredictBatchFirstUs, x => x.PredictBatchSteadyUs, x => x.PredictBatchLoopUs, x => x.PredictBatchEvictedUs),27}");
            }
        output.WriteLine();
        output.WriteLine("(a/b/c): the first call against the same call in steady state: (a) repeated alone (warm caches, what a");
        output.WriteLine("benchmark reports); (b) in a frame loop of Step, one-row Predict and batched Predict (each finds the caches as");
        output.WriteLine("the other two left them: what a game that trains and acts every frame sees); (c) right after 64 MB of other");
        output.WriteLine("data was touched.");
    }

    private static string Ratio(double r) => r >= 100 ? r.ToString("F0", CultureInfo.InvariantCulture) + "×" : r.ToString("F1", CultureInfo.InvariantCulture) + "×";

    private static string Us(double us) => us >= 10_000
        ? (us / 1000).ToString("F1", CultureInfo.InvariantCulture) + " ms"
        : us.ToString("F0", CultureInfo.InvariantCulture) + " µs";
}
