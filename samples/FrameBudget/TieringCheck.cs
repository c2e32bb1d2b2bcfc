using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Samples.FrameBudget;

/// <summary>
/// Steady state under the runtime's default settings against <c>DOTNET_TieredCompilation=0</c>, from pairs of fresh
/// processes run one right after the other, the order alternating from pair to pair (<c>--tiering</c>). On a shared
/// machine the speed drifts over minutes; a BenchmarkDotNet run measures one configuration after the other, so a
/// drift lands in its ratio. Here each pair's two processes meet nearly the same conditions, and the median of the
/// per-pair ratios is what is reported.
/// </summary>
public static class TieringCheck
{
    /// <summary>The option that makes a process one child of the tiering mode (model name).</summary>
    public const string ChildOption = "--tiering-child";

    private const string ResultPrefix = "tiering-result ";

    /// <summary>
    /// In a child: warms up as a game would (<c>trainer.Warmup()</c>), runs a fixed number of frames (a training step
    /// and a one-row <c>Predict</c> each; about half a second, the same count in both processes of a pair, so both
    /// measure the same weights), then times each call in rounds of about a millisecond (31 rounds, the median round's
    /// cost per call). Prints the training step's and the one-row <c>Predict</c>'s cost in nanoseconds and the setting
    /// the process saw.
    /// </summary>
    public static string Measure(ReferenceModel m, int threads)
    {
        Kernels.KernelDispatch.MaxDegreeOfParallelism = threads;
        (Mlp model, Trainer trainer, float[] inputs, int[] labels) = m.BuildWorkload();
        var output = new float[m.Outputs];
        trainer.Warmup();
        Frames(model, trainer, inputs, labels, output, m.SteadyFrames);
        double step = TimeSteps(trainer, inputs, labels);
        double predict = TimePredicts(model, inputs.AsSpan(0, m.Inputs), output);
        string setting = TieredOff() ? "TC=0" : "default";
        return ResultPrefix + string.Join(' ', m.Name, step.ToString("R", CultureInfo.InvariantCulture), predict.ToString("R", CultureInfo.InvariantCulture), setting);
    }

    private static bool TieredOff() =>
        (Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") ?? Environment.GetEnvironmentVariable("COMPlus_TieredCompilation")) == "0";

    // The loops below are optimised at their first call under both settings (a lambda or a plain method would start at
    // tier 0 in the default-settings process only, and be timed there).

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Frames(Mlp model, Trainer trainer, float[] inputs, int[] labels, float[] output, int frames)
    {
        for (int f = 0; f < frames; f++)
        {
            trainer.Step(inputs, labels);
            model.Predict(inputs.AsSpan(0, model.InputCount), output);
        }
    }

    /// <summary>Nanoseconds per training step: the median of 31 rounds of as many steps as fit in about a millisecond.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double TimeSteps(Trainer trainer, float[] inputs, int[] labels)
    {
        long t0 = Stopwatch.GetTimestamp();
        trainer.Step(inputs, labels);
        int n = CallsPerRound(Stopwatch.GetTimestamp() - t0);
        var rounds = new double[31];
        for (int r = 0; r < rounds.Length; r++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++) trainer.Step(inputs, labels);
            rounds[r] = Ns(Stopwatch.GetTimestamp() - start) / n;
        }
        return Median(rounds);
    }

