using System;
using System.Diagnostics;
using EmbeddedMlp.Cli.Output;
using EmbeddedMlp.Training;

namespace EmbeddedMlp.Cli.Training;

/// <summary>What a training run did.</summary>
public sealed record TrainingSummary(int Epochs, long Steps, long SkippedSteps, double Seconds, double MedianStepMicros, EpochReport? Last);

/// <summary>
/// Epochs of mini-batch steps over a dataset. Each epoch starts from the rows in file order and, unless
/// <c>shuffle</c> is off, permutes them with the trainer's PRNG (Fisher–Yates), so the order depends only on the PRNG
/// state that checkpoints save: resuming gives the batches an uninterrupted run would have drawn.
/// </summary>
public static class TrainingLoop
{
    public static long StepsPerEpoch(int rows, int batch) => (rows + batch - 1) / batch;

    public static TrainingSummary Run(Trainer trainer, Dataset data, Dataset? validation, int epochs, int batch, bool shuffle, ITrainingProgress progress)
    {
        Mlp model = trainer.Model;
        int rows = data.Rows, inputs = data.Inputs, tw = data.TargetWidth;
        var order = new int[rows];
        var xb = new float[batch * inputs];
        var lb = new int[batch];
        var tb = new float[batch * tw];
        long stepsPerEpoch = StepsPerEpoch(rows, batch);
        var stepTicks = new long[stepsPerEpoch * epochs];
        long step = 0, skipped = 0;
        long started = Stopwatch.GetTimestamp();
        EpochReport? last = null;

        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            long epochStart = Stopwatch.GetTimestamp();
            for (int i = 0; i < rows; i++) order[i] = i;
            if (shuffle)
            {
                ref Xoshiro128 rng = ref trainer.Random;
                for (int i = rows - 1; i > 0; i--)
                {
                    int j = rng.NextInt(i + 1);
                    (order[i], order[j]) = (order[j], order[i]);
                }
            }

            double lossSum = 0;
            int seen = 0;
            for (int start = 0; start < rows; start += batch)
            {
                int n = Math.Min(batch, rows - start);
                for (int r = 0; r < n; r++)
                {
                    int src = order[start + r];
                    Array.Copy(data.X, (long)src * inputs, xb, (long)r * inputs, inputs);
                    if (data.Labels != null) lb[r] = data.Labels[src];
                    else Array.Copy(data.Targets!, (long)src * tw, tb, (long)r * tw, tw);
                }
                ReadOnlySpan<float> x = xb.AsSpan(0, n * inputs);
                long t0 = Stopwatch.GetTimestamp();
                StepResult result = data.Labels != null
                    ? trainer.Step(x, lb.AsSpan(0, n))
                    : trainer.Step(x, tb.AsSpan(0, n * tw));
                stepTicks[step++] = Stopwatch.GetTimestamp() - t0;
                if (!result.Applied) skipped++;
                if (float.IsFinite(result.Loss)) lossSum += (double)result.Loss * n;
                seen += n;
                progress.Step(epoch, lossSum / seen);
            }

            double trainLoss = lossSum / rows;
            double accuracy = double.NaN, valLoss = double.NaN, valAccuracy = double.NaN;
            if (data.IsClassification) Evaluation.Evaluate(model, data, out accuracy);
            if (validation != null) valLoss = Evaluation.Evaluate(model, validation, out valAccuracy);
            last = new EpochReport(epoch, epochs, trainLoss, accuracy, valLoss, valAccuracy, Stopwatch.GetElapsedTime(epochStart).TotalSeconds);
            progress.Epoch(last);
        }

        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return new TrainingSummary(epochs, step, skipped, seconds, MedianMicros(stepTicks.AsSpan(0, (int)step)), last);
    }

    /// <summary>Median of Stopwatch tick counts, in microseconds (sorts <paramref name="ticks"/>).</summary>
    public static double MedianMicros(Span<long> ticks)
    {
        if (ticks.IsEmpty) return double.NaN;
        ticks.Sort();
        int m = ticks.Length / 2;
        double median = ticks.Length % 2 == 1 ? ticks[m] : (ticks[m - 1] + ticks[m]) / 2.0;
        return median * 1e6 / Stopwatch.Frequency;
    }
}