    /// <summary>Nanoseconds per one-row Predict, measured as <see cref="TimeSteps"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double TimePredicts(Mlp model, ReadOnlySpan<float> input, Span<float> output)
    {
        long t0 = Stopwatch.GetTimestamp();
        model.Predict(input, output);
        int n = CallsPerRound(Stopwatch.GetTimestamp() - t0);
        var rounds = new double[31];
        for (int r = 0; r < rounds.Length; r++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++) model.Predict(input, output);
            rounds[r] = Ns(Stopwatch.GetTimestamp() - start) / n;
        }
        return Median(rounds);
    }

    private static int CallsPerRound(long ticksOfOne) => (int)Math.Clamp(Stopwatch.Frequency / 1000 / Math.Max(1, ticksOfOne), 1, 100_000);

    private static double Ns(long ticks) => ticks * 1e9 / Stopwatch.Frequency;

    private static double Median(double[] v)
    {
        Array.Sort(v);
        return v[v.Length / 2];
    }

    /// <summary>
    /// One child for <paramref name="m"/>, with or without <c>DOTNET_TieredCompilation=0</c>: step and one-row Predict
    /// in nanoseconds, and the setting the child saw ("TC=0" or "default").
    /// </summary>
    public static (double Step, double Predict, string Setting) RunChild(ReferenceModel m, bool tieredOff, int threads = 1)
    {
        ProcessStartInfo start = ChildProcess.SelfStart(ChildOption, m.Name, "--threads", threads.ToString(CultureInfo.InvariantCulture));
        start.Environment.Remove("COMPlus_TieredCompilation");
        if (tieredOff) start.Environment["DOTNET_TieredCompilation"] = "0";
        else start.Environment.Remove("DOTNET_TieredCompilation");
        string[] f = ChildProcess.ResultLine(start, ResultPrefix, $"the tiering child for {m.Name}").Substring(ResultPrefix.Length).Split(' ');
        return (double.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[2], CultureInfo.InvariantCulture), f[3]);
    }

    /// <summary>For each model, <paramref name="pairs"/> pairs of children; prints medians and the per-pair ratios' median and range.</summary>
    public static void Report(IReadOnlyList<ReferenceModel> models, int pairs, int threads, TextWriter output)
    {
        output.WriteLine($"{"model",-18} {"train step: tiered / TC=0",28} {"ratio (range)",20} {"one-row Predict: tiered / TC=0",32} {"ratio (range)",20}");
        output.WriteLine(new string('-', 18 + 1 + 28 + 1 + 20 + 1 + 32 + 1 + 20));
        foreach (ReferenceModel m in models)
        {
            var tiered = new List<(double Step, double Predict, string Setting)>();
            var off = new List<(double Step, double Predict, string Setting)>();
            for (int r = 0; r < pairs; r++)
            {
                bool offFirst = r % 2 == 1;
                if (offFirst) off.Add(RunChild(m, tieredOff: true, threads));
                tiered.Add(RunChild(m, tieredOff: false, threads));
                if (!offFirst) off.Add(RunChild(m, tieredOff: true, threads));
            }
            output.WriteLine($"{m.Name,-18} {Pair(tiered, off, x => x.Step),28} {Ratios(tiered, off, x => x.Step),20} " +
                             $"{Pair(tiered, off, x => x.Predict),32} {Ratios(tiered, off, x => x.Predict),20}");
        }
        output.WriteLine();
        output.WriteLine("Each pair: one process with default settings and one with DOTNET_TieredCompilation=0, back to back (the order");
        output.WriteLine("alternating); each warms up, runs the same number of frames (about 0.5 s), then times each call (median of 31");
        output.WriteLine("rounds of ~1 ms, in loops compiled optimised under both settings).");
        output.WriteLine("ratio: median of the per-pair ratios tiered / TC=0, with their range.");
    }

    private static string Pair(List<(double, double, string)> tiered, List<(double, double, string)> off, Func<(double Step, double Predict, string Setting), double> f) =>
        $"{Ns(Median(tiered.ConvertAll(x => f(x))))} / {Ns(Median(off.ConvertAll(x => f(x))))}";

    private static string Ratios(List<(double, double, string)> tiered, List<(double, double, string)> off, Func<(double Step, double Predict, string Setting), double> f)
    {
        var r = new List<double>();
        for (int i = 0; i < tiered.Count; i++) r.Add(f(tiered[i]) / f(off[i]));
        r.Sort();
        return string.Create(CultureInfo.InvariantCulture, $"{Median(r):F3} ({r[0]:F2}–{r[^1]:F2})");
    }

    private static double Median(List<double> v)
    {
        v.Sort();
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }

    private static string Ns(double ns) => ns >= 1_000_000
        ? (ns / 1e6).ToString("F2", CultureInfo.InvariantCulture) + " ms"
        : ns >= 10_000 ? (ns / 1000).ToString("F1", CultureInfo.InvariantCulture) + " µs" : ns.ToString("F0", CultureInfo.InvariantCulture) + " ns";
}
